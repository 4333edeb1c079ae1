"""Keeps private survey links out of the logs: Django logs the path of every
4xx and 5xx (and runserver every request), and a survey path carries a live
token."""

import logging
import re

SURVEY_TOKEN = re.compile(r"/s/(shared/)?[A-Za-z0-9_-]{16,}")


def redact(text: str) -> str:
    return SURVEY_TOKEN.sub(lambda m: f"/s/{m.group(1) or ''}[token]", text)


class RedactSurveyTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True

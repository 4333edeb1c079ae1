"""How to read an exception from Django's email backend."""

import smtplib


def is_permanent(error: Exception) -> bool:
    """A refusal that will not change on retry: bad address, 5xx reply."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return True
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def describe(error: Exception) -> str:
    """The class and SMTP code only: server messages can quote the address."""
    code = getattr(error, "smtp_code", "")
    return f"{type(error).__name__} {code}".strip()[:200]

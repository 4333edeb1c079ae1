"""Test helpers: record answers, and close and release rounds as the beat
would (services/releases.py), without waiting for it."""

import datetime

from django.utils import timezone

from surveys.models import Answer, Release
from surveys.services import releases
from surveys.services.answering import record_response
from tests.factories import InvitationFactory


def record(survey_round, question, values, *, shared: bool = False):
    """One response per value (a number, a list of numbers for multiple
    choice, or a text), each by its own private link, or by the shared link."""
    for value in values:
        if isinstance(value, str):
            answers = [Answer(question=question, text=value)]
        else:
            answers = [Answer(question=question, number=v) for v in (value if isinstance(value, list) else [value])]
        invitation = None if shared else InvitationFactory(round=survey_round, state="sent")
        record_response(survey_round, answers, invitation=invitation)


def spread(cells: dict[int, int]) -> list[int]:
    """spread({4: 3, 5: 2}) -> [4, 4, 4, 5, 5]"""
    return [value for value, n in cells.items() for _ in range(n)]


def close(*rounds) -> None:
    """Closes the rounds an hour ago: settled, so they can be weighed."""
    closed_at = timezone.now() - datetime.timedelta(hours=1)
    for survey_round in rounds:
        survey_round.status, survey_round.closed_at = "closed", closed_at
        survey_round.closes_at = min(survey_round.closes_at, closed_at)
        survey_round.save(update_fields=["status", "closed_at", "closes_at"])


def release(*rounds) -> list[Release]:
    """Closes the rounds, weighs them and ends any review: the units made."""
    close(*rounds)
    releases.decide_settled_rounds()
    units = list(Release.objects.filter(parts__round__in=rounds).distinct())
    for unit in units:
        releases.release_now(unit)
    return units

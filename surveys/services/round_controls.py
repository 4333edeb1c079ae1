"""What a program manager does to a round under way: close it now, give it
more time, send reminders now. What the confirmation pages state comes
from here too (`reminders_if_asked_now`); each action checks again under a
row lock, so a double click or two managers at once change nothing twice."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Min, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import RoundStatus
from ..models import Invitation, Round
from . import sending

# A round stays open at most this long after it opened, extensions included:
# its answers are released only once it closes (docs/privacy.md).
LONGEST_ROUND = timedelta(days=90)


class RoundChangeRefused(Exception):
    """The round cannot be changed so; the message says why."""


def reminders_if_asked_now(survey_round: Round) -> int:
    """How many people "send reminders now" would email."""
    if not survey_round.is_open:
        return 0
    now = timezone.now()
    return len(sending.reminders_due(now, round_id=survey_round.pk, asked_at=now))


@dataclass(frozen=True)
class Reminders:
    """The round page's line about reminders."""

    sent: int  # reminder emails sent so far
    next_at: datetime | None  # when the next is due, if one is


def reminders(survey_round: Round) -> Reminders:
    """Two queries, whatever the round's size."""
    invitations = Invitation.objects.filter(round=survey_round)
    sent = invitations.aggregate(n=Sum("reminders_sent"))["n"] or 0
    last = invitations.filter(sending.may_get_a_reminder()).aggregate(
        last=Min(Coalesce("last_reminded_at", "sent_at"))
    )["last"]
    next_at = None
    if survey_round.is_open and last is not None:
        next_at = last + timedelta(days=survey_round.reminder_after_days)
        next_at = next_at if next_at < survey_round.closes_at else None
    return Reminders(sent=sent, next_at=next_at)


def _locked_open_round(round_id: int, now: datetime) -> Round:
    survey_round = Round.objects.select_for_update().get(pk=round_id)
    if survey_round.status != RoundStatus.OPEN or survey_round.closes_at <= now:
        raise RoundChangeRefused(_("This round is closed already."))
    return survey_round


def close_now(round_id: int, now: datetime | None = None) -> Round:
    """Closes the round: links stop working, no more reminders go out. Its
    answers are weighed for release as at any close (services/releases.py)."""
    now = now or timezone.now()
    with transaction.atomic():
        survey_round = _locked_open_round(round_id, now)
        survey_round.status, survey_round.closed_at, survey_round.closes_at = RoundStatus.CLOSED, now, now
        survey_round.save(update_fields=["status", "closed_at", "closes_at"])
    return survey_round


def latest_close(survey_round: Round) -> datetime:
    return survey_round.opened_at + LONGEST_ROUND


def extend(round_id: int, closes_at: datetime, now: datetime | None = None) -> Round:
    """Moves the closing time later; nobody is emailed."""
    now = now or timezone.now()
    with transaction.atomic():
        survey_round = _locked_open_round(round_id, now)
        if closes_at <= survey_round.closes_at:
            raise RoundChangeRefused(_("Choose a closing time later than the present one."))
        if closes_at > latest_close(survey_round):
            raise RoundChangeRefused(
                _("A round can stay open at most %(days)s days after it opened.") % {"days": LONGEST_ROUND.days}
            )
        survey_round.closes_at = closes_at
        survey_round.save(update_fields=["closes_at"])
    return survey_round


def remind_now(round_id: int, now: datetime | None = None) -> list[int]:
    """Makes everyone's next reminder due now, except people emailed in the
    last day (sending.REMIND_NOW_GAP) and people past the round's number of
    reminders. Returns the invitations to queue; the beat's reminder run
    would find the same ones, and each is claimed once."""
    now = now or timezone.now()
    with transaction.atomic():
        survey_round = _locked_open_round(round_id, now)
        survey_round.reminders_asked_at = now
        survey_round.save(update_fields=["reminders_asked_at"])
    return sending.reminders_due(now, round_id=round_id)

"""Opening and closing rounds. The database decides what is due; the beat
only says "look now", so a late, missed or doubled tick changes nothing."""

import calendar
import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.choices import Stage
from partners.models import Contact

from ..choices import MONTHS_BETWEEN, Audience, RoundStatus, SurveyStatus
from ..models import Invitation, Recipient, Round, Schedule, Survey
from ..tokens import hash_token, shared_token
from . import releases

log = logging.getLogger(__name__)

DEFAULT_CLOSE_AFTER = timedelta(days=21)


def add_months(moment: datetime, months: int, day: int | None = None) -> datetime:
    """The same local time (TIME_ZONE) `months` later, on `day` (default:
    the same day); a day past the month's end becomes its last day. Local,
    so that a 09:00 schedule stays at 09:00 across daylight-saving changes."""
    local = timezone.localtime(moment)
    month_index = local.month - 1 + months
    year, month = local.year + month_index // 12, month_index % 12 + 1
    day = min(day or local.day, calendar.monthrange(year, month)[1])
    wall_clock = local.replace(year=year, month=month, day=day, tzinfo=None)
    return timezone.make_aware(wall_clock)


def eligible_recipients(survey: Survey) -> QuerySet:
    """Who may be invited: people who may receive surveys (the models'
    can_receive_surveys), in the survey's groups when it names some;
    partner contacts also need a relationship that is not over."""
    if survey.audience == Audience.PARTNERS:
        return Contact.objects.can_receive_surveys().exclude(organization__stage=Stage.ENDED)
    people = Recipient.objects.can_receive_surveys().filter(audience=survey.audience)
    groups = survey.groups.all()
    if groups.exists():
        # The survey's groups only: a subquery, so people in two groups come once.
        people = people.filter(
            pk__in=Recipient.groups.through.objects.filter(recipientgroup__in=groups).values("recipient")
        )
    return people


def open_round(
    survey: Survey,
    *,
    schedule: Schedule | None = None,
    due_at: datetime | None = None,
    now: datetime | None = None,
) -> Round:
    """Creates the round and one pending invitation per eligible person. The
    caller queues the sending (tasks.dispatch_round), once this has committed."""
    now = now or timezone.now()
    schedule = schedule or Schedule.objects.filter(survey=survey).first()
    with transaction.atomic():
        new_round = Round.objects.create(
            survey=survey,
            schedule=schedule if due_at else None,
            due_at=due_at,
            opened_at=now,
            closes_at=now + (timedelta(days=schedule.close_after_days) if schedule else DEFAULT_CLOSE_AFTER),
            reminder_after_days=schedule.reminder_after_days if schedule else 7,
            max_reminders=schedule.max_reminders if schedule else 1,
        )
        if survey.anonymous:
            new_round.shared_token_hash = hash_token(shared_token(new_round.pk))
            new_round.save(update_fields=["shared_token_hash"])
        people = eligible_recipients(survey)
        person_field = "contact" if survey.audience == Audience.PARTNERS else "recipient"
        Invitation.objects.bulk_create(
            [
                Invitation(round=new_round, language=person.language, **{person_field: person})
                for person in people.only("id", "language")
            ],
            batch_size=1000,
        )
    log.info("Opened round %s of survey %s", new_round.pk, survey.pk)
    return new_round


class RoundRefused(Exception):
    """A round may not be opened now; the message says why."""


def open_round_by_hand(survey_id: int) -> Round:
    """Opens a round now, as a manager asks: only for an active survey, and
    not while another round of it is open (a double click, or two managers
    at once, would email everyone twice). The survey row is the lock that
    makes the check and the opening one step. Raises RoundRefused."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey_id)
        if survey.status != SurveyStatus.ACTIVE:
            raise RoundRefused(_("Activate the survey before opening a round."))
        if survey.rounds.open_now().exists():
            raise RoundRefused(_("A round of this survey is already open. Everyone in it has their link."))
        return open_round(survey)


def open_due_rounds(now: datetime | None = None) -> list[Round]:
    """Opens the round of every active schedule whose time has come.

    Each scheduled slot gets exactly one Round row. When the scheduler was down
    for several periods, the latest slot still open is sent; earlier slots are
    recorded as missed (visible on the survey page) rather than sending people
    several surveys at once with links that have already expired."""
    now = now or timezone.now()
    opened = []
    due_ids = Schedule.objects.running().filter(next_run_at__lte=now).values_list("pk", flat=True)
    for schedule_id in list(due_ids):
        try:
            with transaction.atomic():
                # skip_locked: a second beat running at the same moment moves on.
                schedule = (
                    Schedule.objects.select_for_update(skip_locked=True)
                    .select_related("survey")
                    .filter(pk=schedule_id, next_run_at__lte=now)
                    .first()
                )
                if schedule is not None:
                    opened += _catch_up(schedule, now)
        except IntegrityError:
            # The unique (schedule, due_at) constraint: another process got
            # there first. Nothing to do.
            log.info("Schedule %s was opened by another process", schedule_id)
    return opened


def _catch_up(schedule: Schedule, now: datetime) -> list[Round]:
    months = MONTHS_BETWEEN[schedule.recurrence]
    slots = []
    # Each slot counted from the first, not from the one before, so that a
    # schedule on the 31st that passes through February comes back to the 31st.
    anchor = schedule.next_run_at
    slot = anchor
    while slot <= now:
        slots.append(slot)
        slot = add_months(anchor, months * len(slots), day=schedule.anchor_day)
    close_after = timedelta(days=schedule.close_after_days)
    opened = []
    for index, due_at in enumerate(slots):
        is_latest = index == len(slots) - 1
        if is_latest and due_at + close_after > now:
            opened.append(open_round(schedule.survey, schedule=schedule, due_at=due_at, now=now))
        else:
            Round.objects.create(
                survey=schedule.survey,
                schedule=schedule,
                due_at=due_at,
                opened_at=due_at,
                closes_at=due_at + close_after,
                closed_at=now,
                status=RoundStatus.MISSED,
            )
            log.warning("Schedule %s missed its slot %s", schedule.pk, due_at.isoformat())
    schedule.next_run_at = slot
    schedule.save(update_fields=["next_run_at"])
    return opened


def close_due_rounds(now: datetime | None = None) -> int:
    """Closes every open round whose closing time has passed, weighs the
    answers of rounds closed a while ago, and releases units whose review
    has ended (services/releases.py)."""
    now = now or timezone.now()
    closed = Round.objects.filter(status=RoundStatus.OPEN, closes_at__lte=now).update(
        status=RoundStatus.CLOSED, closed_at=now
    )
    releases.decide_settled_rounds(now)
    releases.release_due_units(now)
    return closed

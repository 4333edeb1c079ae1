"""Sending invitations and reminders exactly once from the person's point of
view, through core.outbox: the invitation row is the truth.

Two kinds of email rows live on an invitation: its first email (`state`) and
its reminders (`reminder_state`, with `reminders_sent`). Each is claimed
before its message leaves and marked sent only after the mail server took
it; a worker killed in between leaves it claimed, and the sweeper turns it
`unknown` after a lease, for a manager to decide on the round page.
Nothing is resent, or dropped, silently."""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone

from core import outbox
from core.outbox import QUEUE_GRACE, Letter, due

from .. import emails
from ..choices import RoundStatus, SendState
from ..models import Invitation, InvitationToken
from ..tokens import new_token

# Invitations claimed, sent and recorded together, by one task over one mail
# connection. A kill mid-group leaves every claimed row not yet marked sent
# as `sending`, later `unknown` for a manager: a small group bounds that.
# 20 rather than 40: 40 sent faster, but every unknown row is a manager's
# guess, and a guess of "resend" for a message that did arrive is a duplicate.
CLAIM_SIZE = 20
# At most this many waiting invitations queued again by one sweep, oldest
# first (see core.outbox.QUEUE_GRACE).
SWEEP_LIMIT = 5000


def open_rounds() -> Q:
    return Q(round__status=RoundStatus.OPEN, round__closes_at__gt=timezone.now())


def deliverable(invitation: Invitation) -> bool:
    """Whether the person may still be emailed (they may have opted out since
    the round opened)."""
    return invitation.person.can_receive_surveys


def may_get_a_reminder() -> Q:
    """Invitations that may still get a next reminder, whenever it is due:
    sent, not known to be answered, under the round's number of reminders,
    and no reminder in flight, unknown or failed."""
    return Q(state=SendState.SENT, responded=False, reminders_sent__lt=F("round__max_reminders")) & ~Q(
        reminder_state__in=[SendState.SENDING, SendState.UNKNOWN, SendState.FAILED]
    )


# A reminder asked for by hand goes only to people last emailed before this
# long before the asking: nobody gets two emails within a day.
REMIND_NOW_GAP = timedelta(days=1)


def reminder_due(invitation: Invitation, now: datetime, asked_at: datetime | None = None) -> bool:
    """Whether the invitation's next reminder is due: the round's days after
    the first email, or after the last reminder; or, once a manager asked
    for reminders now (the round's reminders_asked_at, or `asked_at` to
    count who would get one), if the last email went a day before the
    asking. A row marked sent by hand may have no send time: no reminder
    then."""
    last = invitation.last_reminded_at or invitation.sent_at
    if last is None:
        return False
    if last + timedelta(days=invitation.round.reminder_after_days) <= now:
        return True
    asked_at = asked_at or invitation.round.reminders_asked_at
    return asked_at is not None and asked_at <= now and last <= asked_at - REMIND_NOW_GAP


@contextmanager
def without_waiting_for_disk():
    """Commits the current PostgreSQL transaction without waiting for it to
    reach the disk. Only for writes whose loss in a database crash is safe:
    marking a row sent (lost, it stays `sending`, then becomes `unknown` for
    a manager, exactly as if the worker had died) — never for a claim."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    yield


class _SurveyEmails:
    """What the first email and the reminders share: claiming rows under a
    lock, giving each a fresh link, and building the messages of a group
    with each round's text rendered once per language."""

    name: str
    state_field: str
    attempts_field: str
    template: str

    def _claimable(self, ids: list[int], now: datetime):
        raise NotImplementedError

    def _claim_update(self, now: datetime) -> dict:
        raise NotImplementedError

    def _is_last(self, row: Invitation) -> bool:
        return False

    def claim(self, ids: list[int], now: datetime | None = None) -> list[Letter]:
        """Claims the waiting rows among `ids` and gives each a new link, in
        one transaction committed before anything is sent. Rows locked by
        another worker are skipped, so two workers never claim the same row;
        a person who opted out since is recorded as failed and not emailed."""
        now = now or timezone.now()
        with transaction.atomic():
            rows = self._claimable(ids, now)
            if not rows:
                return []
            Invitation.objects.filter(pk__in=[row.pk for row in rows]).update(**self._claim_update(now))
            for row in rows:
                setattr(row, self.attempts_field, getattr(row, self.attempts_field) + 1)
            refused = [row.pk for row in rows if not deliverable(row)]
            if refused:
                Invitation.objects.filter(pk__in=refused).update(
                    **{self.state_field: SendState.FAILED}, last_error="Opted out or no consent when sending"
                )
            rows = [row for row in rows if row.pk not in refused]
            tokens = {row.pk: new_token() for row in rows}
            InvitationToken.objects.bulk_create(
                [InvitationToken(invitation=row, token_hash=tokens[row.pk][1]) for row in rows]
            )
        contexts: dict[tuple[int, str], dict] = {}

        def context_of(row: Invitation) -> dict:
            key = (row.round_id, row.language)
            if key not in contexts:
                contexts[key] = emails.round_context(row.round, row.language)
            return contexts[key]

        with outbox.given_back_on_error(self.give_back, [row.pk for row in rows]):
            messages = emails.survey_emails(
                self.template, [(row, tokens[row.pk][0]) for row in rows], context_of, last_of=self._is_last
            )
        return [
            Letter(row.pk, message, getattr(row, self.attempts_field), row.failing_since)
            for row, message in zip(rows, messages, strict=True)
        ]

    def _rows(self, ids: list[int], **filters):
        return (
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("round__survey", "recipient", "contact")
            .filter(open_rounds(), pk__in=ids, **filters)
            .order_by("pk")
        )

    def _sending(self, ids) -> QuerySet:
        return Invitation.objects.filter(pk__in=ids, **{self.state_field: SendState.SENDING})

    def mark_waiting(self, ids: list[int], reason: str, next_try_at: datetime, failing_since: datetime) -> None:
        self._sending(ids).update(
            **{self.state_field: SendState.PENDING},
            last_error=reason,
            next_try_at=next_try_at,
            failing_since=failing_since,
        )

    def mark_failed(self, pk: int, reason: str) -> None:
        self._sending([pk]).update(**{self.state_field: SendState.FAILED}, last_error=reason, next_try_at=None)

    def wake_waiting(self) -> None:
        Invitation.objects.filter(
            open_rounds(), **{self.state_field: SendState.PENDING}, next_try_at__gt=timezone.now()
        ).update(next_try_at=timezone.now())

    def give_back(self, ids: list[int], next_try_at: datetime | None = None) -> None:
        self._sending(ids).update(
            **{self.state_field: SendState.PENDING, self.attempts_field: F(self.attempts_field) - 1},
            next_try_at=next_try_at,
        )


class FirstEmails(_SurveyEmails):
    """The invitation's first email: state pending -> sending -> sent."""

    name = "invitations"
    state_field, attempts_field, template = "state", "attempts", "invitation"

    def _claimable(self, ids: list[int], now: datetime) -> list[Invitation]:
        return list(self._rows(ids, state=SendState.PENDING).filter(due(now)))

    def _claim_update(self, now: datetime) -> dict:
        return {"state": SendState.SENDING, "attempts": F("attempts") + 1, "claimed_at": now}

    def mark_sent(self, ids: list[int]) -> None:
        """The mail server took them. Also from `unknown`: a send slower than
        the lease was marked so by the sweeper, but now its outcome is known."""
        with transaction.atomic(), without_waiting_for_disk():
            Invitation.objects.filter(pk__in=ids, state__in=[SendState.SENDING, SendState.UNKNOWN]).update(
                state=SendState.SENT, sent_at=timezone.now(), last_error="", failing_since=None, next_try_at=None
            )

    def mark_unknown(self, pk: int, reason: str) -> None:
        self._sending([pk]).update(state=SendState.UNKNOWN, last_error=reason, next_try_at=None)


class Reminders(_SurveyEmails):
    """The invitation's next reminder, when due and not answered:
    reminder_state waiting -> sending -> sent, reminders_sent counting them.
    Due-ness is checked again at the claim, so a task delivered twice sends
    the next reminder only when it is due."""

    name = "reminders"
    state_field, attempts_field, template = "reminder_state", "reminder_attempts", "reminder"

    def __init__(self, now: Callable[[], datetime] = timezone.now):
        self.now = now

    def _claimable(self, ids: list[int], now: datetime) -> list[Invitation]:
        rows = self._rows(ids).filter(may_get_a_reminder())
        now = self.now()
        return [row for row in rows.filter(due(now)) if reminder_due(row, now)]

    def _claim_update(self, now: datetime) -> dict:
        return {
            "reminder_state": SendState.SENDING,
            "reminder_claimed_at": now,
            "reminder_attempts": F("reminder_attempts") + 1,
        }

    def _is_last(self, row: Invitation) -> bool:
        return row.reminders_sent + 1 >= row.round.max_reminders

    def mark_sent(self, ids: list[int]) -> None:
        self._sending(ids).update(
            reminder_state=SendState.SENT,
            reminders_sent=F("reminders_sent") + 1,
            reminder_attempts=0,
            last_reminded_at=timezone.now(),
            failing_since=None,
            next_try_at=None,
        )

    def mark_unknown(self, pk: int, reason: str) -> None:
        """As the sweeper does: an unknown reminder counts as sent, since a
        second reminder is worse than none."""
        self._sending([pk]).update(
            reminder_state=SendState.UNKNOWN,
            reminders_sent=F("reminders_sent") + 1,
            last_reminded_at=timezone.now(),
            last_error=reason,
            next_try_at=None,
        )


FIRST_EMAILS = FirstEmails()
REMINDERS = Reminders()


def reminders_due(now: datetime | None = None, *, round_id: int | None = None, asked_at=None) -> list[int]:
    """Ids of the invitations sent, not answered, whose next reminder is due
    (of one round, and as if reminders were asked for at `asked_at`, when
    given)."""
    now = now or timezone.now()
    of_round = Q(round_id=round_id) if round_id is not None else Q()
    candidates = (
        Invitation.objects.filter(of_round, open_rounds(), due(now), may_get_a_reminder())
        .select_related("round")
        .only("id", "sent_at", "last_reminded_at", "round__reminder_after_days", "round__reminders_asked_at")
    )
    return [invitation.pk for invitation in candidates if reminder_due(invitation, now, asked_at)]


def sweep(now: datetime | None = None) -> dict:
    """Marks sends whose worker died as unknown, and returns the ids of
    waiting invitations to queue: those whose next try has come, and those
    queued a while ago that nobody picked up (QUEUE_GRACE). The one place
    retries are queued from."""
    now = now or timezone.now()
    expired = now - timedelta(seconds=settings.SEND_LEASE_SECONDS)
    unknown = Invitation.objects.filter(state=SendState.SENDING, claimed_at__lt=expired).update(
        state=SendState.UNKNOWN, last_error="Worker stopped while sending"
    )
    # An unknown reminder counts as sent: a second reminder is worse than none.
    unknown_reminders = Invitation.objects.filter(
        reminder_state=SendState.SENDING, reminder_claimed_at__lt=expired
    ).update(reminder_state=SendState.UNKNOWN, reminders_sent=F("reminders_sent") + 1, last_reminded_at=now)
    queued_before = now - QUEUE_GRACE
    stalled = list(
        Invitation.objects.filter(open_rounds(), due(now), state=SendState.PENDING)
        .filter(
            outbox.not_queued_since_due(queued_before) | Q(claimed_at__isnull=True, round__opened_at__lt=queued_before)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_LIMIT]
    )
    # Queued again now: the next sweeps leave them alone for QUEUE_GRACE.
    Invitation.objects.filter(pk__in=stalled, state=SendState.PENDING).update(claimed_at=now)
    return {"unknown": unknown, "unknown_reminders": unknown_reminders, "requeue": stalled}


def resend(invitation_ids: list[int]) -> list[int]:
    """A manager chose to send again invitations whose outcome was unknown or
    failed: waiting again, with a fresh budget of attempts. Only while the
    round is open (a closed round's link would not work). Returns their ids,
    to queue."""
    rows = Invitation.objects.filter(
        open_rounds(), pk__in=invitation_ids, state__in=[SendState.UNKNOWN, SendState.FAILED], responded=False
    )
    ids = list(rows.values_list("pk", flat=True))
    Invitation.objects.filter(pk__in=ids).update(
        # claimed_at: queued now (the caller queues them; the sweeper, if that fails).
        state=SendState.PENDING,
        claimed_at=timezone.now(),
        last_error="",
        attempts=0,
        failing_since=None,
        next_try_at=None,
    )
    return ids


def mark_arrived(invitation_ids: list[int]) -> int:
    """A manager checked that the unknown invitations did go out."""
    return Invitation.objects.filter(pk__in=invitation_ids, state=SendState.UNKNOWN).update(
        state=SendState.SENT, sent_at=F("claimed_at")
    )


@dataclass
class Held:
    """Why a round's invitations are waiting: since when sending them has
    been failing, the last error, and the next try."""

    count: int
    since: datetime
    next_try_at: datetime | None
    last_error: str


def held_back(round_id: int) -> Held | None:
    """The round's invitations waiting after errors, or None when none is
    (two queries)."""
    waiting = Invitation.objects.filter(round_id=round_id, failing_since__isnull=False).filter(
        Q(state=SendState.PENDING) | Q(reminder_state=SendState.PENDING)
    )
    figures = waiting.aggregate(count=Count("pk"), since=Min("failing_since"), next_try_at=Min("next_try_at"))
    if not figures["count"]:
        return None
    last_error = waiting.order_by("-failing_since", "-pk").values_list("last_error", flat=True).first() or ""
    return Held(last_error=last_error, **figures)

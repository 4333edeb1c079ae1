"""Sending invitations and reminders exactly once from the person's point of view.

The invitation row is the truth. A send is *claimed* with a conditional UPDATE
(pending -> sending) that only one process can win, so a retried or
re-delivered task finds nothing to do. After the mail server accepts the
message the row becomes sent. A worker killed between those two steps leaves
the row in `sending`; once its lease has run out the sweeper marks it
`unknown`, and a manager decides on the round page whether to send again.
Nothing is resent, or dropped, silently.

Invitations go out in small groups (one task, one claim, one mail connection
per group), each row still claimed, sent and marked on its own terms.
"""

import logging
import smtplib
import socket
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.mail_errors import describe, is_permanent

from .. import emails
from ..choices import RoundStatus, SendState
from ..models import Invitation, InvitationToken
from ..tokens import new_token

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6


class TransientSendError(Exception):
    """The mail server could not take the message now; try again later."""


def _deliverable(invitation: Invitation) -> bool:
    person = invitation.recipient or invitation.contact
    if invitation.recipient_id:
        return person.consent and not person.opted_out
    return person.consent_to_surveys and not person.opted_out and bool(person.email)


def _open_rounds() -> Q:
    return Q(round__status=RoundStatus.OPEN, round__closes_at__gt=timezone.now())


# Invitations claimed together by one task. A claim is committed (waited for
# on disk) before any of its messages leaves, so a group shares one wait; but
# a worker killed mid-group leaves every claimed row not yet marked sent as
# `sending`, later `unknown` for a manager. A small group bounds that: a kill
# costs at most this many unknown rows per pool process. 20 rather than 40:
# 40 sent faster (0.54-0.8 of a raw SMTP loop against 0.45-0.71, see
# bench/dispatch.py), but every unknown row is a manager's guess, and a guess
# of "resend" for a message that did arrive is a duplicate.
CLAIM_SIZE = 20
# Rows whose message the server accepted are marked sent this many at a time
# (four round trips to the database each time, a third of a send's time when
# done for every email). Marking later changes nothing a kill can do: the
# claimed group is `sending` until marked either way.
MARK_SENT_EVERY = CLAIM_SIZE
# A slow mail server (each message may wait EMAIL_TIMEOUT) must not keep a
# group past the task's time limit, which would kill it mid-group: after this
# long, the rows not yet tried go back to pending, to be queued again.
SEND_BUDGET_SECONDS = 40


@dataclass
class Outcome:
    """What one call of send_invitations did, by invitation id."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    not_deliverable: list[int] = field(default_factory=list)
    # Handed back to pending after a transient error: to be tried again later.
    retry: list[int] = field(default_factory=list)
    # Their attempts so far, which set the pause before the next try.
    retry_attempts: int = 0
    # Not tried for lack of time, still pending: to be queued again at once.
    released: list[int] = field(default_factory=list)

    def of(self, invitation_id: int) -> str:
        for name, label in (
            ("sent", "sent"),
            ("failed", "failed"),
            ("not_deliverable", "not deliverable"),
            ("retry", "retry"),
        ):
            if invitation_id in getattr(self, name):
                return label
        return "nothing to do"


def send_invitation(invitation_id: int) -> str:
    """Sends one invitation if it is still pending. Returns what happened;
    raises TransientSendError when it should be tried again later."""
    outcome = send_invitations([invitation_id])
    if outcome.retry:
        raise TransientSendError(Invitation.objects.values_list("last_error", flat=True).get(pk=invitation_id))
    return outcome.of(invitation_id)


def send_invitations(invitation_ids: list[int]) -> Outcome:
    """Sends those of the invitations that are still pending, over one mail
    connection. Each row is claimed before its message leaves and is marked
    sent only after the server accepted it; an error on one row touches no
    other row."""
    outcome = Outcome()
    deadline = time.monotonic() + SEND_BUDGET_SECONDS
    for start in range(0, len(invitation_ids), CLAIM_SIZE):
        if time.monotonic() > deadline:
            outcome.released.extend(invitation_ids[start:])  # not claimed: still pending
            break
        invitations, raw_tokens = _claim(invitation_ids[start : start + CLAIM_SIZE], outcome)
        accepted: list[int] = []
        for index, invitation in enumerate(invitations):
            if time.monotonic() > deadline:
                _release(invitations[index:], outcome)
                break
            try:
                emails.send_invitation(invitation, raw_tokens[invitation.pk])
            except Exception as error:
                _record_error(invitation, error, outcome)
                continue
            accepted.append(invitation.pk)
            if len(accepted) == MARK_SENT_EVERY:
                _mark_sent(accepted, outcome)
                accepted = []
        _mark_sent(accepted, outcome)
    return outcome


def _claim(invitation_ids: list[int], outcome: Outcome) -> tuple[list[Invitation], dict[int, str]]:
    """Claims the pending invitations among the ids (pending -> sending) and
    gives each a new link, in one transaction committed before anything is
    sent. The rows are locked while they are read, and rows locked by another
    worker are skipped, so two workers can never claim the same row."""
    with transaction.atomic():
        rows = list(
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("round__survey", "recipient", "contact")
            .filter(_open_rounds(), pk__in=invitation_ids, state=SendState.PENDING)
            .order_by("pk")
        )
        if not rows:
            return [], {}
        now = timezone.now()
        claimed = Invitation.objects.filter(pk__in=[row.pk for row in rows], state=SendState.PENDING).update(
            state=SendState.SENDING, attempts=F("attempts") + 1, claimed_at=now
        )
        if claimed != len(rows):  # only possible on a database without row locks
            raise transaction.TransactionManagementError("Invitations changed while being claimed")
        for row in rows:
            row.state, row.attempts, row.claimed_at = SendState.SENDING, row.attempts + 1, now
        deliverable = [row for row in rows if _deliverable(row)]
        refused = [row.pk for row in rows if row not in deliverable]
        if refused:
            Invitation.objects.filter(pk__in=refused).update(
                state=SendState.FAILED, last_error="Opted out or no consent when sending"
            )
            outcome.not_deliverable.extend(refused)
        tokens = {row.pk: new_token() for row in deliverable}
        InvitationToken.objects.bulk_create(
            [InvitationToken(invitation=row, token_hash=tokens[row.pk][1]) for row in deliverable]
        )
    return deliverable, {pk: raw for pk, (raw, _) in tokens.items()}


def _mark_sent(invitation_ids: list[int], outcome: Outcome) -> None:
    """The mail server took them. Also from `unknown`: a send slower than the
    lease was marked so by the sweeper, but now its outcome is known."""
    if not invitation_ids:
        return
    with transaction.atomic(), without_waiting_for_disk():
        Invitation.objects.filter(pk__in=invitation_ids, state__in=[SendState.SENDING, SendState.UNKNOWN]).update(
            state=SendState.SENT, sent_at=timezone.now(), last_error=""
        )
    outcome.sent.extend(invitation_ids)


def _release(invitations: list[Invitation], outcome: Outcome) -> None:
    """Hands back claimed rows whose message was never tried: pending again,
    the attempt not counted."""
    ids = [invitation.pk for invitation in invitations]
    Invitation.objects.filter(pk__in=ids, state=SendState.SENDING).update(
        state=SendState.PENDING, attempts=F("attempts") - 1
    )
    outcome.released.extend(ids)


def _record_error(invitation: Invitation, error: Exception, outcome: Outcome) -> None:
    try:
        _handle_error(invitation, error, state_field="state")
    except TransientSendError:
        outcome.retry.append(invitation.pk)
        outcome.retry_attempts = max(outcome.retry_attempts, invitation.attempts)
    else:
        outcome.failed.append(invitation.pk)


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


def _handle_error(invitation: Invitation, error: Exception, *, state_field: str) -> str:
    transient = isinstance(error, smtplib.SMTPException | OSError | socket.timeout) and not is_permanent(error)
    description = describe(error)
    rows = Invitation.objects.filter(pk=invitation.pk, **{state_field: SendState.SENDING})
    attempts = invitation.attempts if state_field == "state" else invitation.reminder_attempts
    if transient and attempts < MAX_ATTEMPTS:
        # The message did not leave: hand the row back for the retry. A
        # reminder goes back to "waiting", with reminders_sent unchanged.
        back = SendState.PENDING
        rows.update(**{state_field: back}, last_error=description)
        log.info("Invitation %s: transient error %s, will retry", invitation.pk, description)
        raise TransientSendError(description) from error
    rows.update(**{state_field: SendState.FAILED}, last_error=description)
    log.warning("Invitation %s: failed for good (%s)", invitation.pk, description)
    return "failed"


def reminders_due(now: datetime | None = None):
    """Invitations sent, not answered, whose next reminder is due."""
    now = now or timezone.now()
    candidates = (
        Invitation.objects.filter(
            _open_rounds(),
            state=SendState.SENT,
            responded=False,
            reminders_sent__lt=F("round__max_reminders"),
        )
        .exclude(reminder_state__in=[SendState.SENDING, SendState.UNKNOWN, SendState.FAILED])
        .select_related("round")
    )
    return [
        invitation
        for invitation in candidates.only(
            "id", "sent_at", "last_reminded_at", "reminders_sent", "round__reminder_after_days"
        )
        # sent_at can be empty on a row marked sent by hand: no reminder then,
        # rather than a crash that stops every other reminder.
        if (invitation.last_reminded_at or invitation.sent_at)
        and (invitation.last_reminded_at or invitation.sent_at) + timedelta(days=invitation.round.reminder_after_days)
        <= now
    ]


def send_reminder(invitation_id: int, number: int) -> str:
    """Sends reminder `number` (1, 2, …) of an invitation, at most once."""
    claimed = (
        Invitation.objects.filter(
            _open_rounds(),
            pk=invitation_id,
            state=SendState.SENT,
            responded=False,
            reminders_sent=number - 1,
        )
        .exclude(reminder_state__in=[SendState.SENDING, SendState.UNKNOWN])
        .update(
            reminder_state=SendState.SENDING,
            reminder_claimed_at=timezone.now(),
            reminder_attempts=F("reminder_attempts") + 1,
        )
    )
    if not claimed:
        return "nothing to do"
    invitation = Invitation.objects.select_related("round__survey", "recipient", "contact").get(pk=invitation_id)
    if not _deliverable(invitation):
        Invitation.objects.filter(pk=invitation_id).update(reminder_state=SendState.FAILED)
        return "not deliverable"
    raw_token, token_hash = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=token_hash)
    try:
        emails.send_reminder(invitation, raw_token, last=number >= invitation.round.max_reminders)
    except Exception as error:
        return _handle_error(invitation, error, state_field="reminder_state")
    Invitation.objects.filter(pk=invitation_id, reminder_state=SendState.SENDING).update(
        reminder_state=SendState.SENT, reminders_sent=number, reminder_attempts=0, last_reminded_at=timezone.now()
    )
    return "sent"


def sweep(now: datetime | None = None) -> dict:
    """Marks sends whose worker died as unknown, and returns the ids of pending
    invitations that nobody seems to be working on, to queue again."""
    now = now or timezone.now()
    expired = now - timedelta(seconds=settings.SEND_LEASE_SECONDS)
    unknown = Invitation.objects.filter(state=SendState.SENDING, claimed_at__lt=expired).update(
        state=SendState.UNKNOWN, last_error="Worker stopped while sending"
    )
    # An unknown reminder counts as sent: a second reminder is worse than none.
    unknown_reminders = Invitation.objects.filter(
        reminder_state=SendState.SENDING, reminder_claimed_at__lt=expired
    ).update(reminder_state=SendState.UNKNOWN, reminders_sent=F("reminders_sent") + 1, last_reminded_at=now)
    stalled = list(
        Invitation.objects.filter(_open_rounds(), state=SendState.PENDING)
        .filter(Q(claimed_at__lt=expired) | Q(claimed_at__isnull=True, round__opened_at__lt=expired))
        .values_list("pk", flat=True)
    )
    # Queued again now: the next sweep leaves them alone for a whole lease,
    # so a long backlog is not queued once more every minute.
    Invitation.objects.filter(pk__in=stalled, state=SendState.PENDING).update(claimed_at=now)
    return {"unknown": unknown, "unknown_reminders": unknown_reminders, "requeue": stalled}


def resend(invitation_ids: list[int]) -> int:
    """A manager chose to send again invitations whose outcome was unknown or
    failed. Only while the round is open (a closed round's link would not
    work), and with a fresh budget of attempts."""
    return Invitation.objects.filter(
        _open_rounds(), pk__in=invitation_ids, state__in=[SendState.UNKNOWN, SendState.FAILED], responded=False
    ).update(state=SendState.PENDING, claimed_at=None, last_error="", attempts=0)


def mark_sent(invitation_ids: list[int]) -> int:
    """A manager checked that the unknown invitations did go out."""
    return Invitation.objects.filter(pk__in=invitation_ids, state=SendState.UNKNOWN).update(
        state=SendState.SENT, sent_at=F("claimed_at")
    )

"""Sending email rows exactly once: the one path every email of the product
takes (survey invitations, reminders, digests).

Each kind of email is a database row whose state says whether it went out.
`deliver(kind, ids)`:

1. claims the rows still waiting (`kind.claim`: a conditional UPDATE only one
   worker can win, committed before any message leaves), so a retried or
   re-delivered task finds nothing to do;
2. sends their messages over one connection of Django's mail API;
3. records each outcome (`classify` says which):
   - sent, in groups, after the server took them;
   - `unknown` when the message went out whole and the server's answer was
     lost (core.mail_handover): it may have arrived, so it is never retried
     by itself; a manager decides;
   - back to waiting after an error before hand-over, with the time of the
     next try (`pause_before`, growing to a cap); each kind's sweeper queues
     it then: the one place retries are queued. It fails for good only after
     `SEND_RETRY_HOURS` of failing, or at a permanent refusal (5xx);
4. stops at the first error that is the server's rather than the message's
   (refused, timed out, disconnected): the rest of the group waits for the
   same next try, untried (an outage costs no attempts), and no goodbye is
   said to a server that may be stuck;
5. gives back, untried, the rows it had no time left for;
6. when a row that had been failing goes out, wakes every waiting row of
   its kind: the server is back, and nobody waits out a long pause.

A worker killed between sending and recording leaves rows claimed; each
kind's sweeper turns them `unknown` after a lease, for a manager to decide.
Nothing is resent, or dropped, silently."""

import contextlib
import logging
import random
import smtplib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.db import DatabaseError, close_old_connections
from django.db.models import F, Q
from django.utils import timezone

from . import mail_handover
from .mail_handover import MayHaveArrived

log = logging.getLogger(__name__)

# The pause before the next try grows from this, doubling, up to
# SEND_LONGEST_PAUSE_SECONDS (a setting).
FIRST_PAUSE_SECONDS = 30
# A slow mail server must not keep a group past the task's time limit, which
# would kill it mid-group: after this long, untried rows are given back.
SEND_BUDGET_SECONDS = 40
# Recording an outcome is retried this long when the database is away
# (restarting), so that emails that went out are not left `unknown`.
RECORD_RETRY_SECONDS = 30

# Waiting rows still not picked up this long after they were queued are
# queued again by their kind's sweeper: the broker may have lost them (Redis
# restarted empty) or been down when they were queued. A task for a row
# someone else sent meanwhile finds nothing to do.
QUEUE_GRACE = timedelta(seconds=30)

# The options of every task that calls deliver(). It survives its worker
# dying (acks_late, reject on worker lost): the claim makes a second run
# harmless. And a database restart: it runs again after a pause (a claim that
# failed was rolled back; one that held sends nothing twice).
SEND_TASK_OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "max_retries": 12,
}

# What an error says about a message: how deliver() records it.
SENT_MAYBE, RETRY, PERMANENT = "unknown", "retry", "permanent"


@dataclass
class Letter:
    """A claimed row and its message, ready to go."""

    pk: int
    message: EmailMessage
    attempts: int
    # When the row's current run of failures began; None if it has none.
    failing_since: datetime | None = None


class Kind(Protocol):
    """One kind of email row, as deliver() sees it."""

    name: str

    def claim(self, ids: list[int]) -> list[Letter]:
        """Claims the rows among `ids` still waiting, commits, and returns
        their letters. Rows that may no longer be sent are recorded as such
        here and left out."""

    def mark_sent(self, ids: list[int]) -> None: ...

    def mark_waiting(self, ids: list[int], reason: str, next_try_at: datetime, failing_since: datetime) -> None:
        """Back to waiting until `next_try_at`, after an error before hand-over."""

    def mark_failed(self, pk: int, reason: str) -> None: ...

    def wake_waiting(self) -> None:
        """The mail server is back: every row waiting after errors may be
        tried now (the sweeper queues them within a minute)."""

    def mark_unknown(self, pk: int, reason: str) -> None:
        """The message may have arrived: never retried by itself."""

    def give_back(self, ids: list[int], next_try_at: datetime | None = None) -> None:
        """Back to waiting, untried (the attempt does not count), until
        `next_try_at` or at once."""


@dataclass
class Outcome:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    # Back to waiting until their next try (the sweeper queues them then).
    waiting: list[int] = field(default_factory=list)
    # Not tried for lack of time, still waiting: to be queued again at once.
    given_back: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in ("sent", "failed", "unknown", "waiting", "given_back")}


def due(now: datetime) -> Q:
    """Rows whose next try has come, or that never failed (every kind's
    rows have `next_try_at`)."""
    return Q(next_try_at__isnull=True) | Q(next_try_at__lte=now)


def not_queued_since_due(queued_before: datetime) -> Q:
    """Rows that were claimed or queued (`claimed_at`) before their next try
    came, or before `queued_before`: a task for them is not on its way.
    The sweepers queue them again and set `claimed_at`."""
    return Q(next_try_at__isnull=False, claimed_at__lt=F("next_try_at")) | Q(claimed_at__lt=queued_before)


def classify(error: BaseException) -> str:
    """SENT_MAYBE after hand-over. PERMANENT when the server refused this
    message for good (a 5xx to its recipient or to its content), or for an
    error that is not a mail error (bad data in this row). RETRY for any
    other mail error before hand-over: the server down, slow or full, a 4xx,
    a refused sender or login (a person fixes the settings), a mail folder
    that cannot be written (a laptop's read-only folder)."""
    if isinstance(error, MayHaveArrived | SoftTimeLimitExceeded):
        return SENT_MAYBE
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _reply in error.recipients.values()]
        return PERMANENT if codes and all(500 <= code < 600 for code in codes) else RETRY
    if isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600:
        return PERMANENT
    if isinstance(error, smtplib.SMTPException | OSError | ImproperlyConfigured):
        return RETRY
    return PERMANENT


def is_the_servers(error: BaseException) -> bool:
    """An error of the mail server, its connection or its settings rather
    than of one message: the rest of the group would meet it too."""
    about_the_message = smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError
    return classify(error) != PERMANENT and not isinstance(error, about_the_message)


def describe(error: BaseException) -> str:
    """The class and SMTP code only: a server's message can quote the
    address. For a message that may have arrived, its Message-ID too: the
    evidence a manager can look up in the mail provider's log."""
    inner = getattr(error, "error", None)
    name = type(error).__name__ + (f" ({type(inner).__name__})" if inner is not None else "")
    described = f"{name} {getattr(error, 'smtp_code', '')}".strip()
    if getattr(error, "message_id", ""):
        described += f"; Message-ID {error.message_id}"  # type: ignore[attr-defined]
    return described[:200]


def pause_before(attempts: int) -> timedelta:
    """The wait before try number `attempts + 1`: growing, capped, and
    spread at random so that a batch does not come back all at once."""
    ceiling = min(settings.SEND_LONGEST_PAUSE_SECONDS, FIRST_PAUSE_SECONDS * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 - spreading retries, not a secret


def deliver(kind: Kind, ids: list[int], *, budget_seconds: float = SEND_BUDGET_SECONDS) -> Outcome:
    """Claims, sends and records `ids` of `kind` (see the module's docstring)."""
    outcome = Outcome()
    letters = kind.claim(ids)
    deadline = time.monotonic() + budget_seconds
    connection = None
    accepted: list[int] = []
    # A row that had been failing went out: the server is back.
    recovered = False
    try:
        for index, letter in enumerate(letters):
            if time.monotonic() > deadline:
                _give_back(kind, letters[index:], outcome)
                break
            try:
                if connection is None:
                    # Opened here, so that each send leaves it open for the next.
                    connection = mail_handover.connection()
                    connection.open()
                letter.message.connection = connection
                letter.message.send()
            except Exception as error:  # noqa: BLE001 - every error is recorded on its row, none stops the task
                next_try_at = _record_error(kind, letter, error, outcome)
                if is_the_servers(error):
                    _abort(connection)
                    connection = None
                    _give_back(kind, letters[index + 1 :], outcome, next_try_at)
                    break
                continue  # a refusal of one message: the connection is still good
            accepted.append(letter.pk)
            recovered = recovered or letter.failing_since is not None
    finally:
        _close(connection)
        if accepted:
            recording(lambda: kind.mark_sent(accepted))
            outcome.sent.extend(accepted)
        if recovered:
            recording(kind.wake_waiting)
    if letters:
        log.info("Sent %s: %s", kind.name, outcome.summary())
    return outcome


def _record_error(kind: Kind, letter: Letter, error: Exception, outcome: Outcome) -> datetime | None:
    """Records the error on the letter's row; returns when the row will be
    tried again, if it will."""
    reason, verdict, now = describe(error), classify(error), timezone.now()
    failing_since = letter.failing_since or now
    if verdict == RETRY and now - failing_since >= timedelta(hours=settings.SEND_RETRY_HOURS):
        verdict = PERMANENT
        reason = f"{reason}; still failing after {settings.SEND_RETRY_HOURS} hours"[:200]
    if verdict == SENT_MAYBE:
        recording(lambda: kind.mark_unknown(letter.pk, reason))
        outcome.unknown.append(letter.pk)
        log.warning("%s %s: may have arrived (%s), left for a person to decide", kind.name, letter.pk, reason)
        return now + pause_before(letter.attempts)
    if verdict == PERMANENT:
        recording(lambda: kind.mark_failed(letter.pk, reason))
        outcome.failed.append(letter.pk)
        log.warning("%s %s: failed for good (%s)", kind.name, letter.pk, reason)
        return None
    next_try_at = now + pause_before(letter.attempts)
    recording(lambda: kind.mark_waiting([letter.pk], reason, next_try_at, failing_since))
    outcome.waiting.append(letter.pk)
    log.info("%s %s: %s, next try at %s", kind.name, letter.pk, reason, next_try_at)
    return next_try_at


def _give_back(kind: Kind, letters: list[Letter], outcome: Outcome, next_try_at: datetime | None = None) -> None:
    """Untried rows back to waiting: at once (out of time) or at the next
    try of the row whose error stopped the group (the server's fault)."""
    ids = [letter.pk for letter in letters]
    if not ids:
        return
    recording(lambda: kind.give_back(ids, next_try_at))
    (outcome.waiting if next_try_at else outcome.given_back).extend(ids)


@contextlib.contextmanager
def given_back_on_error(give_back: Callable[[list[int]], None], ids: list[int]) -> Iterator[None]:
    """For a claim (`give_back`: its kind's give_back): an error after the claim committed and before any
    message left (the database going away while the messages are built)
    gives the rows back untried, so that the task's retry finds them
    waiting instead of stranded as `sending`."""
    try:
        yield
    except Exception:
        recording(lambda: give_back(ids))
        raise


T = TypeVar("T")


def recording(write: Callable[[], T], *, patience: float = RECORD_RETRY_SECONDS) -> T:
    """Runs a write that records what happened, again after a pause while
    the database is away (a restart): messages that went out must not be
    left `unknown` for want of one UPDATE."""
    pause, deadline = 0.5, time.monotonic() + patience
    while True:
        try:
            return write()
        except DatabaseError:
            if time.monotonic() + pause > deadline:
                raise
            log.warning("Database away while recording a send; trying again in %.1f s", pause)
            time.sleep(pause)
            close_old_connections()
            pause = min(pause * 2, 8)


def _abort(connection) -> None:
    if connection is None:
        return
    with contextlib.suppress(Exception):  # it may be broken already
        getattr(connection, "abort", connection.close)()


def _close(connection) -> None:
    if connection is not None:
        with contextlib.suppress(Exception):  # it may be broken already
            connection.close()


def in_groups(ids: list[int], size: int) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def follow_up(task, outcome: Outcome, group_size: int) -> None:
    """Queues on `task` (a Celery task taking a list of ids) the rows
    deliver() gave back untried for lack of time, at once. Rows waiting for
    a retry are queued by their kind's sweeper when their time comes."""
    for group in in_groups(outcome.given_back, group_size):
        task.delay(group)

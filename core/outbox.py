"""Sending email rows exactly once: the one path every email of the product
takes (survey invitations, reminders, digests).

Each kind of email is a database row whose state says whether it went out.
`deliver(kind, ids)`:

1. claims the rows still waiting (`kind.claim`: a conditional UPDATE only one
   worker can win, committed before any message leaves), so a retried or
   re-delivered task finds nothing to do;
2. sends their messages over one connection of Django's mail API;
3. records each outcome: sent (in groups, after the server took them);
   back to waiting after a transient error, to be tried again after a pause
   (`pause_before`, the one place retries are timed); failed for good after a
   permanent refusal or too many attempts;
4. gives back, untried, the rows it had no time left for.

A worker killed between sending and recording leaves rows claimed; each
kind's sweeper turns them `unknown` after a lease, for a manager to decide.
Nothing is resent, or dropped, silently."""

import contextlib
import logging
import random
import smtplib
import socket
import time
from dataclasses import dataclass, field
from typing import Protocol

from django.core.mail import EmailMessage

from . import prefilled_email

log = logging.getLogger(__name__)

# Tries before a transient error counts as a failure.
MAX_ATTEMPTS = 6
# The pause before the next try grows from this, doubling, up to the cap.
FIRST_PAUSE_SECONDS, LONGEST_PAUSE_SECONDS = 30, 600
# A slow mail server must not keep a group past the task's time limit, which
# would kill it mid-group: after this long, untried rows are given back.
SEND_BUDGET_SECONDS = 40


@dataclass
class Letter:
    """A claimed row and its message, ready to go."""

    pk: int
    message: EmailMessage
    attempts: int


class Kind(Protocol):
    """One kind of email row, as deliver() sees it."""

    name: str

    def claim(self, ids: list[int]) -> list[Letter]:
        """Claims the rows among `ids` still waiting, commits, and returns
        their letters. Rows that may no longer be sent are recorded as such
        here and left out."""

    def mark_sent(self, ids: list[int]) -> None: ...

    def mark_waiting(self, pk: int, reason: str) -> None:
        """Back to waiting after a transient error: tried again later."""

    def mark_failed(self, pk: int, reason: str) -> None: ...

    def give_back(self, ids: list[int]) -> None:
        """Back to waiting, untried: the attempt does not count."""


@dataclass
class Outcome:
    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    # Back to waiting after a transient error, and the pause before the retry.
    retry: list[int] = field(default_factory=list)
    retry_in: float = 0
    # Not tried for lack of time, still waiting: to be queued again at once.
    given_back: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in ("sent", "failed", "retry", "given_back")}


def is_permanent(error: Exception) -> bool:
    """A refusal that will not change on retry: a bad address, a 5xx reply."""
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused):
        return True
    code = getattr(error, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def is_transient(error: Exception) -> bool:
    return isinstance(error, smtplib.SMTPException | OSError | socket.timeout) and not is_permanent(error)


def describe(error: Exception) -> str:
    """The class and SMTP code only: a server's message can quote the address."""
    code = getattr(error, "smtp_code", "")
    return f"{type(error).__name__} {code}".strip()[:200]


def pause_before(attempts: int) -> float:
    """Seconds to wait before try number `attempts + 1`: growing, capped,
    and spread at random so that a batch does not come back all at once."""
    ceiling = min(LONGEST_PAUSE_SECONDS, FIRST_PAUSE_SECONDS * 2 ** max(attempts - 1, 0))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - spreading retries, not a secret


def deliver(kind: Kind, ids: list[int], *, budget_seconds: float = SEND_BUDGET_SECONDS) -> Outcome:
    """Claims, sends and records `ids` of `kind` (see the module's docstring)."""
    outcome = Outcome()
    letters = kind.claim(ids)
    deadline = time.monotonic() + budget_seconds
    connection = None
    accepted: list[int] = []
    try:
        for index, letter in enumerate(letters):
            if time.monotonic() > deadline:
                rest = [later.pk for later in letters[index:]]
                kind.give_back(rest)
                outcome.given_back.extend(rest)
                break
            try:
                if connection is None:
                    # Opened here, so that each send leaves it open for the next.
                    connection = prefilled_email.connection()
                    connection.open()
                letter.message.connection = connection
                letter.message.send()
            except Exception as error:  # noqa: BLE001 - every error is recorded on its row, none stops the group
                _record_error(kind, letter, error, outcome)
                # The connection may be broken half-way: the next letter opens a new one.
                _close(connection)
                connection = None
                continue
            accepted.append(letter.pk)
    finally:
        _close(connection)
        if accepted:
            kind.mark_sent(accepted)
            outcome.sent.extend(accepted)
    if letters:
        log.info("Sent %s: %s", kind.name, outcome.summary())
    return outcome


def _record_error(kind: Kind, letter: Letter, error: Exception, outcome: Outcome) -> None:
    reason = describe(error)
    if is_transient(error) and letter.attempts < MAX_ATTEMPTS:
        kind.mark_waiting(letter.pk, reason)
        outcome.retry.append(letter.pk)
        outcome.retry_in = max(outcome.retry_in, pause_before(letter.attempts))
        log.info("%s %s: transient error %s, will retry", kind.name, letter.pk, reason)
    else:
        kind.mark_failed(letter.pk, reason)
        outcome.failed.append(letter.pk)
        log.warning("%s %s: failed for good (%s)", kind.name, letter.pk, reason)


def _close(connection) -> None:
    if connection is not None:
        with contextlib.suppress(Exception):  # it may be broken already
            connection.close()


def in_groups(ids: list[int], size: int) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def follow_up(task, outcome: Outcome, group_size: int) -> None:
    """Queues on `task` (a Celery task taking a list of ids) what deliver()
    left to do: the rows to try again after the pause, and the rows given
    back untried, at once. The one place retries are queued."""
    if outcome.retry:
        task.apply_async((outcome.retry,), countdown=outcome.retry_in)
    for group in in_groups(outcome.given_back, group_size):
        task.delay(group)

"""Exactly once when the mail server misbehaves: a real SMTP server on
loopback that answers too late, hangs up or says nothing after it has read
a message, or is down for half an hour. The server keeps every message it
read to the end (a real one might deliver it): nobody gets two, and every
invitation ends sent, or `unknown` for a manager, never lost."""

import datetime
import re
import time

import pytest
import time_machine
from django.utils import timezone

from surveys import tasks
from surveys.choices import SendState
from surveys.models import Invitation
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory
from tests.surveys.real_services import free_port

from .smtp_server import DROP_AFTER_DATA, NORMAL, SILENT, SLOW_AFTER_DATA, FaultySmtpServer

pytestmark = pytest.mark.django_db

TIMEOUT = 1  # the client's SMTP timeout in these tests (30 s in production)


@pytest.fixture
def mail_server(settings):
    with FaultySmtpServer(slow_seconds=TIMEOUT * 2) as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, TIMEOUT
        yield server


def a_round(people: int) -> list[int]:
    closes_at = timezone.now() + datetime.timedelta(days=14)
    survey_round = RoundFactory(survey=SurveyFactory(status="active"), closes_at=closes_at)
    QuestionFactory(survey=survey_round.survey)
    return [
        InvitationFactory(round=survey_round, recipient=RecipientFactory(email=f"person{n}@example.net")).pk
        for n in range(people)
    ]


def states(ids: list[int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for state in Invitation.objects.filter(pk__in=ids).values_list("state", flat=True):
        counts[state] = counts.get(state, 0) + 1
    return counts


def sweep_until_settled(ids: list[int], *, minutes: int = 180) -> None:
    """Runs the sweeper once a minute on a clock moved by hand (the tasks are
    eager: what it queues is sent at once) until nothing is waiting."""
    now = timezone.now()
    for minute in range(1, minutes):
        if not Invitation.objects.filter(pk__in=ids, state=SendState.PENDING).exists():
            return
        with time_machine.travel(now + datetime.timedelta(minutes=minute), tick=False):
            tasks.sweep_sending()
    raise AssertionError(f"still waiting after {minutes} minutes: {states(ids)}")


def figures(server: FaultySmtpServer, ids: list[int]) -> dict:
    """What the fault report says: rows sent, unknown and failed; emails the
    server read, duplicates, and people lost (nothing read, and the row does
    not say to look: not unknown, not waiting)."""
    rows = dict(Invitation.objects.filter(pk__in=ids).values_list("recipient__email", "state"))
    lost = [email for email, state in rows.items() if not server.received[email] and state == SendState.SENT]
    lost += [email for email, state in rows.items() if state == SendState.FAILED]
    return {
        "invitations": len(ids),
        "sent": sum(state == SendState.SENT for state in rows.values()),
        "unknown": sum(state == SendState.UNKNOWN for state in rows.values()),
        "emails_read_by_server": sum(server.received.values()),
        "duplicates": server.duplicates,
        "lost": len(lost),
        "failed_5xx": 0,
    }


@pytest.mark.parametrize("fault", [SLOW_AFTER_DATA, DROP_AFTER_DATA, SILENT])
def test_a_server_that_loses_its_answer_after_data_never_causes_a_duplicate(mail_server, fault, fault_report):
    ids = a_round(18)
    mail_server.behaviour = NORMAL
    tasks.send_invitations.delay(ids[:3])  # three go out normally
    mail_server.behaviour = fault if fault != SILENT else SLOW_AFTER_DATA
    if fault == SILENT:
        mail_server.slow_seconds = 3600  # reads the message and never answers

    started = time.monotonic()
    tasks.send_invitations.delay(ids[3:])
    took = time.monotonic() - started

    # One message may have arrived: unknown, never retried; the rest waited, untried.
    assert states(ids) == {SendState.SENT: 3, SendState.UNKNOWN: 1, SendState.PENDING: 14}
    assert took < 2 * TIMEOUT + 1  # no second wait on the stuck server (no QUIT)
    mail_server.behaviour = NORMAL
    sweep_until_settled(ids)

    result = figures(mail_server, ids)
    fault_report(f"mail server: {fault}", **result)
    assert result["duplicates"] == 0 and result["lost"] == 0
    assert (result["sent"], result["unknown"], result["emails_read_by_server"]) == (17, 1, 18)
    unknown = Invitation.objects.get(pk__in=ids, state=SendState.UNKNOWN)
    # The evidence to look up: the Message-ID of the one the server read and did not confirm.
    (message_id,) = re.findall(r"Message-ID (<[^>]+>)", unknown.last_error)
    assert "MayHaveArrived" in unknown.last_error and message_id in mail_server.message_ids


def test_a_server_that_never_greets_costs_one_timeout_and_no_attempts(mail_server, fault_report):
    ids = a_round(18)
    mail_server.behaviour = SILENT

    started = time.monotonic()
    tasks.send_invitations.delay(ids)
    took = time.monotonic() - started

    assert states(ids) == {SendState.PENDING: 18}
    assert took < 2 * TIMEOUT + 1
    assert sorted(Invitation.objects.filter(pk__in=ids).values_list("attempts", flat=True)) == [0] * 17 + [1]
    mail_server.behaviour = NORMAL
    sweep_until_settled(ids)

    result = figures(mail_server, ids)
    fault_report("mail server: never greets", **result)
    assert result == figures(mail_server, ids) | {"sent": 18, "unknown": 0, "duplicates": 0, "lost": 0}
    assert result["emails_read_by_server"] == 18


def test_a_thirty_minute_outage_delays_a_round_and_loses_nobody(mail_server, settings, fault_report):
    ids = a_round(1000)
    server_port = mail_server.port
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    now = timezone.now()
    minute = 0
    with time_machine.travel(now, tick=False):
        tasks.dispatch_round.delay(Invitation.objects.get(pk=ids[0]).round_id)
    while Invitation.objects.filter(pk__in=ids, state=SendState.PENDING).exists():
        minute += 1
        assert minute < 24 * 60, states(ids)
        if minute == 30:
            settings.EMAIL_PORT = server_port  # the mail server is back
        with time_machine.travel(now + datetime.timedelta(minutes=minute), tick=False):
            tasks.sweep_sending()

    result = figures(mail_server, ids)
    fault_report("mail server down for 30 minutes (1,000 invitations)", **result, minutes_to_deliver=minute)
    assert result["sent"] == 1000 and result["emails_read_by_server"] == 1000
    assert result["duplicates"] == 0 and result["lost"] == 0 and states(ids) == {SendState.SENT: 1000}
    # The first try after the server's return wakes every waiting row:
    # nobody waits out the rest of a pause of up to 30 minutes.
    assert minute <= 30 + 3

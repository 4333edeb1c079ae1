"""Invitations sent in groups keep every promise of sending one by one: an
error on one message touches no other, an error of the server stops the
group and the rest waits untried, a group that runs out of time hands back what it did not try, and the
database work of a group does not grow with its size."""

import smtplib
from collections import Counter
from unittest import mock

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import outbox
from surveys import tasks
from surveys.choices import SendState
from surveys.models import Invitation, InvitationToken
from surveys.services import sending
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db

SEND = "django.core.mail.EmailMultiAlternatives.send"


@pytest.fixture
def rows():
    survey_round = RoundFactory(survey=SurveyFactory(status="active"))
    QuestionFactory(survey=survey_round.survey)
    return [
        InvitationFactory(round=survey_round, recipient=RecipientFactory(email=f"person{n}@example.net"))
        for n in range(5)
    ]


def send_group(ids):
    return outbox.deliver(sending.FIRST_EMAILS, ids)


def states(rows) -> list[str]:
    by_id = dict(Invitation.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", "state"))
    return [by_id[r.pk] for r in rows]


def delivered() -> Counter:
    return Counter(address for message in mail.outbox for address in message.to)


def failing_for(address: str, error: Exception, times: int = 1):
    """A stand-in for EmailMultiAlternatives.send that fails `times` times for
    one address and delivers everything else to the outbox."""
    failures = {"left": times}
    real_send = mail.EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        if message.to == [address] and failures["left"]:
            failures["left"] -= 1
            raise error
        return real_send(message, *args, **kwargs)

    return send


def test_a_group_sends_each_invitation_once_with_its_own_link(rows):
    outcome = send_group([r.pk for r in rows])

    assert sorted(outcome.sent) == sorted(r.pk for r in rows)
    assert states(rows) == [SendState.SENT] * 5
    assert delivered() == Counter({f"person{n}@example.net": 1 for n in range(5)})
    links = {message.body.split("/s/")[1].split("/")[0] for message in mail.outbox}
    assert len(links) == 5
    assert InvitationToken.objects.filter(invitation__in=rows).count() == 5
    assert send_group([r.pk for r in rows]).sent == []
    assert len(mail.outbox) == 5


def test_a_refusal_of_one_message_hands_back_only_its_own_row(rows):
    busy = smtplib.SMTPRecipientsRefused({"person2@example.net": (450, b"4.2.1 mailbox busy")})
    with mock.patch(SEND, autospec=True, side_effect=failing_for("person2@example.net", busy)):
        outcome = send_group([r.pk for r in rows])

    assert outcome.waiting == [rows[2].pk] and len(outcome.sent) == 4
    assert states(rows) == ["sent", "sent", "pending", "sent", "sent"]
    assert "SMTPRecipientsRefused" in Invitation.objects.get(pk=rows[2].pk).last_error
    assert "person2@example.net" not in delivered()


def test_a_server_error_stops_the_group_and_the_rest_waits_untried(rows):
    error = smtplib.SMTPServerDisconnected("gone")
    with mock.patch(SEND, autospec=True, side_effect=failing_for("person2@example.net", error)) as patched:
        outcome = send_group([r.pk for r in rows])

    assert patched.call_count == 3  # the server is gone: nobody after person2 is tried
    assert outcome.waiting == [r.pk for r in rows[2:]] and len(outcome.sent) == 2
    assert states(rows) == ["sent", "sent", "pending", "pending", "pending"]
    waiting = Invitation.objects.filter(pk__in=[r.pk for r in rows[2:]]).order_by("pk")
    assert [row.attempts for row in waiting] == [1, 0, 0]  # an outage costs the untried rows nothing
    assert len({row.next_try_at for row in waiting}) == 1


def test_the_sweeper_sends_the_waiting_rows_once_when_their_time_comes(rows):
    error = smtplib.SMTPServerDisconnected("gone")
    send = failing_for("person2@example.net", error, times=2)
    with mock.patch(SEND, autospec=True, side_effect=send) as patched:
        tasks.send_invitations.delay([r.pk for r in rows])
        for _ in range(2):
            next_try = Invitation.objects.get(pk=rows[2].pk).next_try_at
            with time_machine.travel(next_try, tick=False):
                tasks.sweep_sending()  # eager: what it queues is sent at once

    assert patched.call_count == 5 + 2
    assert states(rows) == [SendState.SENT] * 5
    assert delivered() == Counter({f"person{n}@example.net": 1 for n in range(5)})
    assert Invitation.objects.get(pk=rows[2].pk).attempts == 3
    assert [Invitation.objects.get(pk=r.pk).attempts for r in rows] == [1, 1, 3, 1, 1]


def test_a_permanent_error_and_an_opted_out_person_leave_the_others_alone(rows):
    refused = smtplib.SMTPRecipientsRefused({"person1@example.net": (550, b"5.1.1 no such user")})
    type(rows[3].recipient).objects.filter(pk=rows[3].recipient_id).update(opted_out=True)
    with mock.patch(SEND, autospec=True, side_effect=failing_for("person1@example.net", refused)):
        outcome = send_group([r.pk for r in rows])

    assert (outcome.failed, outcome.waiting) == ([rows[1].pk], [])  # the opted-out row is failed at the claim
    assert states(rows) == ["sent", "failed", "sent", "failed", "sent"]
    assert sorted(delivered()) == ["person0@example.net", "person2@example.net", "person4@example.net"]


def test_rows_already_claimed_or_sent_are_skipped(rows):
    Invitation.objects.filter(pk=rows[0].pk).update(state=SendState.SENDING)
    Invitation.objects.filter(pk=rows[1].pk).update(state=SendState.UNKNOWN)
    outcome = send_group([r.pk for r in rows])
    assert sorted(outcome.sent) == [r.pk for r in rows[2:]]
    assert states(rows)[:2] == [SendState.SENDING, SendState.UNKNOWN]
    assert "person0@example.net" not in delivered() and "person1@example.net" not in delivered()


class Clock:
    """time.monotonic that moves 30 seconds with every email sent."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now


def test_a_group_out_of_time_hands_back_the_rows_it_did_not_try(rows, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(outbox, "time", clock)
    monkeypatch.setattr(outbox, "SEND_BUDGET_SECONDS", 40)
    real_send = mail.EmailMultiAlternatives.send

    def slow_send(message, *args, **kwargs):
        clock.now += 30
        return real_send(message, *args, **kwargs)

    with mock.patch(SEND, autospec=True, side_effect=slow_send):
        outcome = send_group([r.pk for r in rows])
        assert len(outcome.sent) == 2 and outcome.given_back == [r.pk for r in rows[2:]]
        assert states(rows) == ["sent", "sent", "pending", "pending", "pending"]
        assert [Invitation.objects.get(pk=r.pk).attempts for r in rows] == [1, 1, 0, 0, 0]

        tasks.send_invitations.delay([r.pk for r in rows])  # eager: what it hands back is queued again

    assert states(rows) == [SendState.SENT] * 5
    assert delivered() == Counter({f"person{n}@example.net": 1 for n in range(5)})


def test_a_group_costs_the_same_queries_whatever_its_size():
    """Claiming, linking, building the messages (each round's text once per
    group and language) and marking a group sent are a fixed number of
    statements."""
    survey_round = RoundFactory(survey=SurveyFactory(status="active"))
    QuestionFactory(survey=survey_round.survey)
    small = InvitationFactory.create_batch(2, round=survey_round)
    large = InvitationFactory.create_batch(20, round=survey_round)

    counts = []
    for group in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert len(send_group([r.pk for r in group]).sent) == len(group)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_group_goes_over_one_connection(rows, settings, tmp_path):
    """Django's file backend writes one file per connection: a group's
    emails land in one file, each whole."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path

    send_group([r.pk for r in rows])
    (written,) = tmp_path.iterdir()
    assert written.read_text().count("Subject:") == len(rows)


def test_sqlite_transactions_take_the_write_lock_up_front(settings):
    """`make run` shares one SQLite file between the web server and two
    worker processes: a claim that read first and wrote second failed at once
    with "database is locked" when another process wrote meanwhile."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("only SQLite needs this")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert database["OPTIONS"]["timeout"] >= 5


def test_the_tasks_time_limit_mid_send_strands_only_the_row_in_flight(rows):
    """Celery's soft time limit strikes while person2's email is on its way:
    that one may have arrived (unknown, for a manager), the rows not tried
    wait untried, and nothing already sent is forgotten."""
    stopped = SoftTimeLimitExceeded()
    with mock.patch(SEND, autospec=True, side_effect=failing_for("person2@example.net", stopped)):
        outcome = send_group([r.pk for r in rows])

    assert (len(outcome.sent), outcome.unknown) == (2, [rows[2].pk])
    assert outcome.waiting == [r.pk for r in rows[3:]]
    assert states(rows) == ["sent", "sent", "unknown", "pending", "pending"]
    assert [Invitation.objects.get(pk=r.pk).attempts for r in rows[3:]] == [0, 0]

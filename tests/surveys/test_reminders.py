"""Reminders: after N days, at most M, only to people who have not answered
or opted out, each one sent once."""

import datetime
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail

from core import outbox
from surveys import tasks
from surveys.choices import RoundStatus, SendState
from surveys.models import Invitation, Round
from surveys.services import sending
from tests.factories import InvitationFactory, QuestionFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2025, 3, 3, 9, tzinfo=datetime.UTC)


def day(n: float) -> datetime.datetime:
    return START + datetime.timedelta(days=n)


def make_sent(max_reminders: int = 1, count: int = 1, **round_kwargs) -> list[Invitation]:
    """Invitations emailed at START, in a round with reminders after 7 days."""
    survey = SurveyFactory(status="active")
    QuestionFactory(survey=survey)
    survey_round = RoundFactory(
        survey=survey,
        opened_at=START,
        closes_at=day(30),
        reminder_after_days=7,
        max_reminders=max_reminders,
        **round_kwargs,
    )
    rows = InvitationFactory.create_batch(count, round=survey_round)
    with time_machine.travel(START, tick=False):
        assert outbox.deliver(sending.FIRST_EMAILS, [row.pk for row in rows]).sent == [row.pk for row in rows]
    mail.outbox.clear()
    return rows


def due_ids(when) -> list[int]:
    with time_machine.travel(when, tick=False):
        return sending.reminders_due()


def run_beat(when) -> int:
    with time_machine.travel(when, tick=False):
        return tasks.send_due_reminders()


def test_a_reminder_is_due_after_the_set_number_of_days():
    (row,) = make_sent()
    assert due_ids(day(6.9)) == []
    assert due_ids(day(7)) == [row.pk]
    assert run_beat(day(7)) == 1
    (message,) = mail.outbox
    assert "reminder" in message.subject.lower()
    row.refresh_from_db()
    assert (row.reminders_sent, row.reminder_state, row.last_reminded_at) == (1, SendState.SENT, day(7))


def test_no_more_than_the_maximum_number_of_reminders():
    (row,) = make_sent(max_reminders=2)
    assert run_beat(day(7)) == 1
    assert run_beat(day(13)) == 0  # the second is counted from the first reminder
    assert run_beat(day(14)) == 1
    assert run_beat(day(21)) == 0
    assert run_beat(day(28)) == 0
    assert len(mail.outbox) == 2
    row.refresh_from_db()
    assert row.reminders_sent == 2


def test_only_the_last_reminder_says_it_is_the_last():
    (row,) = make_sent(max_reminders=2)
    run_beat(day(7))
    run_beat(day(14))
    first, last = mail.outbox
    assert first.subject.startswith("A reminder:") and "last reminder" not in first.body.lower()
    assert last.subject.startswith("Last reminder:")
    assert "This is our last reminder." in last.body
    assert "This is our last reminder." in last.alternatives[0][0]


def test_the_last_reminder_in_spanish():
    (row,) = make_sent(max_reminders=1)
    Invitation.objects.filter(pk=row.pk).update(language="es")
    run_beat(day(7))
    (message,) = mail.outbox
    assert message.subject.startswith("Último recordatorio:")
    assert "Este es nuestro último recordatorio." in message.body


def test_no_reminder_to_someone_who_answered():
    answered, waiting = make_sent(count=2)
    Invitation.objects.filter(pk=answered.pk).update(responded=True)
    assert due_ids(day(8)) == [waiting.pk]
    run_beat(day(8))
    assert mail.outbox[0].to == [waiting.recipient.email]
    assert len(mail.outbox) == 1


def test_no_reminder_to_someone_who_opted_out():
    (row,) = make_sent()
    row.recipient.opted_out = True
    row.recipient.save()
    run_beat(day(8))
    assert mail.outbox == []
    row.refresh_from_db()
    assert (row.reminder_state, row.reminders_sent) == (SendState.FAILED, 0)
    assert due_ids(day(20)) == []


def test_no_reminder_once_the_round_closed():
    (row,) = make_sent()
    assert due_ids(day(8)) == [row.pk]
    assert due_ids(day(31)) == []  # past closes_at, though not closed yet
    Round.objects.filter(pk=row.round_id).update(status=RoundStatus.CLOSED)
    assert due_ids(day(8)) == []


def test_no_reminder_for_an_invitation_that_was_never_sent():
    (row,) = make_sent()
    Invitation.objects.filter(pk=row.pk).update(state=SendState.FAILED)
    assert due_ids(day(8)) == []
    with time_machine.travel(day(8), tick=False):
        assert outbox.deliver(sending.REMINDERS, [row.pk]).sent == []


def test_each_reminder_is_sent_once_even_if_asked_twice():
    (row,) = make_sent(max_reminders=2)
    with time_machine.travel(day(8), tick=False):
        assert outbox.deliver(sending.REMINDERS, [row.pk]).sent == [row.pk]
        assert outbox.deliver(sending.REMINDERS, [row.pk]).sent == []  # the second is not due yet
        tasks.send_reminders.delay([row.pk])  # a task delivered again
    assert len(mail.outbox) == 1


def test_a_reminder_whose_outcome_is_unknown_counts_as_sent(settings):
    (row,) = make_sent(max_reminders=1)
    claimed = day(8)
    Invitation.objects.filter(pk=row.pk).update(reminder_state=SendState.SENDING, reminder_claimed_at=claimed)
    with time_machine.travel(day(8.5), tick=False):
        assert outbox.deliver(sending.REMINDERS, [row.pk]).sent == []  # still leased
        sending.sweep()
    row.refresh_from_db()
    assert (row.reminder_state, row.reminders_sent) == (SendState.UNKNOWN, 1)
    assert run_beat(day(20)) == 0
    assert mail.outbox == []


def test_a_transient_error_leaves_the_reminder_to_try_again():
    (row,) = make_sent()
    with (
        time_machine.travel(day(8), tick=False),
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=smtplib.SMTPConnectError(421, b"busy")),
    ):
        assert outbox.deliver(sending.REMINDERS, [row.pk]).waiting == [row.pk]
    row.refresh_from_db()
    assert (row.reminder_state, row.reminders_sent) == (SendState.PENDING, 0)
    assert due_ids(day(8)) == []  # not before its next try
    assert due_ids(row.next_try_at) == [row.pk]
    assert run_beat(row.next_try_at) == 1
    assert len(mail.outbox) == 1


def test_the_beat_queues_reminders_with_ids_only():
    (row,) = make_sent()
    with mock.patch("surveys.tasks.send_reminders.delay") as delay:
        run_beat(day(8))
    delay.assert_called_once_with([row.pk])


def test_a_row_marked_sent_without_a_send_time_does_not_stop_the_others():
    broken, fine = make_sent(count=2)
    Invitation.objects.filter(pk=broken.pk).update(sent_at=None)
    assert due_ids(day(8)) == [fine.pk]

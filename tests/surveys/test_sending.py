"""Sending invitations: one email per invitation, never two, none lost, and
the unknown case left to a person."""

import datetime
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import OperationalError
from django.utils import timezone

from core import outbox
from surveys import tasks
from surveys.choices import RoundStatus, SendState
from surveys.models import Invitation
from surveys.services import sending
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db

SEND = "django.core.mail.EmailMultiAlternatives.send"


@pytest.fixture
def survey():
    survey = SurveyFactory(status="active", title="Check-in", title_es="Chequeo")
    QuestionFactory(survey=survey)
    return survey


@pytest.fixture
def invitation(survey):
    return InvitationFactory(round=RoundFactory(survey=survey), recipient=RecipientFactory(email="ana@example.net"))


def state(invitation) -> Invitation:
    return Invitation.objects.get(pk=invitation.pk)


def deliver_one(invitation) -> str:
    """The invitation's first email through the outbox, as the task sends it:
    what happened to it ("sent", "failed", "unknown", "waiting" or "nothing
    to do")."""
    outcome = outbox.deliver(sending.FIRST_EMAILS, [invitation.pk])
    names = ("sent", "failed", "unknown", "waiting")
    return next((name for name in names if invitation.pk in getattr(outcome, name)), "nothing to do")


def after_its_pause(invitation):
    """The clock moved to the invitation's next try."""
    return time_machine.travel(state(invitation).next_try_at, tick=False)


def test_one_email_with_subject_text_html_and_opt_out(invitation):
    assert deliver_one(invitation) == "sent"
    (message,) = mail.outbox
    assert message.to == ["ana@example.net"]
    assert "Check-in" in message.subject
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "/s/" in message.body and "/s/" in html
    one_click = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert one_click.startswith("http://testserver/s/") and one_click.endswith("/unsubscribe/")
    opt_out = one_click.replace("/unsubscribe/", "/opt-out/?lang=en")
    assert opt_out in message.body and opt_out in html
    row = state(invitation)
    assert (row.state, row.attempts, row.last_error) == (SendState.SENT, 1, "")
    assert row.sent_at is not None


def test_spanish_recipient_gets_the_spanish_title(survey):
    spanish = InvitationFactory(round=RoundFactory(survey=survey), recipient=RecipientFactory(language="es"))
    assert spanish.language == "es"
    deliver_one(spanish)
    (message,) = mail.outbox
    assert "Chequeo" in message.subject and "Check-in" not in message.subject
    assert '<html lang="es">' in message.alternatives[0][0]


def test_sending_twice_sends_one_email(invitation):
    assert deliver_one(invitation) == "sent"
    assert deliver_one(invitation) == "nothing to do"
    assert len(mail.outbox) == 1
    assert state(invitation).attempts == 1


def test_a_task_delivered_again_after_success_sends_nothing(invitation):
    tasks.send_invitations.delay([invitation.pk])
    tasks.send_invitations.delay([invitation.pk])
    tasks.dispatch_round.delay(invitation.round_id)
    assert len(mail.outbox) == 1


def test_a_transient_error_leaves_the_row_waiting_until_its_next_try(invitation):
    with mock.patch(SEND, side_effect=smtplib.SMTPServerDisconnected("gone")):
        assert deliver_one(invitation) == "waiting"
    row = state(invitation)
    assert (row.state, row.attempts) == (SendState.PENDING, 1)
    assert "SMTPServerDisconnected" in row.last_error
    assert row.failing_since is not None and row.next_try_at > row.failing_since
    assert deliver_one(invitation) == "nothing to do"  # not yet
    with after_its_pause(invitation):
        assert deliver_one(invitation) == "sent"
    assert len(mail.outbox) == 1
    row = state(invitation)
    assert (row.attempts, row.failing_since, row.next_try_at) == (2, None, None)


def test_a_transient_error_fails_for_good_only_after_the_retry_window(invitation, settings):
    with mock.patch(SEND, side_effect=smtplib.SMTPServerDisconnected("gone")):
        assert deliver_one(invitation) == "waiting"
        tries = 1
        while state(invitation).state == SendState.PENDING:
            row = state(invitation)
            assert row.next_try_at - row.claimed_at <= datetime.timedelta(seconds=settings.SEND_LONGEST_PAUSE_SECONDS)
            with after_its_pause(invitation):
                deliver_one(invitation)
            tries += 1
    row = state(invitation)
    assert row.state == SendState.FAILED and "still failing after 24 hours" in row.last_error
    assert row.claimed_at - row.failing_since >= datetime.timedelta(hours=24)
    assert tries > 40  # tried all day, not six times in fifteen minutes
    assert mail.outbox == []


def test_the_sweeper_queues_a_waiting_row_when_its_next_try_comes(invitation):
    with mock.patch(SEND, side_effect=smtplib.SMTPServerDisconnected("gone")):
        tasks.send_invitations.delay([invitation.pk])
    assert state(invitation).state == SendState.PENDING
    assert sending.sweep()["requeue"] == []
    with after_its_pause(invitation):
        assert tasks.sweep_sending() == {"unknown": 0, "requeued": 1}  # eager: sent at once
    row = state(invitation)
    assert (row.state, row.attempts) == (SendState.SENT, 2)
    assert len(mail.outbox) == 1


def test_a_permanent_error_fails_without_keeping_the_address(invitation):
    refused = smtplib.SMTPRecipientsRefused({"ana@example.net": (550, b"5.1.1 <ana@example.net>: no such user")})
    with mock.patch(SEND, side_effect=refused) as send:
        assert deliver_one(invitation) == "failed"
        assert deliver_one(invitation) == "nothing to do"
    assert send.call_count == 1
    row = state(invitation)
    assert row.state == SendState.FAILED
    assert "SMTPRecipientsRefused" in row.last_error
    assert "ana" not in row.last_error and "example.net" not in row.last_error


def test_a_5xx_reply_is_permanent(invitation):
    with mock.patch(SEND, side_effect=smtplib.SMTPDataError(554, b"rejected for ana@example.net")):
        assert deliver_one(invitation) == "failed"
    assert state(invitation).last_error == "SMTPDataError 554"


def test_the_sweeper_marks_a_dead_send_unknown_and_never_resends_it(invitation, settings):
    claimed = timezone.now() - datetime.timedelta(seconds=settings.SEND_LEASE_SECONDS + 1)
    Invitation.objects.filter(pk=invitation.pk).update(state=SendState.SENDING, claimed_at=claimed, attempts=1)
    fresh = InvitationFactory(round=invitation.round, state=SendState.SENDING, claimed_at=timezone.now())

    result = sending.sweep()

    assert result["unknown"] == 1
    assert invitation.pk not in result["requeue"]
    assert state(invitation).state == SendState.UNKNOWN
    assert state(fresh).state == SendState.SENDING  # its worker may still be at it
    assert deliver_one(invitation) == "nothing to do"
    assert tasks.sweep_sending() == {"unknown": 0, "requeued": 0}
    assert mail.outbox == []


def test_the_sweeper_requeues_invitations_nobody_picked_up_within_the_grace(invitation):
    invitation.round.opened_at = timezone.now() - outbox.QUEUE_GRACE / 2
    invitation.round.save()
    with mock.patch("surveys.tasks.send_invitations.delay") as delay:
        assert tasks.sweep_sending() == {"unknown": 0, "requeued": 0}  # its task may still be on its way
        with time_machine.travel(timezone.now() + outbox.QUEUE_GRACE / 2 + datetime.timedelta(seconds=1), tick=False):
            assert tasks.sweep_sending() == {"unknown": 0, "requeued": 1}
            # Queued again: the next sweeps leave it alone for the grace.
            assert tasks.sweep_sending() == {"unknown": 0, "requeued": 0}
    delay.assert_called_once_with([invitation.pk])
    assert state(invitation).state == SendState.PENDING
    assert deliver_one(invitation) == "sent"


def test_a_send_slower_than_its_lease_ends_sent(invitation):
    """The sweeper marked it unknown while the mail server was still talking;
    once the server accepts, the outcome is known after all."""

    def slow_send(message):
        Invitation.objects.filter(pk=invitation.pk).update(state=SendState.UNKNOWN)
        return 1

    with mock.patch(SEND, autospec=True, side_effect=lambda self: slow_send(self)):
        assert deliver_one(invitation) == "sent"
    assert state(invitation).state == SendState.SENT


def test_resend_puts_unknown_and_failed_rows_back_with_fresh_attempts(survey):
    survey_round = RoundFactory(survey=survey)
    unknown = InvitationFactory(round=survey_round, state=SendState.UNKNOWN, attempts=1)
    failed = InvitationFactory(round=survey_round, state=SendState.FAILED, attempts=40)
    sent = InvitationFactory(round=survey_round, state=SendState.SENT)
    answered = InvitationFactory(round=survey_round, state=SendState.UNKNOWN, responded=True)

    assert sorted(sending.resend([unknown.pk, failed.pk, sent.pk, answered.pk])) == [unknown.pk, failed.pk]

    assert [state(i).state for i in (unknown, failed, sent, answered)] == ["pending", "pending", "sent", "unknown"]
    assert state(failed).attempts == 0
    for row in (unknown, failed, sent, answered):
        deliver_one(row)
    assert len(mail.outbox) == 2


def test_resend_does_nothing_in_a_closed_round(survey):
    row = InvitationFactory(round=RoundFactory(survey=survey, status=RoundStatus.CLOSED), state=SendState.UNKNOWN)
    assert sending.resend([row.pk]) == []
    assert state(row).state == SendState.UNKNOWN


def test_mark_sent_records_an_unknown_send_as_sent(invitation):
    claimed = timezone.now() - datetime.timedelta(hours=1)
    Invitation.objects.filter(pk=invitation.pk).update(state=SendState.UNKNOWN, claimed_at=claimed)
    other = InvitationFactory(round=invitation.round, state=SendState.FAILED)
    assert sending.mark_arrived([invitation.pk, other.pk]) == 1
    row = state(invitation)
    assert (row.state, row.sent_at) == (SendState.SENT, claimed)
    assert state(other).state == SendState.FAILED


@pytest.mark.parametrize(
    "round_kwargs",
    [
        {"status": RoundStatus.CLOSED},
        {"closes_at": timezone.now() - datetime.timedelta(minutes=1)},
    ],
)
def test_invitations_of_a_closed_round_are_not_sent(survey, round_kwargs):
    row = InvitationFactory(round=RoundFactory(survey=survey, **round_kwargs))
    assert deliver_one(row) == "nothing to do"
    assert state(row).state == SendState.PENDING
    assert mail.outbox == []


@pytest.mark.parametrize("change", [{"opted_out": True}, {"consent": False}])
def test_a_person_who_opted_out_before_sending_is_not_emailed(invitation, change):
    type(invitation.recipient).objects.filter(pk=invitation.recipient_id).update(**change)
    assert deliver_one(invitation) == "nothing to do"
    assert mail.outbox == []
    assert state(invitation).state == SendState.FAILED


def test_tasks_are_queued_with_ids_only_a_group_per_task(survey, monkeypatch):
    monkeypatch.setattr(sending, "CLAIM_SIZE", 2)
    survey_round = RoundFactory(survey=survey)
    rows = InvitationFactory.create_batch(3, round=survey_round)
    InvitationFactory(round=survey_round, state=SendState.SENT)
    with mock.patch("surveys.tasks.send_invitations.delay") as delay:
        assert tasks.dispatch_round(survey_round.pk) == 3
    assert [call.args for call in delay.call_args_list] == [([rows[0].pk, rows[1].pk],), ([rows[2].pk],)]
    assert all(call.kwargs == {} for call in delay.call_args_list)
    assert all(type(pk) is int for call in delay.call_args_list for pk in call.args[0])


def test_a_mail_folder_that_cannot_be_written_is_retried_not_failed(invitation, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "not-a-folder")
    (tmp_path / "not-a-folder").write_text("a file where the folder should be")

    assert deliver_one(invitation) == "waiting"
    assert "ImproperlyConfigured" in state(invitation).last_error

    settings.EMAIL_FILE_PATH = str(tmp_path / "sent-emails")  # fixed by a person
    with after_its_pause(invitation):
        assert deliver_one(invitation) == "sent"
    assert len(list((tmp_path / "sent-emails").iterdir())) == 1


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials"),
        smtplib.SMTPSenderRefused(550, b"5.7.1 sender not allowed", "feedback@localhost"),
    ],
)
def test_a_refused_login_or_sender_waits_for_a_person_to_fix_the_settings(survey, error):
    """A 5xx about our settings, not about the person: nobody's invitation
    fails for good over it, and the group stops at the first."""
    rows = [InvitationFactory(round=RoundFactory(survey=survey)) for _ in range(3)]
    with mock.patch(SEND, side_effect=error) as send:
        outcome = outbox.deliver(sending.FIRST_EMAILS, [row.pk for row in rows])
    assert send.call_count == 1
    assert sorted(outcome.waiting) == sorted(row.pk for row in rows) and outcome.failed == []


def test_the_send_task_runs_again_after_a_database_error(invitation):
    """A database restart while a group is being claimed: the claim rolled
    back, and the task runs again (eager here: at once) instead of being
    dropped."""
    real_claim = sending.FIRST_EMAILS.claim
    calls = []

    def restarting_then_up(ids):
        calls.append(ids)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_claim(ids)

    with mock.patch.object(sending.FIRST_EMAILS, "claim", side_effect=restarting_then_up):
        tasks.send_invitations.delay([invitation.pk])
    assert len(calls) == 2
    assert state(invitation).state == SendState.SENT and len(mail.outbox) == 1


def test_an_error_while_the_messages_are_built_gives_the_claimed_rows_back(invitation):
    """The database goes away after the claim committed, while the emails are
    made: the rows go back to waiting, untried, for the task's retry, instead
    of staying `sending` until a manager has to guess."""
    with (
        mock.patch("surveys.emails.round_context", side_effect=OperationalError("server closed the connection")),
        pytest.raises(OperationalError),
    ):
        outbox.deliver(sending.FIRST_EMAILS, [invitation.pk])
    row = state(invitation)
    assert (row.state, row.attempts) == (SendState.PENDING, 0)
    assert deliver_one(invitation) == "sent"

"""A round's controls on its page: open now, close now, more time, reminders
now. Each asks first, saying how many people get an email, then does it
once, audited."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from surveys.choices import RoundStatus, SendState
from surveys.models import InvitationToken, Round
from surveys.services import sending
from surveys.services.rounds import open_round
from surveys.tokens import new_token
from tests.factories import QuestionFactory, RecipientFactory, SurveyFactory

from .test_round_views import messages_of, url

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def survey():
    survey = SurveyFactory(status="active", audience="participants", anonymous=True)
    QuestionFactory(survey=survey, text="Do you feel welcome here?")
    RecipientFactory.create_batch(3, audience="participants")
    RecipientFactory(audience="participants", opted_out=True)
    return survey


@pytest.fixture
def sent_round(survey):
    """An open round whose three emails went out two days ago."""
    survey_round = open_round(survey)
    survey_round.invitations.update(state=SendState.SENT, sent_at=timezone.now() - 2 * DAY)
    return survey_round


def audited(action) -> list[str]:
    return list(AuditEvent.objects.filter(action=action).values_list("target", flat=True))


def test_opening_a_round_first_says_how_many_get_an_email(manager_client, survey):
    page = manager_client.get(url("round_open", survey.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert "3 people will get an invitation email now." in html  # not the one who opted out
    assert "3 emails" in html
    assert not Round.objects.exists()


def test_opening_is_audited(manager_client, survey, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url("round_open", survey.pk))
    new_round = Round.objects.get()
    assert audited(AuditAction.ROUND_OPENED) == [f"survey {survey.pk}, round {new_round.pk}"]
    assert len(mail.outbox) == 3


def test_closing_now_asks_then_closes_once(manager_client, sent_round):
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=sent_round.invitations.first(), token_hash=digest)
    ask = manager_client.get(url("round_close", sent_round.pk)).content.decode()
    assert "0 emails" in ask and "Nobody gets an email." in ask
    assert "The links of the 3 people invited stop working" in ask

    closed = manager_client.post(url("round_close", sent_round.pk))
    again = manager_client.post(url("round_close", sent_round.pk))

    sent_round.refresh_from_db()
    assert closed.status_code == 302 and sent_round.status == RoundStatus.CLOSED
    assert sent_round.closed_at is not None and sent_round.closes_at == sent_round.closed_at
    assert "This round is closed already." in " ".join(messages_of(again))
    assert audited(AuditAction.ROUND_CLOSED) == [f"survey {sent_round.survey_id}, round {sent_round.pk}"]
    assert manager_client.get(url("respond", raw)).status_code == 404  # the link stopped working
    assert sending.reminders_due(timezone.now() + 30 * DAY) == []  # and no reminder goes out


def test_more_time_moves_the_closing_day_and_emails_nobody(manager_client, sent_round):
    new_day = (timezone.localtime(sent_round.closes_at) + 5 * DAY).date()
    page = manager_client.get(url("round_extend", sent_round.pk))
    assert page.status_code == 200 and "0 emails" in page.content.decode()

    done = manager_client.post(url("round_extend", sent_round.pk), {"closes_on": new_day.isoformat()})

    sent_round.refresh_from_db()
    assert done.status_code == 302
    assert timezone.localtime(sent_round.closes_at).date() == new_day
    assert timezone.localtime(sent_round.closes_at).time() == datetime.time(23, 59, 59)
    assert len(audited(AuditAction.ROUND_EXTENDED)) == 1
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("days_after_close", "message"),
    [
        (-1, "Choose a closing time later than the present one."),
        (200, "A round can stay open at most 90 days after it opened."),
    ],
)
def test_more_time_refuses_an_earlier_or_far_day(manager_client, sent_round, days_after_close, message):
    before = sent_round.closes_at
    day = (timezone.localtime(before) + days_after_close * DAY).date()
    refused = manager_client.post(url("round_extend", sent_round.pk), {"closes_on": day.isoformat()})
    sent_round.refresh_from_db()
    assert refused.status_code == 400
    assert message in refused.content.decode()
    assert sent_round.closes_at == before
    assert not audited(AuditAction.ROUND_EXTENDED)


@pytest.mark.parametrize("value", ["", "not a day", "9999-12-31", "2026-02-30"])
def test_more_time_refuses_bad_input_with_a_message(manager_client, sent_round, value):
    refused = manager_client.post(url("round_extend", sent_round.pk), {"closes_on": value})
    assert refused.status_code == 400
    assert "field-error" in refused.content.decode()


def test_reminders_now_go_to_those_not_emailed_for_a_day_and_only_once(
    manager_client, sent_round, django_capture_on_commit_callbacks
):
    recent = sent_round.invitations.order_by("pk").last()
    recent.sent_at = timezone.now() - datetime.timedelta(hours=3)
    recent.save()
    ask = manager_client.get(url("round_remind", sent_round.pk)).content.decode()
    assert "2 people will get a reminder email now." in ask
    assert "anyone we emailed in the last day" in ask

    with django_capture_on_commit_callbacks(execute=True):
        done = manager_client.post(url("round_remind", sent_round.pk))
    with django_capture_on_commit_callbacks(execute=True):
        again = manager_client.post(url("round_remind", sent_round.pk))

    assert "2 reminders are going out now." in " ".join(messages_of(done))
    assert "0 reminders are going out now." in " ".join(messages_of(again))
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Last reminder"] * 2  # the round allows one
    assert sent_round.invitations.filter(reminders_sent=1).count() == 2
    assert len(audited(AuditAction.REMINDERS_SENT)) == 2
    # The beat's reminder run, a minute later, finds nobody due either.
    assert sending.reminders_due(timezone.now() + datetime.timedelta(minutes=1)) == []


def test_the_round_page_shows_reminders_and_its_controls(manager_client, sent_round):
    sent_round.invitations.filter(pk=sent_round.invitations.first().pk).update(reminders_sent=1)
    html = manager_client.get(sent_round.get_absolute_url()).content.decode()
    assert "1 sent so far" in html
    assert "the next from" in html
    for name in ("round_remind", "round_extend", "round_close"):
        assert f'href="{url(name, sent_round.pk)}"' in html


def test_leadership_sees_no_controls(leader_client, sent_round):
    html = leader_client.get(sent_round.get_absolute_url()).content.decode()
    assert url("round_close", sent_round.pk) not in html
    assert leader_client.post(url("round_close", sent_round.pk)).status_code == 403

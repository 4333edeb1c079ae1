"""Round pages: opening a round by hand, its progress, decisions about
unknown sends, the poster, and "you said, we did"."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.choices import SendState
from surveys.models import Invitation, InvitationToken, Round, YouSaidWeDid
from surveys.services.answering import record_response
from surveys.tokens import new_token
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"surveys:{name}", args=args)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def survey():
    survey = SurveyFactory(status="active", audience="participants", anonymous=True)
    QuestionFactory(survey=survey, text="Do you feel welcome here?")
    RecipientFactory.create_batch(3, audience="participants")
    return survey


def test_a_manager_opens_a_round_and_the_invitations_go_out(manager_client, survey, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        opened = manager_client.post(url("round_open", survey.pk))
    new_round = Round.objects.get()
    assert opened.status_code == 302
    assert opened["Location"] == new_round.get_absolute_url()
    assert new_round.invitations.filter(state=SendState.SENT).count() == 3
    assert len(mail.outbox) == 3
    assert "Round opened." in " ".join(messages_of(opened))


def test_a_second_click_does_not_email_everyone_again(manager_client, survey, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url("round_open", survey.pk))
        again = manager_client.post(url("round_open", survey.pk))
    assert "A round of this survey is already open." in " ".join(messages_of(again))
    assert Round.objects.count() == 1
    assert len(mail.outbox) == 3

    Round.objects.update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    manager_client.post(url("round_open", survey.pk))
    assert Round.objects.count() == 2  # once the first has closed, a new one may open


@pytest.mark.parametrize("who", ["leader_client", "outsider_client"])
def test_others_cannot_open_a_round(request, survey, who):
    client = request.getfixturevalue(who)
    assert client.post(url("round_open", survey.pk)).status_code == 403
    assert not Round.objects.exists()


def test_a_round_is_opened_only_by_post(manager_client, survey):
    assert manager_client.get(url("round_open", survey.pk)).status_code == 200  # the confirmation page
    assert not Round.objects.exists()


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_a_survey_that_is_not_active_opens_no_round(manager_client, survey, status):
    survey.status = status
    survey.save()
    refused = manager_client.post(url("round_open", survey.pk))
    assert refused.status_code == 302
    assert refused["Location"] == survey.get_absolute_url()
    assert "Activate the survey before opening a round." in messages_of(refused)
    assert not Round.objects.exists() and not Invitation.objects.exists()


@pytest.fixture
def busy_round(survey):
    survey_round = RoundFactory(survey=survey)
    states = ["sent", "sent", "failed", "unknown", "pending"]
    rows = [InvitationFactory(round=survey_round, state=s, attempts=1) for s in states]
    record_response(survey_round, [], invitation=rows[0])
    return survey_round


def test_the_progress_partial_shows_the_counts(manager_client, busy_round):
    page = manager_client.get(url("round_progress", busy_round.pk))
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert "2 of 5 sent" in text
    assert "1 waiting" in text and "1 failed" in text and "1 unknown" in text and "1 answered" in text
    assert 'max="5" value="4"' in text
    assert "hx-get" in text  # still going out: the bar keeps polling


def test_the_round_page_lists_the_invitations_needing_a_decision(manager_client, leader_client, busy_round):
    page = manager_client.get(url("round_detail", busy_round.pk))
    assert page.status_code == 200
    assert [i.state for i in page.context["problems"]] == ["failed", "unknown"]
    assert "Invitations that need a decision" in page.content.decode()
    seen_by_leader = leader_client.get(url("round_detail", busy_round.pk))
    assert seen_by_leader.status_code == 200
    assert seen_by_leader.context["problems"] == []
    assert seen_by_leader.context["loop_form"] is None


def test_outsiders_see_no_round(outsider_client, busy_round):
    for name in ("round_detail", "round_progress", "round_poster"):
        assert outsider_client.get(url(name, busy_round.pk)).status_code == 403


def test_resend_sends_the_chosen_unknown_invitations(manager_client, busy_round, django_capture_on_commit_callbacks):
    unknown = busy_round.invitations.get(state="unknown")
    sent = busy_round.invitations.filter(state="sent").first()
    with django_capture_on_commit_callbacks(execute=True):
        done = manager_client.post(
            url("round_unknown", busy_round.pk), {"invitation": [unknown.pk, sent.pk], "action": "resend"}
        )
    assert done.status_code == 302
    assert "1 invitations will be sent again." in messages_of(done)
    unknown.refresh_from_db()
    assert unknown.state == SendState.SENT
    assert len(mail.outbox) == 1


def test_mark_sent_records_the_managers_decision(manager_client, busy_round):
    unknown = busy_round.invitations.get(state="unknown")
    manager_client.post(url("round_unknown", busy_round.pk), {"invitation": [unknown.pk], "action": "mark_sent"})
    unknown.refresh_from_db()
    assert unknown.state == SendState.SENT
    assert mail.outbox == []


def test_a_decision_needs_invitations_of_this_round_and_an_action(manager_client, busy_round, survey):
    unknown = busy_round.invitations.get(state="unknown")
    elsewhere = InvitationFactory(round=RoundFactory(survey=survey), state="unknown")
    for data in (
        {"invitation": [unknown.pk], "action": "delete"},
        {"action": "resend"},
        {"invitation": ["x"], "action": "resend"},
    ):
        refused = manager_client.post(url("round_unknown", busy_round.pk), data)
        assert refused.status_code == 400
        assert "Choose at least one invitation and what to do with it." in refused.content.decode()
    manager_client.post(url("round_unknown", busy_round.pk), {"invitation": [elsewhere.pk], "action": "mark_sent"})
    assert Invitation.objects.filter(state="unknown").count() == 2


def test_a_decision_about_ids_that_are_not_ids_is_refused(manager_client, busy_round):
    """Found by tests/security/test_fuzz_forms.py: "²" passed isdigit() and
    broke int(), and a 30-digit id overflowed SQLite: both were 500s."""
    for bad in ("\u00b2", "9" * 30, str(2**63), "0"):
        refused = manager_client.post(url("round_unknown", busy_round.pk), {"invitation": [bad], "action": "resend"})
        assert refused.status_code == 400, bad
        # Nor beside a real one: the whole decision is refused (found by the fuzzing).
        unknown = busy_round.invitations.get(state="unknown")
        mixed = {"invitation": [str(unknown.pk), bad], "action": "mark_sent"}
        assert manager_client.post(url("round_unknown", busy_round.pk), mixed).status_code == 400, bad
    assert busy_round.invitations.filter(state="unknown").count() == 1


def test_leadership_cannot_decide_about_sends(leader_client, busy_round):
    unknown = busy_round.invitations.get(state="unknown")
    refused = leader_client.post(url("round_unknown", busy_round.pk), {"invitation": [unknown.pk], "action": "resend"})
    assert refused.status_code == 403
    unknown.refresh_from_db()
    assert unknown.state == SendState.UNKNOWN


LOOP = {
    "you_said": "Evenings are hard to reach",
    "you_said_es": "",
    "we_did": "We open until 9",
    "we_did_es": "",
    "status": "done",
}


def test_a_loop_item_reaches_the_next_invitation_and_intro(manager_client, survey, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - datetime.timedelta(days=90)
    first = RoundFactory(survey=survey, opened_at=long_ago, closes_at=long_ago + datetime.timedelta(days=21))
    added = manager_client.post(url("loop_item_create", first.pk), LOOP)
    assert added.status_code == 302
    assert added["Location"].endswith("#loop")
    assert YouSaidWeDid.objects.get().round == first

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(url("round_open", survey.pk))
    message = mail.outbox[0]
    assert "Evenings are hard to reach" in message.body
    assert "We open until 9" in message.alternatives[0][0]

    invitation = Round.objects.exclude(pk=first.pk).get().invitations.first()
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    intro = Client().get(url("respond", raw)).content.decode()
    assert "You said, we did" in intro and "Evenings are hard to reach" in intro


def test_an_empty_loop_item_is_refused(manager_client, busy_round):
    refused = manager_client.post(url("loop_item_create", busy_round.pk), {"you_said": "", "we_did": ""})
    assert refused.status_code == 400
    assert "you_said" in refused.context["loop_form"].errors
    assert not YouSaidWeDid.objects.exists()


def test_leadership_cannot_add_loop_items(leader_client, busy_round):
    assert leader_client.post(url("loop_item_create", busy_round.pk), LOOP).status_code == 403
    assert not YouSaidWeDid.objects.exists()


def test_the_round_page_says_why_invitations_are_waiting(manager_client, survey):
    survey_round = RoundFactory(survey=survey)
    since = timezone.make_aware(datetime.datetime(2026, 12, 2, 10, 42))
    for _ in range(2):
        InvitationFactory(
            round=survey_round,
            failing_since=since,
            next_try_at=since + datetime.timedelta(minutes=28),
            last_error="ConnectionRefusedError",
        )
    InvitationFactory(round=survey_round)  # waiting for its first try: no reason to give

    for name in ("round_detail", "round_progress"):
        page = manager_client.get(url(name, survey_round.pk)).content.decode()
        assert "2 invitations are waiting: sending them has failed since 2 Dec 10:42 (ConnectionRefusedError)." in page
        assert "Next try at 2 Dec 11:10" in page
    InvitationFactory._meta.model.objects.update(failing_since=None)
    assert "has failed since" not in manager_client.get(url("round_progress", survey_round.pk)).content.decode()

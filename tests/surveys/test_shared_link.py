"""The shared link and poster of an anonymous round: for people who gave no
email address. Counted apart, one response per browser session."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.choices import RoundStatus
from surveys.models import Response, Round
from surveys.services.rounds import open_round
from surveys.tokens import hash_token, shared_token
from tests.factories import InvitationFactory, QuestionFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def shared_link(survey_round) -> str:
    return reverse("surveys:respond_shared", args=[shared_token(survey_round.pk)])


@pytest.fixture
def survey():
    survey = SurveyFactory(status="active", anonymous=True)
    QuestionFactory(survey=survey, kind="yes_no", text="Was the space welcoming?")
    return survey


@pytest.fixture
def shared_round(survey):
    return open_round(survey)


def answer(client, survey_round, **extra):
    question = survey_round.survey.questions.get()
    return client.post(shared_link(survey_round), {f"q{question.pk}": "1", "language": "en"}, **extra)


def test_the_shared_link_opens_an_anonymous_open_round(client, shared_round):
    page = client.get(shared_link(shared_round))
    assert page.status_code == 200
    assert "Was the space welcoming?" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert not Response.objects.exists()


def test_an_answer_is_recorded_as_shared_and_counted_apart(client, shared_round):
    InvitationFactory(round=shared_round)
    posted = answer(client, shared_round)
    assert posted.status_code == 302
    response = Response.objects.get()
    assert (response.round, response.channel) == (shared_round, "shared")
    assert response.answers.get().number == 1
    counted = Round.objects.with_counts().get(pk=shared_round.pk)
    assert (counted.shared_responses, counted.invited_responses) == (1, 0)


def test_one_response_per_browser_session(client, shared_round):
    assert answer(client, shared_round).status_code == 302
    again = answer(client, shared_round)
    assert again.status_code == 200
    assert "You already answered this survey from this device." in again.content.decode()
    assert "already answered" in client.get(shared_link(shared_round)).content.decode()
    assert Response.objects.count() == 1

    assert answer(Client(), shared_round).status_code == 302  # another phone
    assert Response.objects.count() == 2


def test_what_was_answered_stays_in_the_browser_not_on_the_server(client, shared_round):
    posted = answer(client, shared_round)
    cookie = posted.cookies["answered_rounds"]
    assert cookie["path"] == shared_link(shared_round)  # sent to this address only
    assert cookie["httponly"]
    assert not Session.objects.exists()  # no row whose time could be lined up with a response

    client.cookies["answered_rounds"] = str(shared_round.pk)  # unsigned: ignored
    assert answer(client, shared_round).status_code == 302


def test_answering_one_round_does_not_block_the_next(client, survey, shared_round):
    answer(client, shared_round)
    later = open_round(survey, now=timezone.now() + datetime.timedelta(seconds=1))
    assert answer(client, later).status_code == 302
    assert Response.objects.filter(round=later).count() == 1


def _same_friendly_page(client, url):
    page = client.get(url)
    assert page.status_code == 404
    assert "This link does not work anymore" in page.content.decode()
    return page


def test_a_named_survey_has_no_shared_link(client):
    survey = SurveyFactory(status="active", anonymous=False)
    QuestionFactory(survey=survey)
    named = open_round(survey)
    _same_friendly_page(client, shared_link(named))
    # Even a hash written by hand does not open a survey that is not anonymous.
    Round.objects.filter(pk=named.pk).update(shared_token_hash=hash_token(shared_token(named.pk)))
    _same_friendly_page(client, shared_link(named))
    assert client.post(shared_link(named), {}).status_code == 404


@pytest.mark.parametrize(
    "change",
    [{"status": RoundStatus.CLOSED}, {"closes_at": timezone.now() - datetime.timedelta(minutes=1)}],
)
def test_a_closed_round_refuses_its_shared_link(client, shared_round, change):
    Round.objects.filter(pk=shared_round.pk).update(**change)
    _same_friendly_page(client, shared_link(shared_round))
    assert answer(client, shared_round).status_code == 404
    assert not Response.objects.exists()


def test_a_wrong_token_gets_the_same_page(client, shared_round):
    ok = RoundFactory(survey=shared_round.survey)  # a round with no shared hash stored
    wrong = _same_friendly_page(client, reverse("surveys:respond_shared", args=["0" * 43]))
    unstored = _same_friendly_page(client, shared_link(ok))
    assert wrong.content == unstored.content


def test_a_round_takes_so_many_shared_answers_a_day(shared_round, settings, frozen_clock):
    """Anyone holding the link can answer again and again from fresh
    browsers: a cap per round and day keeps that slow (docs/privacy.md)."""
    settings.SURVEY_SHARED_ANSWERS_PER_DAY = 3
    for _ in range(3):
        assert answer(Client(), shared_round).status_code == 302
    full = answer(Client(), shared_round)
    assert full.status_code == 429
    assert "Please come back tomorrow" in full.content.decode()
    assert Client().get(shared_link(shared_round)).status_code == 429
    assert Response.objects.count() == 3
    frozen_clock.shift(datetime.timedelta(days=1))
    assert answer(Client(), shared_round).status_code == 302

"""The pages of the release rule's decisions: pooling held rounds, reviewing
a unit's free text, releasing early. Program managers only; audited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from surveys.models import Answer, Release
from surveys.services import releases
from tests.factories import QuestionFactory, RoundFactory, SurveyFactory
from tests.surveys.releasing import close, record, spread

pytestmark = pytest.mark.django_db


def _held_pair(survey):
    question = QuestionFactory(survey=survey, kind="agreement")
    rounds = [RoundFactory(survey=survey, opened_at=timezone.now() - datetime.timedelta(days=d)) for d in (90, 60)]
    record(rounds[0], question, spread({4: 3}))
    record(rounds[1], question, spread({2: 2}))
    close(*rounds)
    releases.decide_settled_rounds()
    return rounds


@pytest.fixture
def unit_in_review():
    survey = SurveyFactory(status="active")
    survey_round = RoundFactory(survey=survey)
    question = QuestionFactory(survey=survey, kind="short_text", text="Anything else?")
    record(survey_round, question, ["Rosa at the desk was rude", "Longer hours", "Tea", "Music", "Chairs"])
    close(survey_round)
    releases.decide_settled_rounds()
    return Release.objects.get()


def test_the_results_page_offers_to_pool_held_rounds_to_managers_only(manager_client, leader_client):
    survey = SurveyFactory(status="active")
    _held_pair(survey)
    url = reverse("surveys:survey_results", args=[survey.pk])
    assert "Pool these rounds" in manager_client.get(url).content.decode()
    leader_page = leader_client.get(url)
    assert leader_page.status_code == 200
    assert "How results are protected" in leader_page.content.decode()  # the results page did render
    assert "Pool these rounds" not in leader_page.content.decode()


def test_pooling_from_the_page(manager_client, program_manager):
    survey = SurveyFactory(status="active")
    first, second = _held_pair(survey)
    posted = manager_client.post(reverse("surveys:pool_rounds", args=[survey.pk]), {"rounds": [first.pk, second.pk]})
    assert posted.status_code == 302
    unit = Release.objects.get()
    assert (unit.responses, unit.pooled_by) == (5, program_manager)
    event = AuditEvent.objects.get(action=AuditAction.RESULTS_POOLED)
    assert event.target == f"unit #{unit.pk} of survey #{survey.pk}: 2 rounds"
    page = manager_client.get(reverse("surveys:survey_results", args=[survey.pk]), {"round": second.pk})
    assert page.context["chosen"].label.endswith("(2 rounds pooled)")
    assert page.context["question_results"][0].respondents == 5


@pytest.mark.parametrize("rounds", [[], ["x"], [987654], "one"])
def test_a_bad_pool_is_refused_with_a_message_and_saves_nothing(manager_client, rounds):
    survey = SurveyFactory(status="active")
    _held_pair(survey)
    page = manager_client.post(reverse("surveys:pool_rounds", args=[survey.pk]), {"rounds": rounds})
    assert page.status_code == 400
    assert "Please fix the problems marked below." in page.content.decode()
    assert not Release.objects.exists()


def test_leadership_cannot_pool_review_or_release(leader_client, unit_in_review):
    survey = unit_in_review.survey
    assert leader_client.post(reverse("surveys:pool_rounds", args=[survey.pk])).status_code == 403
    assert leader_client.get(reverse("surveys:unit_review", args=[unit_in_review.pk])).status_code == 403
    assert leader_client.post(reverse("surveys:unit_release", args=[unit_in_review.pk])).status_code == 403
    unit_in_review.refresh_from_db()
    assert unit_in_review.state == "review"


def test_reviewing_and_withholding_free_text(manager_client, leader_client, unit_in_review):
    url = reverse("surveys:unit_review", args=[unit_in_review.pk])
    page = manager_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Anything else?" in html and "Rosa at the desk was rude" in html
    rosa = Answer.objects.get(text__startswith="Rosa")
    assert manager_client.post(url, {"withheld": [rosa.pk]}).status_code == 302
    assert Answer.objects.get(pk=rosa.pk).withheld
    event = AuditEvent.objects.get(action=AuditAction.ANSWERS_WITHHELD)
    assert event.target == f"unit #{unit_in_review.pk}: 1 withheld, 0 put back"
    assert "Rosa" not in event.target

    assert manager_client.post(reverse("surveys:unit_release", args=[unit_in_review.pk])).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.RESULTS_RELEASED).count() == 1
    results = leader_client.get(reverse("surveys:survey_results", args=[unit_in_review.survey.pk]))
    shown = results.content.decode()
    assert "Longer hours" in shown and "Rosa" not in shown


def test_withholding_an_answer_of_another_unit_is_refused(manager_client, unit_in_review):
    other = Answer.objects.create(response=Answer.objects.first().response, question=QuestionFactory(), text="x")
    url = reverse("surveys:unit_review", args=[unit_in_review.pk])
    page = manager_client.post(url, {"withheld": [other.pk]})
    assert page.status_code == 400
    assert "Choose only answers of this unit." in page.content.decode()
    assert not Answer.objects.filter(withheld=True).exists()


def test_the_round_page_says_where_its_answers_stand(manager_client, unit_in_review):
    survey_round = unit_in_review.rounds.get()
    html = manager_client.get(reverse("surveys:round_detail", args=[survey_round.pk])).content.decode()
    assert "In review" in html and "review free text" in html
    open_round = RoundFactory(survey=unit_in_review.survey)
    html = manager_client.get(reverse("surveys:round_detail", args=[open_round.pk])).content.decode()
    assert "Open: answers are not shown while the round is open" in html


def test_the_privacy_rule_page_shows_docs_privacy_md(leader_client):
    page = leader_client.get(reverse("surveys:privacy_rule"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>How survey answers are protected</h1>" in html
    assert "<table>" in html and "<script" not in html

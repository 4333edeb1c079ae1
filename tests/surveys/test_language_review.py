"""Language that respects agency (issue 15, item 8): the builder flags
words from the administrators' list wherever a survey's text uses them, in
both languages, with why and what to say instead; a manager can still send
the survey, change the word (the flag goes) or keep it with a reason."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.models import AgencyTerm, DismissedFlag, YouSaidWeDid
from surveys.services.language_review import review
from tests.factories import QuestionFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def reviewed(survey):
    return review(survey, list(survey.questions.all()))


@pytest.fixture
def survey():
    survey = SurveyFactory(
        status="draft", title="After the rescue", title_es="Después del rescate", intro="", intro_es=""
    )
    QuestionFactory(survey=survey, position=1, text="Did staff treat you as a victim?", text_es="¿Le trataron bien?")
    QuestionFactory(
        survey=survey,
        position=2,
        kind="single_choice",
        text="What brought you here?",
        text_es="",
        choices=[{"en": "Exploitation", "es": "Explotación"}, {"en": "A friend", "es": "Una amistad"}],
    )
    return survey


def test_the_seeded_words_are_flagged_everywhere_in_both_languages(survey):
    YouSaidWeDid.objects.create(round=RoundFactory(survey=survey), you_said="Victims need rescue", we_did="Asked them")
    flags, no_spanish = reviewed(survey)
    found = {(flag.where, flag.found.lower()) for flag in flags}
    assert ("Title (English)", "rescue") in found
    assert ("Title (Spanish)", "rescate") in found
    assert ("Question 1 (English)", "victim") in found
    assert ("Question 2 (English)", "exploitation") in found
    assert ("Question 2 (Spanish)", "explotación") in found
    assert ("You said, we did (English)", "victims") in found
    assert no_spanish == ["Question 2"]
    assert all(flag.term.alternative and flag.term.reason for flag in flags)


def test_a_word_inside_another_is_not_flagged():
    survey = SurveyFactory(title="Prescue", title_es="", intro="We are not victimless", intro_es="")
    assert [flag.found for flag in reviewed(survey)[0]] == ["victimless"]  # a word that starts with it is
    AgencyTerm.objects.filter(phrase="victim").update(active=False)
    assert reviewed(survey)[0] == []


def test_the_survey_page_shows_the_flags_and_the_survey_can_still_be_activated(manager_client, survey):
    page = manager_client.get(survey.get_absolute_url()).content.decode()
    assert "Words to review" in page
    assert "Say instead: support; offer; work alongside." in page
    assert "No Spanish text yet" in page and "Question 2" in page
    activated = manager_client.post(reverse("surveys:survey_status", args=[survey.pk]), {"action": "activate"})
    assert activated.status_code == 302
    survey.refresh_from_db()
    assert survey.status == "active"


def test_changing_the_word_clears_its_flag(manager_client, survey):
    survey.title = "After the support"
    survey.save()
    assert "Title (English)" not in {flag.where for flag in reviewed(survey)[0]}


def test_a_manager_keeps_a_word_with_a_reason(manager_client, program_manager, survey):
    flag = next(flag for flag in reviewed(survey)[0] if flag.where == "Question 1 (English)")
    dismiss = reverse("surveys:flag_dismiss", args=[survey.pk])
    refused = manager_client.post(dismiss, {"term": flag.term.pk, "place": flag.place, "reason": ""})
    assert refused.status_code == 400
    forged = manager_client.post(dismiss, {"term": flag.term.pk, "place": "survey:nowhere", "reason": "x"})
    assert forged.status_code == 400
    kept = manager_client.post(dismiss, {"term": flag.term.pk, "place": flag.place, "reason": "Quoting a partner"})
    assert kept.status_code == 302
    assert "Question 1 (English)" not in {f.where for f in reviewed(survey)[0]}
    saved = DismissedFlag.objects.get()
    assert (saved.reason, saved.dismissed_by) == ("Quoting a partner", program_manager)


def test_leadership_cannot_dismiss_a_flag(leader_client, survey):
    flag = reviewed(survey)[0][0]
    forbidden = leader_client.post(
        reverse("surveys:flag_dismiss", args=[survey.pk]), {"term": flag.term.pk, "place": flag.place, "reason": "x"}
    )
    assert forbidden.status_code == 403


def test_the_review_costs_three_queries_besides_the_questions_whatever_the_size(survey):
    for position in range(3, 30):
        QuestionFactory(survey=survey, position=position, text=f"Rescue {position}")
    questions = list(survey.questions.all())
    with CaptureQueriesContext(connection) as queries:
        review(survey, questions)
    assert len(queries) == 3  # loop items, terms, dismissed

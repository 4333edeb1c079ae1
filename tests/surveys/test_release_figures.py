"""Figures inside a released unit: every headline figure is shown, small
answer options included; a question fewer than k of the unit's people
answered is left out of every figure; free text is alphabetical."""

import pytest

from surveys.models import ReleaseCount
from surveys.services.results import all_released_tally, question_results
from tests.factories import QuestionFactory, RoundFactory, SurveyFactory
from tests.surveys.releasing import record, release, spread

pytestmark = pytest.mark.django_db

CHOICES = [{"en": "Mornings"}, {"en": "Afternoons"}, {"en": "Evenings"}]


@pytest.fixture
def survey_round():
    return RoundFactory(survey=SurveyFactory(status="active"))


def result_for(question, survey_round):
    release(survey_round)
    (result,) = [r for r in question_results(question.survey, all_released_tally()) if r.question == question]
    return result


def test_a_question_with_exactly_five_people_is_shown(survey_round):
    question = QuestionFactory(survey=survey_round.survey, kind="agreement")
    record(survey_round, question, spread({4: 5}))
    result = result_for(question, survey_round)
    assert (result.shown, result.respondents, result.mean) == (True, 5, 4.0)
    assert [c.count for c in result.cells] == [0, 0, 0, 5, 0]
    assert result.cells[3].share == 1.0


def test_a_round_with_four_people_is_held_and_shows_nothing(survey_round):
    question = QuestionFactory(survey=survey_round.survey, kind="agreement")
    record(survey_round, question, spread({4: 4}))
    result = result_for(question, survey_round)
    assert not result.shown
    assert (result.cells, result.mean, result.nps) == ([], None, None)


def test_a_question_few_people_answered_is_left_out_of_a_released_unit(survey_round):
    asked = QuestionFactory(survey=survey_round.survey, kind="agreement", domain="safety")
    rarely = QuestionFactory(survey=survey_round.survey, kind="agreement", domain="safety")
    record(survey_round, asked, spread({4: 6}))
    record(survey_round, rarely, spread({1: 2}))
    assert not result_for(rarely, survey_round).shown
    # Not in its own figure, nor in the domain's: no count of it was stored.
    assert not ReleaseCount.objects.filter(question=rarely).exists()
    assert ReleaseCount.objects.get(group="domain:safety").count == 6


def test_free_text_is_alphabetical_and_needs_k_writers(survey_round):
    question = QuestionFactory(survey=survey_round.survey, kind="long_text")
    record(survey_round, question, ["zebra crossing", "Apples", "more hours", "Bus fare", "a kind word"])
    result = result_for(question, survey_round)
    assert result.shown
    assert result.texts == ["a kind word", "Apples", "Bus fare", "more hours", "zebra crossing"]


def test_headline_figures_stay_when_one_option_is_small(survey_round):
    """The old rule hid the mean and the 0–10 score whenever one option had
    1 to 4 people; inside a released unit they are shown."""
    question = QuestionFactory(survey=survey_round.survey, kind="likelihood")
    record(survey_round, question, spread({0: 1, 9: 9, 10: 10}))
    result = result_for(question, survey_round)
    counts = {c.label: c.count for c in result.cells}
    assert counts["0 — not at all likely"] == 1 and counts["9"] == 9 and counts["10 — extremely likely"] == 10
    assert result.mean == pytest.approx(9.05)
    assert result.nps == 90
    assert result.respondents == 20


def test_share_saying_yes(survey_round):
    question = QuestionFactory(survey=survey_round.survey, kind="yes_no")
    record(survey_round, question, spread({1: 4, 0: 1}))
    assert result_for(question, survey_round).share_yes == pytest.approx(0.8)


def test_choice_cells_include_prefer_not_to_say(survey_round):
    question = QuestionFactory(survey=survey_round.survey, kind="single_choice", choices=CHOICES)
    record(survey_round, question, [0] * 6 + [2] * 5 + [-1] * 2)
    result = result_for(question, survey_round)
    assert [(c.label, c.count) for c in result.cells] == [
        ("Mornings", 6),
        ("Afternoons", 0),
        ("Evenings", 5),
        ("Prefer not to say", 2),
    ]
    assert result.mean is None  # choices have no average


def test_multiple_choice_counts_people_not_ticks(survey_round):
    question = QuestionFactory(survey=survey_round.survey, kind="multiple_choice", choices=CHOICES)
    record(survey_round, question, [[0, 1]] * 5)
    result = result_for(question, survey_round)
    assert result.respondents == 5
    assert [c.count for c in result.cells] == [5, 5, 0, 0]


def test_shared_link_answers_need_their_own_higher_k(survey_round, settings):
    settings.SURVEY_MIN_SHARED_RESPONSES = 10
    question = QuestionFactory(survey=survey_round.survey, kind="agreement")
    record(survey_round, question, spread({2: 9}), shared=True)
    record(survey_round, question, spread({4: 5}))
    result = result_for(question, survey_round)
    # The 9 shared answers are held; the 5 by private link are released.
    assert (result.respondents, result.mean) == (5, 4.0)

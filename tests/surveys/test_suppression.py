"""Small-number suppression: nothing drawn from fewer than 5 people, and no
hidden cell recoverable from the visible ones."""

import itertools

import pytest

from surveys.models import Answer
from surveys.services.answering import record_response
from surveys.services.results import question_results
from surveys.services.suppression import hidden_cells, shown
from tests.factories import QuestionFactory, RoundFactory, SurveyFactory

CHOICES = [{"en": "Mornings"}, {"en": "Afternoons"}, {"en": "Evenings"}]


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ([1, 20, 30], [True, True, False]),  # 1 alone could be worked out: the next smallest goes too
        ([0, 6, 7], [False, False, False]),
        ([4, 4, 10], [True, True, False]),  # together 8 >= 5
        ([3, 1, 9], [True, True, True]),
        ([2, 0, 0], [True, False, False]),
        ([5, 5], [False, False]),
        ([], []),
    ],
)
def test_primary_and_complementary_suppression(counts, hidden):
    assert hidden_cells(counts, k=5) == hidden


def test_no_visible_small_cell_and_no_recoverable_hidden_group():
    """Every distribution of three cells up to 12: a visible cell holds 0 or at
    least k people, and the hidden ones together hold 0 or at least k."""
    for counts in itertools.product(range(13), repeat=3):
        hide = hidden_cells(list(counts), k=5)
        visible = [c for c, h in zip(counts, hide, strict=True) if not h]
        hidden_total = sum(c for c, h in zip(counts, hide, strict=True) if h)
        assert all(c == 0 or c >= 5 for c in visible), counts
        assert hidden_total == 0 or hidden_total >= 5 or sum(counts) < 5, counts


def test_k_comes_from_the_setting(settings):
    settings.SURVEY_MIN_RESPONSES = 3
    assert hidden_cells([2, 3, 9]) == [True, True, False]
    assert hidden_cells([3, 3]) == [False, False]
    assert shown(1.5, 3) == 1.5
    assert shown(1.5, 2) is None


def test_shown():
    assert shown(4.2, 5) == 4.2
    assert shown(4.2, 4) is None
    assert shown(0, 10) == 0


def record(survey_round, question, values):
    """One response per value: a number, a list of numbers, or a text."""
    for value in values:
        if isinstance(value, str):
            answers = [Answer(question=question, text=value)]
        else:
            answers = [Answer(question=question, number=v) for v in (value if isinstance(value, list) else [value])]
        record_response(survey_round, answers, language="en")


def spread(**cells) -> list[int]:
    """spread(v4=3, v5=2) -> [4, 4, 4, 5, 5]"""
    return [int(name[1:]) for name, n in cells.items() for _ in range(n)]


@pytest.fixture
def survey_round(db):
    return RoundFactory(survey=SurveyFactory(status="active"))


def result_for(question):
    (result,) = [r for r in question_results(question.survey) if r.question == question]
    return result


@pytest.mark.django_db
def test_a_question_with_exactly_five_people_is_shown(survey_round):
    question = QuestionFactory(survey=survey_round.survey, kind="agreement")
    record(survey_round, question, spread(v4=5))
    result = result_for(question)
    assert (result.hidden, result.respondents, result.mean) == (False, 5, 4.0)
    assert [c.count for c in result.cells] == [0, 0, 0, 5, 0]
    assert result.cells[3].share == 1.0


@pytest.mark.django_db
def test_a_question_with_four_people_is_hidden(survey_round):
    question = QuestionFactory(survey=survey_round.survey, kind="agreement")
    record(survey_round, question, spread(v4=4))
    result = result_for(question)
    assert result.hidden
    assert (result.cells, result.mean, result.nps) == ([], None, None)


@pytest.mark.django_db
def test_free_text_is_hidden_below_five_and_sorted(survey_round):
    question = QuestionFactory(survey=survey_round.survey, kind="long_text")
    record(survey_round, question, ["zebra crossing", "Apples", "more hours", "Bus fare"])
    assert result_for(question).hidden
    assert result_for(question).texts == []
    record(survey_round, question, ["a kind word"])
    result = result_for(question)
    assert not result.hidden
    assert result.texts == ["a kind word", "Apples", "Bus fare", "more hours", "zebra crossing"]


@pytest.mark.django_db
def test_mean_and_nps_are_hidden_when_a_cell_is_hidden(survey_round):
    question = QuestionFactory(survey=survey_round.survey, kind="likelihood")
    record(survey_round, question, spread(v0=1, v9=9, v10=10))
    result = result_for(question)
    counts = {c.label: c.count for c in result.cells}
    assert result.partly_hidden
    assert counts["0 — not at all likely"] is None and counts["9"] is None  # 1, and 9 as its complement
    assert counts["10 — extremely likely"] == 10
    assert (result.mean, result.nps) == (None, None)
    assert result.respondents == 20


@pytest.mark.django_db
def test_choice_cells_include_prefer_not_to_say(survey_round):
    question = QuestionFactory(survey=survey_round.survey, kind="single_choice", choices=CHOICES)
    record(survey_round, question, [0] * 6 + [2] * 5 + [-1] * 2)
    result = result_for(question)
    assert [(c.label, c.count) for c in result.cells] == [
        ("Mornings", 6),
        ("Afternoons", 0),
        ("Evenings", None),  # the next smallest, so the 2 cannot be worked out
        ("Prefer not to say", None),
    ]
    assert result.mean is None  # choices have no average


@pytest.mark.django_db
def test_multiple_choice_counts_people_not_ticks(survey_round):
    question = QuestionFactory(survey=survey_round.survey, kind="multiple_choice", choices=CHOICES)
    record(survey_round, question, [[0, 1]] * 5)
    result = result_for(question)
    assert result.respondents == 5
    assert [c.count for c in result.cells] == [5, 5, 0, 0]

"""Weighing closed rounds, pooling held ones, review and release
(surveys/services/releases.py)."""

import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from surveys.models import Release, ReleasedRound
from surveys.services import releases
from tests.factories import QuestionFactory, RoundFactory, SurveyFactory, UserFactory
from tests.surveys.releasing import close, record, spread

pytestmark = pytest.mark.django_db

NOW = timezone.now


@pytest.fixture
def survey():
    return SurveyFactory(status="active")


def _round(survey, days_ago: int, **answers):
    """A round opened `days_ago`, with `invited` and `shared` answers to an agreement question."""
    survey_round = RoundFactory(survey=survey, opened_at=NOW() - datetime.timedelta(days=days_ago))
    question = survey.questions.filter(kind="agreement").first() or QuestionFactory(survey=survey, kind="agreement")
    record(survey_round, question, spread({4: answers.get("invited", 0)}))
    record(survey_round, question, spread({3: answers.get("shared", 0)}), shared=True)
    return survey_round


def test_an_open_round_and_a_round_closed_minutes_ago_are_not_weighed(survey):
    open_round = _round(survey, 10, invited=6)
    just_closed = _round(survey, 20, invited=6)
    just_closed.status, just_closed.closed_at = "closed", NOW() - datetime.timedelta(minutes=2)
    just_closed.save()
    assert releases.decide_settled_rounds() == 0
    assert not Release.objects.exists()
    open_round.refresh_from_db()
    assert not open_round.release_checked


def test_each_kind_of_link_is_its_own_unit_with_its_own_k(survey, settings):
    settings.SURVEY_MIN_SHARED_RESPONSES = 10
    both = _round(survey, 60, invited=5, shared=10)
    private_only = _round(survey, 30, invited=5, shared=9)
    close(both, private_only)
    assert releases.decide_settled_rounds() == 3
    made = sorted(Release.objects.values_list("parts__round", "channel", "responses", "state"))
    assert made == sorted(
        [
            (both.pk, "invited", 5, "released"),  # no free text: no review
            (both.pk, "shared", 10, "released"),
            (private_only.pk, "invited", 5, "released"),
        ]
    )


def test_weighing_twice_makes_each_unit_once(survey):
    survey_round = _round(survey, 30, invited=5)
    close(survey_round)
    assert releases.decide_settled_rounds() == 1
    assert releases.decide_settled_rounds() == 0
    assert Release.objects.count() == 1


def test_a_round_cannot_be_in_two_units(survey):
    survey_round = _round(survey, 30, invited=5)
    close(survey_round)
    releases.decide_settled_rounds()
    other = Release.objects.create(survey=survey, channel="invited", responses=5, opened_at=NOW(), release_after=NOW())
    with pytest.raises(IntegrityError):
        ReleasedRound.objects.create(release=other, round=survey_round, channel="invited")


def test_free_text_waits_in_review_counted_from_closing(survey, settings):
    settings.SURVEY_REVIEW_DAYS = 3
    survey_round = _round(survey, 30, invited=5)
    record(survey_round, QuestionFactory(survey=survey, kind="short_text"), ["a", "b", "c", "d", "e"])
    close(survey_round)  # an hour ago
    releases.decide_settled_rounds()
    (unit,) = Release.objects.all()
    assert unit.state == "review"
    assert unit.release_after == survey_round.closed_at + releases.SETTLE + datetime.timedelta(days=3)
    assert releases.release_due_units(NOW() + datetime.timedelta(days=2)) == 0
    assert releases.release_due_units(NOW() + datetime.timedelta(days=3)) == 1
    unit.refresh_from_db()
    assert unit.state == "released" and unit.released_at is not None


def test_release_now_ends_the_review_once(survey):
    survey_round = _round(survey, 30, invited=5)
    record(survey_round, QuestionFactory(survey=survey, kind="long_text"), list("abcde"))
    close(survey_round)
    releases.decide_settled_rounds()
    unit = Release.objects.get()
    assert releases.release_now(unit) is True
    assert releases.release_now(unit) is False


def test_pooling_neighbouring_held_rounds(survey):
    manager = UserFactory()
    first, second = _round(survey, 90, invited=3), _round(survey, 60, invited=2)
    close(first, second)
    releases.decide_settled_rounds()
    assert [r.pk for r in releases.held_rounds(survey)] == [first.pk, second.pk]
    (unit,) = releases.pool_rounds(survey, [first.pk, second.pk], manager)
    assert (unit.responses, unit.channel, unit.pooled_by, unit.state) == (5, "invited", manager, "released")
    assert set(unit.rounds.all()) == {first, second}
    assert unit.opened_at == first.opened_at
    assert releases.held_rounds(survey) == []


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ([0], "Choose two or more closed rounds"),
        ([0, 2], "Choose rounds next to each other"),
        ([0, 1], "not enough for either"),
        ([2, 3], "Only rounds that are closed, counted and not released"),
    ],
)
def test_pooling_refuses_what_it_must(survey, chosen, message):
    rounds = [
        _round(survey, 120, invited=1),
        _round(survey, 90, invited=2),
        _round(survey, 60, invited=3),
        _round(survey, 30, invited=6),  # released on its own
    ]
    close(*rounds)
    releases.decide_settled_rounds()
    with pytest.raises(releases.PoolRefused, match=message):
        releases.pool_rounds(survey, [rounds[i].pk for i in chosen], UserFactory())
    assert Release.objects.count() == 1


def test_a_withheld_answer_can_be_put_back_only_in_review(survey):
    survey_round = _round(survey, 30, invited=5)
    record(survey_round, QuestionFactory(survey=survey, kind="short_text"), ["Rosa at the desk", "b", "c", "d", "e"])
    close(survey_round)
    releases.decide_settled_rounds()
    unit = Release.objects.get()
    answers = {a.text: a.pk for a in releases.unit_text_answers(unit)}
    assert list(answers) == ["b", "c", "d", "e", "Rosa at the desk"]  # alphabetical
    assert releases.set_withheld(unit, {answers["Rosa at the desk"], answers["b"]}) == (2, 0)
    assert releases.set_withheld(unit, {answers["Rosa at the desk"]}) == (0, 1)  # b put back
    releases.release_now(unit)
    unit.refresh_from_db()
    assert releases.set_withheld(unit, set()) == (0, 0)  # released: nothing put back
    assert [a.text for a in releases.unit_text_answers(unit) if a.withheld] == ["Rosa at the desk"]


def test_paper_and_card_answers_are_weighed_as_their_units(survey, settings):
    """Paper answers, typed in by staff, are a unit of their own with the
    shared address's higher k (whoever types them could add their own);
    answers by printed card join the private links'."""
    from surveys.choices import ResponseChannel
    from surveys.models import Answer
    from surveys.services.answering import record_response
    from surveys.services.cards import find_card, make_cards

    settings.SURVEY_MIN_SHARED_RESPONSES = 10
    held_paper = _round(survey, 60, invited=3)
    released_paper = _round(survey, 30, invited=3)
    question = survey.questions.get()
    for survey_round, paper in ((held_paper, 9), (released_paper, 10)):
        for _ in range(paper):
            record_response(survey_round, [Answer(question=question, number=2)], paper=True)
        for code in make_cards(survey_round, 2):
            card = find_card(survey_round, code)
            record_response(survey_round, [Answer(question=question, number=5)], card=card)
    close(held_paper, released_paper)
    releases.decide_settled_rounds()
    made = sorted(Release.objects.values_list("parts__round", "channel", "responses"))
    assert made == sorted(
        [
            (held_paper.pk, ResponseChannel.INVITED, 5),  # 3 private links + 2 cards
            (released_paper.pk, ResponseChannel.INVITED, 5),
            (released_paper.pk, ResponseChannel.PAPER, 10),
        ]
    )

"""Stored counts of closed rounds (surveys/models/summaries.py): results read
from them are exactly the results counted live, suppression still applies,
only counts are stored, and rounds are summarised only once closed."""

import datetime

import pytest
from django.core.management import call_command
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone

from crm.dashboard.queries import DashboardData, Scope
from surveys.models import Answer, RoundCount, RoundSummary
from surveys.services import results, tallies
from surveys.services.answering import record_response
from surveys.services.rounds import close_due_rounds
from tests.factories import QuestionFactory, RoundFactory, SurveyFactory
from tests.surveys.test_anonymity import link_problems

pytestmark = pytest.mark.django_db


def _survey(audience: str):
    survey = SurveyFactory(status="active", audience=audience)
    questions = {
        "safety": QuestionFactory(survey=survey, kind="agreement", domain="safety", mirror_key="respect", position=1),
        "voice": QuestionFactory(survey=survey, kind="agreement", domain="safety", position=2),
        "likely": QuestionFactory(survey=survey, kind="likelihood", mirror_key="recommend", position=3),
        "yes": QuestionFactory(survey=survey, kind="yes_no", position=4),
        "many": QuestionFactory(
            survey=survey, kind="multiple_choice", choices=[{"en": "A"}, {"en": "B"}, {"en": "C"}], position=5
        ),
        "say": QuestionFactory(survey=survey, kind="short_text", position=6),
    }
    return survey, questions


def _answer_round(survey_round, questions, people: int, seed: int) -> None:
    """`people` responses with a spread of values; some skip questions, one
    ticks two choices, so respondents differ from answer counts."""
    for i in range(people):
        answers = [Answer(question=questions["safety"], number=4 + i % 2)]
        if i % 4:
            answers.append(Answer(question=questions["voice"], number=2 + (i + seed) % 2))
        answers.append(Answer(question=questions["likely"], number=(i * 3 + seed) % 11))
        answers.append(Answer(question=questions["yes"], number=i % 2))
        answers += [Answer(question=questions["many"], number=c) for c in ([0, 2] if i % 3 == 0 else [1])]
        if i % 2:
            answers.append(Answer(question=questions["say"], text=f"note {i}"))
        record_response(survey_round, answers, language="en")


@pytest.fixture
def answered():
    """Two audiences, two rounds each: one large, one small enough that
    suppression hides things."""
    now = timezone.now()
    made = {}
    for audience, sizes in (("participants", (23, 4)), ("partners", (12, 7))):
        survey, questions = _survey(audience)
        rounds = []
        for days_ago, people in zip((60, 20), sizes, strict=True):
            survey_round = RoundFactory(survey=survey, opened_at=now - datetime.timedelta(days=days_ago))
            _answer_round(survey_round, questions, people, seed=people)
            rounds.append(survey_round)
        made[audience] = (survey, questions, rounds)
    return made


def _close(*rounds) -> None:
    past = timezone.now() - datetime.timedelta(days=1)
    for survey_round in rounds:
        survey_round.status = "closed"
        survey_round.closes_at = survey_round.closed_at = past
        survey_round.save()


def _all_rounds(made):
    return [r for _, _, rounds in made.values() for r in rounds]


def _everything(made) -> dict:
    """Every figure the results pages and the dashboard show, comparable."""
    survey, _, rounds = made["participants"]
    scope = Scope(start=datetime.date.today() - datetime.timedelta(days=365), end=datetime.date.today())
    dashboard = DashboardData(scope)
    return {
        "questions": [
            (r.question.pk, r.respondents, r.cells, r.mean, r.nps, r.texts, r.hidden, r.partly_hidden)
            for r in results.question_results(survey) + results.question_results(survey, rounds[1:])
        ],
        "trend": sorted(results.trend_by_round(survey), key=lambda r: (r["round_id"], r["question_id"])),
        "domains": results.domain_scores(),
        "mirrored": results.mirrored(),
        "dashboard": (dashboard.domain_scores, dashboard.partner_trend, dashboard.mirrored),
    }


def test_stored_counts_give_exactly_the_live_results(answered):
    _close(*_all_rounds(answered))
    live = _everything(answered)
    assert any(r[7] or r[6] for r in live["questions"]), "the data should exercise suppression"
    assert any(row["mean"] is not None for row in live["domains"])
    assert any(row["mean"] is None for row in live["domains"])
    assert live["dashboard"][1] and live["mirrored"]
    assert tallies.summarise_closed_rounds() == 4

    assert RoundSummary.objects.count() == 4
    assert _everything(answered) == live


def test_results_of_a_summarised_round_come_from_its_stored_counts(answered):
    survey, questions, rounds = answered["participants"]
    _close(rounds[0])
    tallies.summarise_round(rounds[0])
    before = results.question_results(survey, rounds[:1])
    # An answer written behind the service's back (a closed round takes none)
    # is not read: the figures come from the stored counts.
    record_response(rounds[0], [Answer(question=questions["yes"], number=1)], language="en")
    assert results.question_results(survey, rounds[:1]) == before
    # The open round is still counted live.
    open_before = results.question_results(survey, rounds[1:])
    record_response(rounds[1], [Answer(question=questions["yes"], number=1)], language="en")
    assert results.question_results(survey, rounds[1:]) != open_before


def test_small_groups_stay_hidden_on_stored_counts(answered):
    survey, questions, rounds = answered["participants"]
    _close(rounds[1])  # four people
    tallies.summarise_round(rounds[1])
    assert all(r.hidden for r in results.question_results(survey, rounds[1:]))
    trend = {(r["round_id"], r["question_id"]): r["mean"] for r in results.trend_by_round(survey)}
    assert trend[(rounds[1].pk, questions["safety"].pk)] is None
    assert trend[(rounds[0].pk, questions["safety"].pk)] == pytest.approx(4 + 11 / 23)


def test_only_counts_are_stored():
    assert link_problems(RoundCount) == []
    assert link_problems(RoundSummary) == []
    columns = {f.name for f in RoundCount._meta.concrete_fields}
    assert columns == {"id", "round", "question", "number", "group", "count"}


def test_stored_rows_are_counts_per_question_value_and_group(answered):
    _, questions, rounds = answered["partners"]
    _close(rounds[0])
    tallies.summarise_round(rounds[0])
    stored = {(c.question_id, c.number, c.group): c.count for c in RoundCount.objects.filter(round=rounds[0])}
    assert stored[(questions["yes"].pk, 0, "")] == 6
    assert stored[(questions["yes"].pk, 1, "")] == 6
    # Twelve people, four of whom ticked two choices: 16 answers, 12 respondents.
    assert sum(n for (q, _, g), n in stored.items() if q == questions["many"].pk) == 16
    assert stored[(None, None, tallies.question_group(questions["many"].pk))] == 12
    assert stored[(None, None, tallies.question_group(questions["voice"].pk))] == 9
    assert stored[(None, None, tallies.domain_group("safety"))] == 12


def test_an_open_round_is_never_summarised(answered):
    _, _, rounds = answered["participants"]
    with pytest.raises(ValueError):
        tallies.summarise_round(rounds[0])
    assert not RoundSummary.objects.exists()


def test_summarising_twice_stores_once(answered):
    _, _, rounds = answered["participants"]
    _close(rounds[0])
    tallies.summarise_round(rounds[0])
    rows = RoundCount.objects.count()
    tallies.summarise_round(rounds[0])
    call_command("summarise_rounds", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert RoundCount.objects.count() == rows
    assert RoundSummary.objects.count() == 1


def test_closing_summarises_only_rounds_closed_a_while_ago(answered):
    """A submission that passed the open check just before closing may still
    be committing: the counts are stored on a later tick."""
    _, _, rounds = answered["participants"]
    now = timezone.now()
    for survey_round in rounds:
        survey_round.closes_at = now - datetime.timedelta(minutes=1)
        survey_round.save()
    assert close_due_rounds(now) == 2
    assert not RoundSummary.objects.exists()
    close_due_rounds(now + tallies.SETTLE)
    assert set(RoundSummary.objects.values_list("round_id", flat=True)) == {r.pk for r in rounds}


def test_free_text_answers_render_escaped_in_one_pass():
    result = results.QuestionResult(question=None, respondents=5, texts=["<b>bold</b>\nnext & last"])
    assert str(result.text_items) == "<li>&lt;b&gt;bold&lt;/b&gt;<br>next &amp; last</li>"


def test_free_text_answers_render_as_the_linebreaksbr_filter_would():
    texts = ["a\r\nb\rc\nd", "'quoted' \"double\"", "<script>"]
    expected = "".join(f"<li>{linebreaksbr(text)}</li>" for text in texts)
    assert str(results.QuestionResult(question=None, respondents=5, texts=texts).text_items) == expected

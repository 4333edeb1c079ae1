"""Results: NPS, domains, mirrored questions, trends, the results page and
its CSV export, all built from released units only (docs/privacy.md)."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys.services import results
from tests.factories import QuestionFactory, RoundFactory, SurveyFactory
from tests.surveys.releasing import record, release, spread

pytestmark = pytest.mark.django_db


def test_nps_is_promoters_minus_detractors():
    assert results.nps({10: 3, 9: 2, 8: 2, 6: 2, 0: 1}) == 20
    assert results.nps({0: 4, 7: 1}) == -80
    assert results.nps({}) is None


def _released_tally(*rounds):
    release(*rounds)
    return results.all_released_tally()


def test_nps_and_mean_of_a_released_question():
    question = QuestionFactory(survey=SurveyFactory(status="active"), kind="likelihood")
    survey_round = RoundFactory(survey=question.survey)
    record(survey_round, question, spread({10: 5, 9: 5, 7: 5, 3: 5}))
    (result,) = results.question_results(question.survey, _released_tally(survey_round))
    assert result.nps == 25
    assert result.mean == pytest.approx((50 + 45 + 35 + 15) / 20)


def _agreement(audience: str, domain: str = "safety", mirror_key: str = ""):
    survey = SurveyFactory(status="active", audience=audience)
    return QuestionFactory(survey=survey, kind="agreement", domain=domain, mirror_key=mirror_key)


def _answered_round(question, values, **round_kwargs):
    survey_round = RoundFactory(survey=question.survey, **round_kwargs)
    record(survey_round, question, values)
    return survey_round


def test_domain_scores_show_every_released_unit_and_nothing_held():
    ok = _agreement("participants", "safety")
    small = _agreement("staff", "safety")
    uneven = _agreement("partners", "mastery")
    rounds = [
        _answered_round(ok, spread({4: 5, 5: 5})),
        _answered_round(small, spread({5: 4})),  # held: 4 people
        # 1 and 9 people: released, and its mean shown (the old rule hid it).
        _answered_round(uneven, spread({1: 1, 5: 9})),
    ]
    scores = {(s["audience"], s["domain"]): s for s in results.domain_scores(_released_tally(*rounds))}
    assert scores[("participants", "safety")]["mean"] == 4.5
    assert scores[("participants", "safety")]["people"] == 10
    assert ("staff", "safety") not in scores
    assert scores[("partners", "mastery")]["mean"] == pytest.approx(4.6)


def test_mirrored_questions_side_by_side_from_released_units():
    participants = _agreement("participants", mirror_key="respect")
    staff = _agreement("staff", mirror_key="respect")
    partners = _agreement("partners", mirror_key="respect")
    rounds = [
        _answered_round(participants, spread({5: 5, 3: 5})),
        _answered_round(staff, spread({4: 4})),  # held
        _answered_round(partners, spread({2: 2, 4: 8})),
    ]
    (entry,) = results.mirrored(_released_tally(*rounds))
    assert entry["key"] == "respect" and entry["scale"] == 5
    assert entry["means"] == {"participants": 4.0, "partners": pytest.approx(3.6)}
    assert entry["people"] == {"participants": 10, "partners": 10}


def test_the_trend_has_a_column_per_released_round():
    question = QuestionFactory(survey=SurveyFactory(status="active"), kind="agreement")
    now = timezone.now()
    first = _answered_round(question, spread({3: 5, 4: 5}), opened_at=now - datetime.timedelta(days=90))
    second = _answered_round(question, spread({1: 1, 5: 9}), opened_at=now - datetime.timedelta(days=30))
    held = _answered_round(question, spread({1: 3}), opened_at=now - datetime.timedelta(days=10))
    trend = results.trend_by_column(_released_tally(first, second, held))
    assert trend == {question.pk: {first.pk: 3.5, second.pk: pytest.approx(4.6)}}


@pytest.fixture
def answered_survey():
    survey = SurveyFactory(status="active", title="Check-in")
    survey_round = RoundFactory(survey=survey)
    shown_q = QuestionFactory(survey=survey, kind="agreement", text="=HYPERLINK(evil)", domain="safety")
    small_q = QuestionFactory(survey=survey, kind="yes_no", text="Small question")
    choice_q = QuestionFactory(
        survey=survey, kind="single_choice", text="When", choices=[{"en": "+Mornings"}, {"en": "Evenings"}]
    )
    text_q = QuestionFactory(survey=survey, kind="short_text", text="Ideas")
    record(survey_round, shown_q, spread({4: 6, 5: 7}))
    record(survey_round, small_q, spread({1: 3}))
    record(survey_round, choice_q, spread({0: 1, 1: 20, -1: 30}))
    record(survey_round, text_q, ["secret idea one", "secret idea two"])
    release(survey_round)
    return survey


def test_the_results_page_for_leadership_and_managers(leader_client, manager_client, answered_survey):
    url = reverse("surveys:survey_results", args=[answered_survey.pk])
    for client in (leader_client, manager_client):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        # Two of the unit's 86 people answered Ideas, three the small question.
        assert "Not shown: in no released round did enough people answer this question." in html
        assert "secret idea" not in html
        assert "4.54" in html  # the mean
        assert "How results are protected" in html and reverse("surveys:privacy_rule") in html
        results_by_text = {r.question.text: r for r in page.context["question_results"]}
        # Inside a released unit a small option is shown: see docs/privacy.md.
        assert [c.count for c in results_by_text["When"].cells] == [1, 20, 30]


def test_an_open_round_shows_nothing_but_participation(leader_client):
    question = QuestionFactory(survey=SurveyFactory(status="active"), kind="agreement")
    _answered_round(question, spread({2: 9}))
    page = leader_client.get(reverse("surveys:survey_results", args=[question.survey.pk]))
    assert page.context["question_results"] == [] or not any(r.shown for r in page.context["question_results"])
    assert "No round of this survey has been released yet." in page.content.decode()
    (round_row,) = page.context["rounds"]
    assert round_row.invited_responses == 9
    assert [o.state for o in round_row.outcomes] == ["open"]


def test_the_results_page_is_refused_to_outsiders(outsider_client, client, answered_survey):
    url = reverse("surveys:survey_results", args=[answered_survey.pk])
    assert outsider_client.get(url).status_code == 403
    csv_url = reverse("surveys:survey_results_csv", args=[answered_survey.pk])
    assert outsider_client.get(csv_url).status_code == 403
    assert client.get(url).status_code == 302  # not logged in: to the login page


def test_a_round_choice_that_is_not_a_released_round_shows_nothing(leader_client, answered_survey):
    """Not every released round under its name: a view that changes what it
    means over time would invite a wrong subtraction."""
    url = reverse("surveys:survey_results", args=[answered_survey.pk])
    # Found by tests/security/test_fuzz_query_params.py: the last two were 500s.
    for query in ("?round=abc", "?round=999999", "?round=%C2%B2", "?round=" + "9" * 30):
        page = leader_client.get(url + query)
        assert page.status_code == 200, query
        assert page.context["chosen"] is None and page.context["not_released"], query
        assert len(page.context["question_results"]) == 4, query  # every question listed, none shown
        assert not any(result.shown for result in page.context["question_results"]), query
        csv_url = reverse("surveys:survey_results_csv", args=[answered_survey.pk]) + query
        assert leader_client.get(csv_url).status_code == 200, query


def _csv_rows(client, survey, query=""):
    page = client.get(reverse("surveys:survey_results_csv", args=[survey.pk]) + query)
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(page.content.decode())))


def test_the_csv_holds_the_released_figures_and_neutralises_formulas(leader_client, answered_survey):
    header, *rows = _csv_rows(leader_client, answered_survey)
    assert header == ["question", "domain", "respondents", "answer", "count", "share", "mean", "nps", "share yes"]
    by_answer = {(row[0], row[3]): row for row in rows}
    assert by_answer[("When", "'+Mornings")][4] == "1"
    assert by_answer[("When", "Prefer not to say")][4] == "30"
    assert by_answer[("'=HYPERLINK(evil)", "Agree")][4] == "6"
    assert by_answer[("'=HYPERLINK(evil)", "Agree")][6] == "4.54"
    small = [row for row in rows if row[0] == "Small question"]
    assert small == [["Small question", "", "not released", "", "", "", "", "", ""]]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert "secret idea" not in str(rows)


def test_the_csv_of_a_held_round_holds_nothing(leader_client, answered_survey):
    held = RoundFactory(survey=answered_survey)
    record(held, answered_survey.questions.first(), spread({1: 3}))
    release(held)
    _, *rows = _csv_rows(leader_client, answered_survey, f"?round={held.pk}")
    assert {row[2] for row in rows} == {"not released"}


def _page_queries(client, survey) -> int:
    url = reverse("surveys:survey_results", args=[survey.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(survey, questions: int, rounds: int) -> None:
    for _ in range(rounds):
        survey_round = RoundFactory(survey=survey, opened_at=timezone.now() - datetime.timedelta(days=60))
        for kind in ("agreement", "likelihood", "short_text")[:questions]:
            question = QuestionFactory(survey=survey, kind=kind, domain="safety" if kind == "agreement" else "")
            values = ["a", "b", "c", "d", "e"] if kind == "short_text" else [3, 3, 3, 3, 3]
            record(survey_round, question, values)
        release(survey_round)


def test_the_results_page_costs_the_same_queries_with_more_questions_and_rounds(manager_client, record_query_counts):
    survey = SurveyFactory(status="active")
    _grow(survey, questions=3, rounds=1)
    few = _page_queries(manager_client, survey)
    _grow(survey, questions=3, rounds=4)
    many = _page_queries(manager_client, survey)
    record_query_counts("survey results (3q1r / 15q5r)", few, many)
    assert few == many


def test_the_mirrored_page(leader_client, outsider_client):
    participants = _agreement("participants", mirror_key="respect")
    release(_answered_round(participants, spread({5: 5})))
    page = leader_client.get(reverse("surveys:mirrored_questions"))
    assert page.status_code == 200
    assert "5.00" in page.content.decode()
    assert outsider_client.get(reverse("surveys:mirrored_questions")).status_code == 403

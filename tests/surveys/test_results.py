"""Results: NPS, domains, mirrored questions, trends, the results page and
its CSV export, all behind small-number suppression."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from surveys.models import Answer
from surveys.services import results
from surveys.services.answering import record_response
from tests.factories import QuestionFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def record(survey_round, question, values):
    for value in values:
        answers = (
            [Answer(question=question, text=value)]
            if isinstance(value, str)
            else [Answer(question=question, number=value)]
        )
        record_response(survey_round, answers, language="en")


def spread(cells: dict[int, int]) -> list[int]:
    return [value for value, n in cells.items() for _ in range(n)]


def test_nps_is_promoters_minus_detractors():
    assert results.nps({10: 3, 9: 2, 8: 2, 6: 2, 0: 1}) == 20
    assert results.nps({0: 4, 7: 1}) == -80
    assert results.nps({}) is None


def test_nps_and_mean_of_a_question_with_no_small_cells():
    question = QuestionFactory(survey=SurveyFactory(status="active"), kind="likelihood")
    record(RoundFactory(survey=question.survey), question, spread({10: 5, 9: 5, 7: 5, 3: 5}))
    (result,) = results.question_results(question.survey)
    assert not result.partly_hidden
    assert result.nps == 25
    assert result.mean == pytest.approx((50 + 45 + 35 + 15) / 20)


def _agreement(audience: str, domain: str = "safety", mirror_key: str = ""):
    survey = SurveyFactory(status="active", audience=audience)
    return QuestionFactory(survey=survey, kind="agreement", domain=domain, mirror_key=mirror_key)


def test_domain_scores_hide_small_groups_and_small_cells():
    ok = _agreement("participants", "safety")
    small = _agreement("staff", "safety")
    uneven = _agreement("partners", "mastery")
    record(RoundFactory(survey=ok.survey), ok, spread({4: 5, 5: 5}))
    record(RoundFactory(survey=small.survey), small, spread({5: 4}))
    # 1 and 9 people: the mean (4.6) with the count (10) would give both away.
    record(RoundFactory(survey=uneven.survey), uneven, spread({1: 1, 5: 9}))

    scores = {(s["audience"], s["domain"]): s for s in results.domain_scores()}
    assert scores[("participants", "safety")]["mean"] == 4.5
    assert scores[("participants", "safety")]["people"] == 10
    assert scores[("staff", "safety")]["mean"] is None
    assert scores[("staff", "safety")]["people"] is None
    assert scores[("partners", "mastery")]["mean"] is None


def test_domain_scores_of_chosen_surveys_only():
    first, second = _agreement("participants"), _agreement("staff")
    record(RoundFactory(survey=first.survey), first, spread({3: 5}))
    record(RoundFactory(survey=second.survey), second, spread({3: 5}))
    assert [s["audience"] for s in results.domain_scores([first.survey])] == ["participants"]


def test_mirrored_questions_side_by_side_with_small_groups_hidden():
    participants = _agreement("participants", mirror_key="respect")
    staff = _agreement("staff", mirror_key="respect")
    partners = _agreement("partners", mirror_key="respect")
    record(RoundFactory(survey=participants.survey), participants, spread({5: 5, 3: 5}))
    record(RoundFactory(survey=staff.survey), staff, spread({4: 4}))
    record(RoundFactory(survey=partners.survey), partners, spread({2: 2, 4: 8}))

    table = results.mirrored()
    assert table["respect"]["participants"] == {"mean": 4.0, "scale": "1–5"}
    assert table["respect"]["staff"]["mean"] is None
    assert table["respect"]["partners"]["mean"] is None


def test_the_trend_hides_a_round_whose_distribution_has_small_cells():
    question = QuestionFactory(survey=SurveyFactory(status="active"), kind="agreement")
    now = timezone.now()
    first = RoundFactory(survey=question.survey, opened_at=now - datetime.timedelta(days=90))
    second = RoundFactory(survey=question.survey, opened_at=now)
    record(first, question, spread({3: 5, 4: 5}))
    record(second, question, spread({1: 1, 5: 9}))
    trend = {row["round_id"]: row["mean"] for row in results.trend_by_round(question.survey)}
    assert trend == {first.pk: 3.5, second.pk: None}


@pytest.fixture
def answered_survey():
    survey = SurveyFactory(status="active", title="Check-in")
    survey_round = RoundFactory(survey=survey)
    shown_q = QuestionFactory(survey=survey, kind="agreement", text="=HYPERLINK(evil)", domain="safety")
    hidden_q = QuestionFactory(survey=survey, kind="yes_no", text="Small question")
    choice_q = QuestionFactory(
        survey=survey, kind="single_choice", text="When", choices=[{"en": "+Mornings"}, {"en": "Evenings"}]
    )
    text_q = QuestionFactory(survey=survey, kind="short_text", text="Ideas")
    record(survey_round, shown_q, spread({4: 6, 5: 7}))
    record(survey_round, hidden_q, spread({1: 3}))
    record(survey_round, choice_q, spread({0: 1, 1: 20, -1: 30}))
    record(survey_round, text_q, ["secret idea one", "secret idea two"])
    return survey


def test_the_results_page_for_leadership_and_managers(leader_client, manager_client, answered_survey):
    url = reverse("surveys:survey_results", args=[answered_survey.pk])
    for client in (leader_client, manager_client):
        page = client.get(url)
        assert page.status_code == 200
    html = page.content.decode()
    assert "Hidden: fewer than 5 people answered this question." in html
    assert "secret idea" not in html
    assert "4.54" in html  # the mean of the fully visible question
    results_by_text = {r.question.text: r for r in page.context["question_results"]}
    assert [c.count for c in results_by_text["When"].cells] == [None, None, 30]


def test_the_results_page_is_refused_to_outsiders(outsider_client, client, answered_survey):
    url = reverse("surveys:survey_results", args=[answered_survey.pk])
    assert outsider_client.get(url).status_code == 403
    csv_url = reverse("surveys:survey_results_csv", args=[answered_survey.pk])
    assert outsider_client.get(csv_url).status_code == 403
    assert client.get(url).status_code == 302  # not logged in: to the login page


def test_an_unknown_round_choice_is_ignored(leader_client, answered_survey):
    url = reverse("surveys:survey_results", args=[answered_survey.pk])
    assert leader_client.get(url + "?round=abc").status_code == 200
    assert leader_client.get(url + "?round=999999").context["chosen_round"] is None
    # Found by tests/security/test_fuzz_query_params.py: both were 500s.
    for query in ("?round=%C2%B2", "?round=" + "9" * 30):
        assert leader_client.get(url + query).context["chosen_round"] is None, query
        csv_url = reverse("surveys:survey_results_csv", args=[answered_survey.pk]) + query
        assert leader_client.get(csv_url).status_code == 200, query


def _csv_rows(client, survey, query=""):
    page = client.get(reverse("surveys:survey_results_csv", args=[survey.pk]) + query)
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(page.content.decode())))


def test_the_csv_never_holds_hidden_counts_and_neutralises_formulas(leader_client, answered_survey):
    header, *rows = _csv_rows(leader_client, answered_survey)
    assert header[:5] == ["question", "domain", "respondents", "answer", "count"]
    by_answer = {(row[0], row[3]): row for row in rows}
    assert by_answer[("When", "'+Mornings")][4] == "hidden"
    assert by_answer[("When", "Evenings")][4] == "hidden"
    assert by_answer[("When", "Prefer not to say")][4] == "30"
    assert by_answer[("'=HYPERLINK(evil)", "Agree")][4] == "6"
    assert by_answer[("'=HYPERLINK(evil)", "Agree")][6] == "4.54"
    small = [row for row in rows if row[0] == "Small question"]
    assert small == [["Small question", "", "fewer than 5", "", "", "", "", ""]]
    counts = {row[4] for row in rows}
    assert not counts & {"1", "3", "20"}  # the hidden figures appear nowhere
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert "secret idea" not in str(rows)


def test_the_csv_of_one_round(leader_client, answered_survey):
    other = RoundFactory(survey=answered_survey)
    _, *rows = _csv_rows(leader_client, answered_survey, f"?round={other.pk}")
    assert {row[2] for row in rows} == {"fewer than 5"}


def _page_queries(client, survey) -> int:
    url = reverse("surveys:survey_results", args=[survey.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _grow(survey, questions: int, rounds: int) -> None:
    for _ in range(rounds):
        survey_round = RoundFactory(survey=survey)
        for kind in ("agreement", "likelihood", "short_text")[:questions]:
            question = QuestionFactory(survey=survey, kind=kind, domain="safety" if kind == "agreement" else "")
            values = ["a", "b", "c", "d", "e"] if kind == "short_text" else [3, 3, 3, 3, 3]
            record(survey_round, question, values)


def test_the_results_page_costs_the_same_queries_with_more_questions_and_rounds(leader_client, record_query_counts):
    survey = SurveyFactory(status="active")
    _grow(survey, questions=3, rounds=1)
    few = _page_queries(leader_client, survey)
    _grow(survey, questions=3, rounds=4)
    many = _page_queries(leader_client, survey)
    record_query_counts("survey results (3q1r / 15q5r)", few, many)
    assert few == many


def test_the_mirrored_page(leader_client, outsider_client):
    participants = _agreement("participants", mirror_key="respect")
    record(RoundFactory(survey=participants.survey), participants, spread({5: 5}))
    page = leader_client.get(reverse("surveys:mirrored_questions"))
    assert page.status_code == 200
    assert "5.00" in page.content.decode()
    assert outsider_client.get(reverse("surveys:mirrored_questions")).status_code == 403

"""The board report's grain (months, quarters, years) for its range, so
that any range up to five years fits one page with legible labels, and its
"who answered": the latest released round of each survey, whatever the
range. The page count itself: tests/e2e/test_board_report_pages.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.figures import support_over_time
from reporting.queries import DashboardData
from reporting.report import grain, report_figures
from reporting.scope import Scope
from tests.reporting.conftest import TODAY, d

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("months", "expected"), [(1, "month"), (12, "month"), (13, "quarter"), (36, "quarter"), (37, "year"), (60, "year")]
)
def test_the_grain_keeps_at_most_twelve_columns(months, expected):
    assert grain(months) == expected


def scope(start: str, end: str = "2026-06-15") -> DashboardData:
    return DashboardData(Scope(start=d(start), end=d(end)), today=TODAY)


def test_months_add_up_into_quarters_and_years(hand_data):
    data = scope("2025-07-01")
    by_month = {row["month"].strftime("%Y-%m"): (row["requests"], row["deliveries"]) for row in data.support_by_month}

    quarters = support_over_time(data, "quarter").table.rows
    years = support_over_time(data, "year").table.rows

    assert [row[0] for row in quarters] == ["Q3 2025", "Q4 2025", "Q1 2026", "Q2 2026"]
    march_quarter = [sum(by_month[m][i] for m in ("2026-01", "2026-02", "2026-03")) for i in (0, 1)]
    assert quarters[2][1:] == march_quarter
    assert [row[0] for row in years] == ["2025", "2026"]
    assert sum(row[1] for row in years) == sum(requests for requests, _ in by_month.values())


def test_who_answered_is_the_latest_released_round_of_each_survey(hand_data):
    # A short range with no round in it still says who answered last.
    figures = {figure.name: figure for figure in report_figures(scope("2026-06-01"))}
    rates = figures["response-rates"].table.rows

    surveys = [row[1] for row in rates]
    assert sorted(surveys) == ["Participant survey", "Partner survey"]
    # The partners' May round is held (4 answers): the released one is February's.
    partner = next(row for row in rates if row[1] == "Partner survey")
    assert partner[0].date() == hand_data.p1.opened_at.date()


def test_the_report_costs_the_same_queries_whatever_the_range(hand_data):
    def queries(start: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            report_figures(scope(start))
        return len(captured)

    assert queries("2026-04-01") == queries("2021-07-01")

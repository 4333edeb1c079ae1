"""What the one-page board report shows: the key figures, then a few
figures made compact enough to print on one A4 page for any period up to
five years (tests/e2e/test_board_report_pages.py counts the pages).
Aggregates only: no partner is named."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .figures import delivered_by_category, request_outcomes, stages_now, support_over_time
from .filters import months_spanned
from .survey_figures import partner_trend, response_rates
from .tables import Figure

if TYPE_CHECKING:
    from .queries import DashboardData

COMPACT_CHART_HEIGHT = 95
# Rounds of the partners' trend shown on paper; the dashboard and its CSV have them all.
LATEST_ROUNDS = 3


def grain(months: int) -> str:
    """Months up to a year, quarters up to three years, years beyond: never
    more than twelve columns, so every label stays legible on paper."""
    if months <= 12:
        return "month"
    return "quarter" if months <= 36 else "year"


def report_figures(data: "DashboardData") -> list[Figure]:
    """Figures for templates/reporting/report.html, in reading order. The
    support table and the stage table are turned on their side to save
    height; "who answered" shows the latest released round of each survey."""
    monthly = support_over_time(data, grain(months_spanned(data.scope.start, data.scope.end)), COMPACT_CHART_HEIGHT)
    monthly.table = monthly.table.transposed()
    monthly.wide = True
    stages = stages_now(data)
    stages.charts, stages.wide = [], True
    stages.table = stages.table.transposed()
    figures = [
        stages,
        monthly,
        delivered_by_category(data, only_used=True, with_charts=False),
        _without_charts(request_outcomes(data)),
    ]
    if data.surveys:
        rates = _without_charts(response_rates(data, data.latest_released_rounds))
        rates.title = _("Who answered: the latest released round of each survey")
        trend = _without_charts(partner_trend(data))
        trend.table.rows = trend.table.rows[-LATEST_ROUNDS:]
        rates.wide = trend.wide = True
        figures += [rates, trend] if trend.table.rows else [rates]  # no trend yet: no empty table on paper
    return figures


def _without_charts(figure: Figure) -> Figure:
    figure.charts = []
    figure.note = ""
    return figure

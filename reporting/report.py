"""What the one-page board report shows: the key figures, then a few
figures made compact enough to print on one A4 page. Aggregates only: no
partner is named."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .figures import delivered_by_category, request_outcomes, stages_now, support_by_month
from .survey_figures import partner_trend, response_rates
from .tables import Figure

if TYPE_CHECKING:
    from .queries import DashboardData

COMPACT_CHART_HEIGHT = 120
# Survey rounds shown on paper; the dashboard and its CSV have them all.
LATEST_ROUNDS = 3
# A longer period keeps its months as rows (and takes more than one page).
MONTHS_ON_ONE_LINE = 12


def report_figures(data: "DashboardData") -> list[Figure]:
    """Figures for templates/reporting/report.html, in reading order.
    Month and stage tables are turned on their side to save height, so that
    a period of up to 12 months prints on one A4 page."""
    monthly = support_by_month(data, height=COMPACT_CHART_HEIGHT)
    if len(monthly.table.rows) <= MONTHS_ON_ONE_LINE:
        monthly.table = monthly.table.transposed()
    monthly.wide = True
    stages = stages_now(data)
    stages.charts, stages.wide = [], True
    stages.table = stages.table.transposed()
    figures = [
        stages,
        monthly,
        delivered_by_category(data, with_charts=False),
        _without_charts(request_outcomes(data)),
    ]
    if data.surveys:
        rates = _without_charts(response_rates(data))
        rates.table.rows = rates.table.rows[-LATEST_ROUNDS:]
        rates.title = _("Who answered: the latest rounds")
        trend = _without_charts(partner_trend(data))
        trend.table.rows = trend.table.rows[-LATEST_ROUNDS:]
        rates.wide = trend.wide = True
        figures += [rates, trend]
    return figures


def _without_charts(figure: Figure) -> Figure:
    figure.charts = []
    figure.note = ""
    return figure

"""The key figures: today's (partners, keep-in-touch, open requests) and
the period's (support, the portal, surveys), each of the period's beside
the same figure for the period of the same length just before. Their
definitions are in docs/metrics.md."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from .tables import Column, Figure, KeyFigure, Table

if TYPE_CHECKING:
    from .queries import DashboardData


def support_key_figures(data: "DashboardData") -> list[KeyFigure]:
    """Fulfilment, time to first delivery, money, hours, unrequested share,
    and what partners said and asked for in the portal."""
    summary, median, totals, portal = data.fulfilment, data.median_days, data.delivery_totals, data.made_in_portal
    met = summary["fulfilled"] + summary["partly_fulfilled"]
    decided = met + summary["declined"]
    return [
        KeyFigure(
            _("Fulfilment rate"),
            summary["fulfilment_rate"],
            "percent",
            _("%(met)s of %(decided)s decided requests met") % {"met": met, "decided": decided},
        ),
        KeyFigure(
            _("Median days to first delivery"),
            median["median"],
            "days",
            _("over %(n)s requests with a delivery") % {"n": median["measured"]},
        ),
        KeyFigure(
            _("Median days to fulfil"),
            data.median_days_to_fulfil["median"],
            "days",
            _("asked to fulfilled, over %(n)s fulfilled requests") % {"n": data.median_days_to_fulfil["measured"]},
        ),
        KeyFigure(_("Money delivered"), totals["money"], "money"),
        KeyFigure(_("Staff hours delivered"), totals["hours"], "hours"),
        KeyFigure(
            _("Delivered without being asked"),
            totals["unrequested_share"],
            "percent",
            _("%(n)s of %(total)s deliveries; lower is better")
            % {"n": totals["unrequested"], "total": totals["deliveries"]},
        ),
        KeyFigure(
            _("Deliveries confirmed by partners"),
            totals["confirmed_share"],
            "percent",
            _("%(n)s of %(total)s deliveries, in the portal; %(missing)s not or only partly received")
            % {"n": totals["confirmed"], "total": totals["deliveries"], "missing": totals["missing"]},
        ),
        KeyFigure(
            _("Requests partners made themselves"),
            portal["share"],
            "percent",
            _("%(n)s of %(total)s requests, in the portal") % {"n": portal["in_portal"], "total": portal["requests"]},
        ),
    ]


def today_figures(data: "DashboardData") -> list[KeyFigure]:
    """How things stand today, whatever the period."""
    stages = data.stages_now
    return [
        KeyFigure(
            _("Active partners"), stages["active"], hint=_("of %(n)s partners") % {"n": stages["total"]}, today=True
        ),
        KeyFigure(_("Past keep-in-touch cadence"), len(data.overdue_partners), hint=_("partners"), today=True),
        KeyFigure(_("Open requests"), data.open_requests["total"], hint=_("still open"), today=True),
    ]


def period_figures(data: "DashboardData") -> list[KeyFigure]:
    """What happened in the period."""
    figures = support_key_figures(data)
    if data.surveys:
        totals = data.survey_totals
        rounds = _("in %(n)s rounds opened in the period") % {"n": totals["rounds"]}
        figures.append(KeyFigure(_("Survey responses"), totals["responses"], hint=rounds))
        released = _("answers in the figures below: released rounds only")
        figures.append(KeyFigure(_("Survey responses shown"), totals["released"], hint=released))
        figures.append(KeyFigure(_("“You said, we did” items"), totals["loop_items"], hint=_("for those rounds")))
    return figures


def key_figures(data: "DashboardData", compare: bool = True) -> list[KeyFigure]:
    """The headline numbers at the top of the dashboard and the board report:
    today's, then the period's, each of those beside the same figure for
    the period of the same length just before (DashboardData.previous)."""
    in_period = period_figures(data)
    if compare:
        for figure, before in zip(in_period, period_figures(data.previous), strict=True):
            figure.previous = before.raw
    return today_figures(data) + in_period


def key_figures_table(data: "DashboardData") -> Figure:
    """The key figures as a table, for the CSV: numbers unformatted, shares as 0–100."""
    rows = [
        [f.label, f.csv, f.previous_csv, _("today") if f.today else _("in the period"), f.hint]
        for f in key_figures(data)
    ]
    columns = [
        Column(_("Figure"), "text"),
        Column(_("Value (rates in %)"), "text"),
        Column(_("The period before"), "text"),
        Column(_("When"), "text"),
        Column(_("Note"), "text"),
    ]
    return Figure("key-figures", _("Key figures"), Table("key-figures", _("Key figures"), columns, rows))

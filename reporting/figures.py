"""Relationship and support figures: the query results of queries.py turned
into charts (charts.py) and tables (tables.py). No queries run here other than
through DashboardData's properties."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from partners.choices import InteractionKind, RequestStatus, Stage, SupportCategory

from .charts import Row, Series, bar_chart, column_chart
from .health import attention_figure
from .key_figures import key_figures_table, support_key_figures
from .tables import LISTED, Column, Figure, Table, format_value

if TYPE_CHECKING:
    from .queries import DashboardData

STAGE_COLOURS = {
    Stage.IDENTIFIED: "#9aa3a8",
    Stage.FIRST_CONTACT: "#56B4E9",
    Stage.BUILDING_TRUST: "#0072B2",
    Stage.COLLABORATING: "#009E73",
    Stage.FORMAL_PARTNERSHIP: "#1d4e2e",
    Stage.PAUSED: "#E69F00",
    Stage.ENDED: "#D55E00",
}
REQUESTS_COLOUR, DELIVERIES_COLOUR, HOURS_COLOUR = "#E69F00", "#0072B2", "#009E73"
AGE_BAND_LABELS = {"0_7": "0–7 days", "8_30": "8–30 days", "31_90": "31–90 days", "over_90": "Over 90 days"}


def _months(rows: list[dict]) -> tuple[list[str], list[str]]:
    """Short month names, and their years, for a column chart's axis."""
    return [date_format(r["month"], "M") for r in rows], [str(r["month"].year) for r in rows]


def stages_by_month(data: "DashboardData") -> Figure:
    rows = data.stages_by_month
    labels, years = _months(rows)
    series = [Series(str(stage.label), [r[stage] for r in rows], STAGE_COLOURS[stage]) for stage in Stage]
    chart = column_chart(
        _("Partners by stage at each month end"),
        _("Stacked columns: the number of partners in each relationship stage at the end of each month."),
        labels,
        series,
        stacked=True,
        years=years,
    )
    columns = [Column(_("Month"), "month"), *[Column(str(stage.label)) for stage in Stage], Column(_("Total"))]
    table_rows = [[r["month"], *[r[stage] for stage in Stage], r["total"]] for r in rows]
    table = Table("stages-by-month", _("Partners by stage at each month end"), columns, table_rows)
    note = _("From the audit history: a partner counts from the day it was added to the CRM.")
    return Figure("stages-by-month", _("Relationships month by month"), table, [chart], note=note, wide=True)


def stages_now(data: "DashboardData") -> Figure:
    counts = data.stages_now
    chart = bar_chart(
        _("Partners by stage today"),
        _("Bars: the number of partners in each relationship stage today."),
        [Row(str(stage.label), [counts[stage]], fills=[STAGE_COLOURS[stage]]) for stage in Stage],
    )
    rows = [[stage.label, counts[stage]] for stage in Stage] + [[_("All partners"), counts["total"]]]
    table = Table("stages-now", _("Partners by stage today"), [Column(_("Stage"), "text"), Column(_("Partners"))], rows)
    return Figure("stages-now", _("Relationships today"), table, [chart])


def overdue_figure(data: "DashboardData") -> Figure:
    """Every partner past keep-in-touch in the CSV; the LISTED silent
    longest on the page, with a link to all of them in the partner list."""
    partners = data.overdue_partners
    columns = [
        Column(_("Partner"), "text"),
        Column(_("Stage"), "text"),
        Column(_("Last contact"), "date"),
        Column(_("Days since contact")),
        Column(_("Aim: in touch every (days)")),
    ]
    stage_labels = {stage.value: str(stage.label) for stage in Stage}
    rows = [
        # last_contact and days_since_contact: annotated by OrganizationQuerySet.with_contact_figures()
        [p.name, stage_labels[p.stage], p.last_contact, p.days_since_contact, p.keep_in_touch_days]  # type: ignore[attr-defined]
        for p in partners
    ]
    table = Table(
        "overdue-partners", _("Partners past their keep-in-touch cadence today"), columns, rows, listed=LISTED
    )
    table.links = [p.get_absolute_url() for p in partners[:LISTED]]
    note = _("Partners in a relationship we have not been in touch with as often as we aimed to, as of today.")
    more = None
    if table.unlisted:
        note += " " + _("The %(shown)s silent longest of %(n)s are listed here; the CSV has them all.") % {
            "shown": LISTED,
            "n": len(rows),
        }
        more = data.scope.partner_list_link(len(rows), is_overdue="true")
    return Figure("overdue-partners", _("Past keep-in-touch cadence"), table, note=note, more=more)


def lived_experience(data: "DashboardData") -> Figure:
    rows = data.by_lived_experience
    labels = {True: _("Led by people with lived experience"), False: _("Others")}
    columns = [
        Column(_("Partners"), "text"),
        Column(_("Partners today")),
        Column(_("Active today")),
        Column(_("Requests made")),
        Column(_("Deliveries given")),
        Column(_("Money delivered"), "money"),
    ]
    table_rows = [
        [labels[r["led"]], r["partners"], r["active"], r["requests"], r["deliveries"], r["money"]] for r in rows
    ]
    table = Table(
        "lived-experience", _("Partners led by people with lived experience, and the others"), columns, table_rows
    )
    note = _("Requests, deliveries and money in the period; partners as they are today.")
    return Figure("lived-experience", _("Who leads our partners"), table, note=note, wide=True)


def interactions_by_month(data: "DashboardData", title: str = "") -> Figure:
    rows = data.interactions_by_month
    labels, years = _months(rows)
    series = [Series(str(kind.label), [r[kind] for r in rows]) for kind in InteractionKind]
    chart = column_chart(
        _("Interactions per month, by kind"),
        _("Stacked columns: interactions logged each month, split by kind."),
        labels,
        series,
        stacked=True,
        years=years,
    )
    columns = [Column(_("Month"), "month"), *[Column(str(kind.label)) for kind in InteractionKind], Column(_("Total"))]
    table_rows = [[r["month"], *[r[kind] for kind in InteractionKind], r["total"]] for r in rows]
    table = Table("interactions-by-month", _("Interactions per month, by kind"), columns, table_rows)
    return Figure("interactions-by-month", title or _("Interactions"), table, [chart], wide=True)


def support_by_month(data: "DashboardData", height: int = 220) -> Figure:
    return support_over_time(data, "month", height)


# How the board report groups a long period so that it fits one page.
GRAINS = {
    "month": (_lazy("Month"), _lazy("Requests and deliveries per month"), _lazy("Asked and delivered, month by month")),
    "quarter": (
        _lazy("Quarter"),
        _lazy("Requests and deliveries per quarter"),
        _lazy("Asked and delivered, quarter by quarter"),
    ),
    "year": (_lazy("Year"), _lazy("Requests and deliveries per year"), _lazy("Asked and delivered, year by year")),
}


def _periods(rows: list[dict], grain: str) -> list[dict]:
    """Monthly rows added up into quarters or years, in order, each with its
    axis label, the year under it, and the label of its table row."""
    grouped: dict[tuple, dict] = {}
    for row in rows:
        month = row["month"]
        key: tuple
        if grain == "month":
            key, label, under, name = (month,), date_format(month, "M"), str(month.year), month
        elif grain == "quarter":
            quarter = (month.month - 1) // 3 + 1
            key, label, under, name = (month.year, quarter), f"Q{quarter}", str(month.year), f"Q{quarter} {month.year}"
        else:
            key, label, under, name = (month.year,), str(month.year), "", str(month.year)
        period = grouped.setdefault(key, {"label": label, "under": under, "name": name, "requests": 0, "deliveries": 0})
        period["requests"] += row["requests"]
        period["deliveries"] += row["deliveries"]
    return list(grouped.values())


def support_over_time(data: "DashboardData", grain: str = "month", height: int = 220) -> Figure:
    periods = _periods(data.support_by_month, grain)
    period_label, caption, title = (str(text) for text in GRAINS[grain])
    series = [
        Series(_("Requests made"), [p["requests"] for p in periods], REQUESTS_COLOUR),
        Series(_("Deliveries given"), [p["deliveries"] for p in periods], DELIVERIES_COLOUR),
    ]
    chart = column_chart(
        caption,
        _("Grouped columns: support requests made and deliveries given in each period."),
        [p["label"] for p in periods],
        series,
        years=[p["under"] for p in periods] if grain != "year" else (),
        height=height,
    )
    columns = [
        Column(period_label, "month" if grain == "month" else "text"),
        Column(_("Requests made")),
        Column(_("Deliveries given")),
    ]
    table_rows = [[p["name"], p["requests"], p["deliveries"]] for p in periods]
    return Figure("support-by-month", title, Table("support-by-month", caption, columns, table_rows), [chart])


def _categories(data: "DashboardData", only_used: bool) -> list[dict]:
    rows = data.support_by_category
    if only_used:
        rows = [r for r in rows if r["requests"] or r["deliveries"]]
    return rows


def requests_by_category(data: "DashboardData", only_used: bool = False) -> Figure:
    rows = _categories(data, only_used)
    chart = bar_chart(
        _("Requests and deliveries by category"),
        _("Paired bars per support category: requests made and deliveries given."),
        [Row(str(SupportCategory(r["category"]).label), [r["requests"], r["deliveries"]]) for r in rows],
        series=[_("Requests made"), _("Deliveries given")],
        colours=[REQUESTS_COLOUR, DELIVERIES_COLOUR],
    )
    columns = [
        Column(_("Category"), "text"),
        Column(_("Requests made")),
        Column(_("Deliveries given")),
        Column(_("Deliveries nobody asked for")),
    ]
    table_rows = [
        [SupportCategory(r["category"]).label, r["requests"], r["deliveries"], r["unrequested"]] for r in rows
    ]
    table = Table("support-by-category", _("Requests and deliveries by category"), columns, table_rows)
    return Figure("support-by-category", _("Asked and delivered, by category"), table, [chart])


def delivered_by_category(data: "DashboardData", only_used: bool = False, with_charts: bool = True) -> Figure:
    rows = _categories(data, only_used)
    labels = [str(SupportCategory(r["category"]).label) for r in rows]
    charts = []
    if with_charts:
        money = [
            Row(label, [float(r["money"])], texts=[format_value(r["money"], "money")])
            for label, r in zip(labels, rows, strict=True)
        ]
        hours = [
            Row(label, [float(r["hours"])], texts=[format_value(r["hours"], "hours")], fills=[HOURS_COLOUR])
            for label, r in zip(labels, rows, strict=True)
        ]
        charts = [
            bar_chart(_("Money delivered by category"), _("Bars: money delivered in each support category."), money),
            bar_chart(_("Staff hours by category"), _("Bars: staff hours given in each support category."), hours),
        ]
    columns = [Column(_("Category"), "text"), Column(_("Money delivered"), "money"), Column(_("Staff hours"), "hours")]
    table_rows = [[label, r["money"], r["hours"]] for label, r in zip(labels, rows, strict=True)]
    table = Table("delivered-by-category", _("Money and staff hours delivered by category"), columns, table_rows)
    return Figure("delivered-by-category", _("Money and hours delivered"), table, charts)


def request_outcomes(data: "DashboardData") -> Figure:
    summary = data.fulfilment
    decided_or_withdrawn = (
        summary["fulfilled"] + summary["partly_fulfilled"] + summary["declined"] + summary["withdrawn"]
    )
    outcomes = [
        (str(RequestStatus.FULFILLED.label), summary["fulfilled"]),
        (str(RequestStatus.PARTLY_FULFILLED.label), summary["partly_fulfilled"]),
        (str(RequestStatus.DECLINED.label), summary["declined"]),
        (str(RequestStatus.WITHDRAWN.label), summary["withdrawn"]),
        (_("Not decided yet"), summary["total"] - decided_or_withdrawn),
    ]
    chart = bar_chart(
        _("Requests by outcome"),
        _("Bars: requests made in the period, by what became of them."),
        [Row(label, [count]) for label, count in outcomes],
    )
    table = Table(
        "request-outcomes",
        _("Requests made in the period, by outcome"),
        [Column(_("Outcome"), "text"), Column(_("Requests"))],
        [[label, count] for label, count in outcomes] + [[_("All requests"), summary["total"]]],
    )
    note = _(
        "Fulfilment rate: the requests fulfilled or partly fulfilled, "
        "out of those fulfilled, partly fulfilled or declined."
    )
    return Figure("request-outcomes", _("What became of the requests"), table, [chart], note=note)


def open_requests(data: "DashboardData") -> Figure:
    bands = data.open_requests
    labels = [_(AGE_BAND_LABELS[key]) for key in AGE_BAND_LABELS]
    chart = column_chart(
        _("Open requests by age"),
        _("Columns: requests still open today, by how many days they have been open."),
        labels,
        [Series(_("Open requests"), [bands[key] for key in AGE_BAND_LABELS], "#8a4500")],
    )
    rows = [[label, bands[key]] for label, key in zip(labels, AGE_BAND_LABELS, strict=True)]
    table = Table(
        "open-requests-by-age",
        _("Requests still open today, by days open"),
        [Column(_("Days open"), "text"), Column(_("Open requests"))],
        [*rows, [_("All open requests"), bands["total"]]],
    )
    note = _("Requests made up to the end of the period and still open today.")
    return Figure("open-requests-by-age", _("Open requests by age"), table, [chart], note=note)


# --- what the page, the report and the exports show ---------------------------

# Each builds one figure from the dashboard's data (some take optional extras).
FigureBuilder = Callable[["DashboardData"], Figure]

RELATIONSHIP_FIGURES: dict[str, FigureBuilder] = {
    "stages-by-month": stages_by_month,
    "stages-now": stages_now,
    "overdue-partners": overdue_figure,
    "needs-attention": attention_figure,
    "lived-experience": lived_experience,
    "interactions-by-month": interactions_by_month,
}
SUPPORT_FIGURES: dict[str, FigureBuilder] = {
    "support-by-month": support_by_month,
    "support-by-category": requests_by_category,
    "delivered-by-category": delivered_by_category,
    "request-outcomes": request_outcomes,
    "open-requests-by-age": open_requests,
}


def _survey_figures() -> dict:
    from . import survey_figures

    return {
        "response-rates": survey_figures.response_rates,
        "domain-scores": survey_figures.domain_scores,
        "partner-trend": survey_figures.partner_trend,
        "mirrored-questions": survey_figures.mirrored,
    }


def figure_builders(surveys: bool) -> dict:
    """Every exportable figure by name; survey figures only for users who may see results."""
    builders = {"key-figures": key_figures_table, **RELATIONSHIP_FIGURES, **SUPPORT_FIGURES}
    return builders | (_survey_figures() if surveys else {})


def dashboard_sections(data: "DashboardData") -> list[dict]:
    """The page's sections, each a heading and its figures, in reading order."""
    sections = [
        {
            "id": "relationships",
            "title": _("Relationships"),
            "figures": [b(data) for b in RELATIONSHIP_FIGURES.values()],
        },
        {
            "id": "support",
            "title": _("Support asked for and delivered"),
            "figures": [b(data) for b in SUPPORT_FIGURES.values()],
        },
    ]
    if data.surveys:
        figures = [b(data) for b in _survey_figures().values()]
        sections.append({"id": "surveys", "title": _("What people tell us"), "figures": figures})
    return sections


def partner_panel_figures(data: "DashboardData") -> dict:
    """One partner's figures for the partner page (see partner_panel.py)."""
    return {
        "start": data.scope.start,
        "end": data.scope.end,
        "key_figures": support_key_figures(data),
        "figures": [
            interactions_by_month(data),
            support_by_month(data),
            requests_by_category(data, only_used=True),
            delivered_by_category(data, only_used=True, with_charts=False),
        ],
    }

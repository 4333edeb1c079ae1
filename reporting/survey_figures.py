"""Survey figures: the released units of survey_queries.py as charts and
tables, and participation per round. Every value shown is about at least k
people (docs/privacy.md); an audience with no released answers to a
mirrored question is left blank, never drawn."""

from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from surveys.choices import Audience, Domain

from .charts import PALETTE, Row, Series, bar_chart, line_chart
from .tables import Column, Figure, Table, format_value

if TYPE_CHECKING:
    from .queries import DashboardData

AUDIENCE_COLOURS = {Audience.PARTICIPANTS: PALETTE[0], Audience.PARTNERS: PALETTE[1], Audience.STAFF: PALETTE[2]}
# Older rounds lighter, the latest darkest.
ROUND_SHADES = ["#a6cee3", "#5fa2ce", "#1f78b4", "#08306b"]


def _round_label(opened_at) -> str:
    return date_format(opened_at, "j M Y")


def response_rates(data: "DashboardData", rows: list[dict] | None = None) -> Figure:
    """Participation per round: the period's rounds, or the `rows` given."""
    rows = data.rounds if rows is None else rows
    chart_rows = []
    for r in rows:
        label = f"{Audience(r['audience']).label} · {_round_label(r['round'].opened_at)}"
        if r["rate"] is None:
            chart_rows.append(Row(label, [None]))
        else:
            text = f"{format_value(r['rate'], 'percent')} ({r['answered']} / {r['invited']})"
            chart_rows.append(Row(label, [r["rate"] * 100], texts=[text], fills=[AUDIENCE_COLOURS[r["audience"]]]))
    chart = bar_chart(
        _("Response rate per round"),
        _(
            "Bars: the share of people invited by private link or printed card who answered, per survey round "
            "and audience."
        ),
        chart_rows,
        maximum=100,
        hidden_text=_("nobody invited by private link"),
    )
    columns = [
        Column(_("Round opened"), "date"),
        Column(_("Survey"), "text"),
        Column(_("Audience"), "text"),
        Column(_("Invited")),
        Column(_("Answered (private link)")),
        Column(_("Response rate"), "percent"),
        Column(_("Answered (shared link)")),
    ]
    table_rows = [
        [
            r["round"].opened_at,
            r["round"].survey.title,
            Audience(r["audience"]).label,
            r["invited"],
            r["answered"],
            r["rate"],
            r["shared"],
        ]
        for r in rows
    ]
    table = Table("response-rates", _("Response rate per round and audience"), columns, table_rows)
    return Figure("response-rates", _("Who answered"), table, [chart] if rows else [], wide=True)


def domain_scores(data: "DashboardData") -> Figure:
    rows = data.domain_scores
    charts = []
    for audience in Audience:
        mine = [r for r in rows if r["audience"] == audience]
        columns = sorted({r["column"] for r in mine}, key=lambda c: (c.opened_at, c.key))[-len(ROUND_SHADES) :]
        if not columns:
            continue
        means = {(r["domain"], r["column"].key): r["mean"] for r in mine}
        domains = [d for d in Domain if any((d, c.key) in means for c in columns)]
        chart_rows = [Row(str(domain.label), [means.get((domain, c.key)) for c in columns]) for domain in domains]
        charts.append(
            bar_chart(
                _("%(audience)s: wellbeing domains by round") % {"audience": audience.label},
                _("Bars per wellbeing domain, one per released round: average agreement from 1 to 5."),
                chart_rows,
                series=[c.label for c in columns],
                maximum=5,
                fmt=lambda v: f"{v:.1f}",
                hidden_text=_("not asked"),
                colours=ROUND_SHADES[-len(columns) :],
            )
        )
    columns = [
        Column(_("Audience"), "text"),
        Column(_("Wellbeing domain"), "text"),
        Column(_("Round opened"), "date"),
        Column(_("Rounds"), "text"),
        Column(_("Average (1 to 5)"), "score"),
        Column(_("People")),
    ]
    table_rows = [
        [
            Audience(r["audience"]).label,
            Domain(r["domain"]).label,
            r["column"].opened_at,
            r["column"].label,
            r["mean"],
            r["people"],
        ]
        for r in rows
    ]
    table = Table("domain-scores", _("Average agreement by wellbeing domain, audience and round"), columns, table_rows)
    return Figure("domain-scores", _("Wellbeing domains"), table, charts, wide=True)


def partner_trend(data: "DashboardData") -> Figure:
    rows = data.partner_trend
    labels = [date_format(r["column"].opened_at, "j M") for r in rows]
    years = [str(r["column"].opened_at.year) for r in rows]
    chart = line_chart(
        _("Partners' 0 to 10 answers, round by round"),
        _("A line: the average of partner organizations' 0 to 10 answers in each released round."),
        labels,
        [Series(_("Average, 0 to 10"), [r["mean"] for r in rows], PALETTE[1])],
        low=0,
        high=10,
        years=years,
        fmt=lambda v: f"{v:.1f}".rstrip("0").rstrip("."),
    )
    columns = [
        Column(_("Round opened"), "date"),
        Column(_("Rounds"), "text"),
        Column(_("Survey"), "text"),
        Column(_("Average (0 to 10)"), "score"),
        Column(_("People")),
    ]
    table_rows = [
        [r["column"].opened_at, r["column"].label, r["column"].survey_title, r["mean"], r["people"]] for r in rows
    ]
    table = Table("partner-trend", _("Partner organizations' 0 to 10 answers per round"), columns, table_rows)
    return Figure("partner-trend", _("Partners' 0 to 10 trend"), table, [chart] if rows else [])


def mirrored(data: "DashboardData") -> Figure:
    rows = data.mirrored
    chart = bar_chart(
        _("The same question, three audiences"),
        _("Bars per mirrored question, one per audience: the average answer on the question's scale."),
        [
            Row(
                r["text"],
                [r["means"].get(a) for a in Audience],
                texts=[_scored(r["means"].get(a), r["scale"]) for a in Audience],
                maximum=r["scale"],
            )
            for r in rows
        ],
        series=[str(a.label) for a in Audience],
        hidden_text=_("not asked, or no released answers"),
        colours=[AUDIENCE_COLOURS[a] for a in Audience],
    )
    columns = [
        Column(_("Question"), "text"),
        Column(_("Scale"), "text"),
        *[Column(str(audience.label), "score") for audience in Audience],
    ]
    table_rows = [
        [r["text"], f"1–{r['scale']}" if r["scale"] == 5 else "0–10", *[r["means"].get(a) for a in Audience]]
        for r in rows
    ]
    table = Table(
        "mirrored-questions", _("The same question asked of each audience: average answer"), columns, table_rows
    )
    return Figure("mirrored-questions", _("Mirrored questions"), table, [chart] if rows else [], wide=True)


def _scored(mean, scale: int) -> str:
    return "" if mean is None else f"{mean:.1f} / {scale}"

"""Survey figures: the suppressed results of survey_queries.py as charts and
tables. A hidden figure is drawn as the word "hidden", never as a bar."""

from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from surveys.choices import Audience, Domain
from surveys.services.suppression import min_responses

from .charts import PALETTE, Row, Series, bar_chart, line_chart
from .tables import Column, Figure, Table, format_value, hide_none

if TYPE_CHECKING:
    from .queries import DashboardData

AUDIENCE_COLOURS = {Audience.PARTICIPANTS: PALETTE[0], Audience.PARTNERS: PALETTE[1], Audience.STAFF: PALETTE[2]}
# Older rounds lighter, the latest darkest.
ROUND_SHADES = ["#a6cee3", "#5fa2ce", "#1f78b4", "#08306b"]


def _hidden_text() -> str:
    return _("hidden: too few answers to show safely (under %(k)s, or small groups)") % {"k": min_responses()}


def _round_label(opened_at) -> str:
    return date_format(opened_at, "j M Y")


def response_rates(data: "DashboardData") -> Figure:
    rows = data.rounds
    chart_rows = []
    for r in rows:
        label = f"{Audience(r['audience']).label} · {_round_label(r['round'].opened_at)}"
        if r["rate"] is None:
            chart_rows.append(Row(label, [None]))
        else:
            text = f"{format_value(r['rate'], 'percent')} ({r['responded']} / {r['invited']})"
            chart_rows.append(Row(label, [r["rate"] * 100], texts=[text], fills=[AUDIENCE_COLOURS[r["audience"]]]))
    chart = bar_chart(
        _("Response rate per round"),
        _("Bars: the share of people invited by private link who answered, per survey round and audience."),
        chart_rows,
        maximum=100,
        hidden_text=_hidden_text(),
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
            hide_none(r["responded"]),
            hide_none(r["rate"]) if r["invited"] else None,
            hide_none(r["shared"]),
        ]
        for r in rows
    ]
    table = Table("response-rates", _("Response rate per round and audience"), columns, table_rows)
    return Figure("response-rates", _("Who answered"), table, [chart] if rows else [], wide=True)


def domain_scores(data: "DashboardData") -> Figure:
    rows = data.domain_scores
    rounds = {r["round"].pk: r["round"] for r in data.rounds}
    charts = []
    for audience in Audience:
        mine = [r for r in rows if r["audience"] == audience]
        round_ids = sorted({r["round_id"] for r in mine}, key=lambda pk: rounds[pk].opened_at)[-len(ROUND_SHADES) :]
        if not round_ids:
            continue
        means = {(r["domain"], r["round_id"]): r["mean"] for r in mine}
        domains = [d for d in Domain if any((d, pk) in means for pk in round_ids)]
        shades = ROUND_SHADES[-len(round_ids) :]
        chart_rows = [Row(domain.label, [means.get((domain, pk)) for pk in round_ids]) for domain in domains]
        charts.append(
            bar_chart(
                _("%(audience)s: wellbeing domains by round") % {"audience": audience.label},
                _("Bars per wellbeing domain, one per round: average agreement from 1 to 5."),
                chart_rows,
                series=[_round_label(rounds[pk].opened_at) for pk in round_ids],
                maximum=5,
                fmt=lambda v: f"{v:.1f}",
                hidden_text=_hidden_text(),
                colours=shades,
            )
        )
    columns = [
        Column(_("Audience"), "text"),
        Column(_("Wellbeing domain"), "text"),
        Column(_("Round opened"), "date"),
        Column(_("Average (1 to 5)"), "score"),
        Column(_("People")),
    ]
    table_rows = [
        [
            Audience(r["audience"]).label,
            Domain(r["domain"]).label,
            rounds[r["round_id"]].opened_at,
            hide_none(r["mean"]),
            hide_none(r["people"]),
        ]
        for r in rows
    ]
    table = Table("domain-scores", _("Average agreement by wellbeing domain, audience and round"), columns, table_rows)
    return Figure("domain-scores", _("Wellbeing domains"), table, charts, wide=True)


def partner_trend(data: "DashboardData") -> Figure:
    rows = data.partner_trend
    labels = [date_format(r["opened_at"], "j M") for r in rows]
    years = [str(r["opened_at"].year) for r in rows]
    chart = line_chart(
        _("Partners' 0 to 10 answers, round by round"),
        _("A line: the average of partner organizations' 0 to 10 answers in each round."),
        labels,
        [Series(_("Average, 0 to 10"), [r["mean"] for r in rows], PALETTE[1])],
        low=0,
        high=10,
        years=years,
        fmt=lambda v: f"{v:.1f}".rstrip("0").rstrip("."),
        hidden_text=_hidden_text(),
    )
    columns = [
        Column(_("Round opened"), "date"),
        Column(_("Survey"), "text"),
        Column(_("Average (0 to 10)"), "score"),
        Column(_("People")),
    ]
    table_rows = [[r["opened_at"], r["survey"], hide_none(r["mean"]), hide_none(r["people"])] for r in rows]
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
        series=[a.label for a in Audience],
        hidden_text=_("hidden or not asked"),
        colours=[AUDIENCE_COLOURS[a] for a in Audience],
    )
    columns = [
        Column(_("Question"), "text"),
        Column(_("Scale"), "text"),
        *[Column(audience.label, "score") for audience in Audience],
    ]
    table_rows = [
        [r["text"], f"1–{r['scale']}" if r["scale"] == 5 else "0–10", *[_cell(r["means"], a) for a in Audience]]
        for r in rows
    ]
    table = Table(
        "mirrored-questions", _("The same question asked of each audience: average answer"), columns, table_rows
    )
    return Figure("mirrored-questions", _("Mirrored questions"), table, [chart] if rows else [], wide=True)


def _scored(mean, scale: int) -> str:
    return "" if mean is None else f"{mean:.1f} / {scale}"


def _cell(means: dict, audience: str):
    """Not asked of this audience: no value. Asked but suppressed: hidden."""
    if audience not in means:
        return None
    return hide_none(means[audience])

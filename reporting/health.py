"""Relationship health on the dashboard: the partners needing attention
today, each with the reasons (the signals are defined once, in
partners/health.py), and how partners as a group rate the relationship.

The group's rating comes only from released, anonymous units of partner
surveys (survey_queries.partner_likelihood_trend over the dashboard's
released units): never from any one partner's answers, and a held round
changes nothing (docs/privacy.md, "The release rule"). The panel names
partners, as the keep-in-touch figure does: the board report, which goes
outside, leaves it out (report.py)."""

from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partners.health import attention
from partners.models import Organization

from .tables import LISTED, Column, Figure, Table

if TYPE_CHECKING:
    from .queries import DashboardData


def group_rating(data: "DashboardData") -> dict | None:
    """The latest released round (or pooled rounds) of partner surveys in
    the dashboard's period: the mean of every 0 to 10 answer in it, how many
    people gave one, and when it opened. None for a user who may not see
    survey results, or when no partner round in the period was released. No
    query of its own beyond the dashboard's released units."""
    if not data.surveys:
        return None
    rows = data.partner_trend
    if not rows:
        return None
    latest = max(rows, key=lambda row: row["column"].opened_at)
    return {"mean": latest["mean"], "people": latest["people"], "opened_at": latest["column"].opened_at}


def group_rating_line(rating: dict | None) -> str:
    if rating is None:
        return ""
    return _(
        "Partners as a group: %(mean).1f/10 on average on the 0 to 10 questions "
        "(latest released round, opened %(opened)s, %(people)s people)."
    ) % {"mean": rating["mean"], "opened": date_format(rating["opened_at"], "j M Y"), "people": rating["people"]}


def attention_figure(data: "DashboardData") -> Figure:
    """Partners in scope needing attention today, by name, with the reasons:
    the LISTED with the most signals, as a long list is the partner
    list's job. Five queries, whatever the number of partners (the ones past
    keep-in-touch are the dashboard's own figure)."""
    found = attention(
        Organization.objects.filter(data.scope.organizations()).select_related("relationship_lead"),
        data.today,
        limit=LISTED,
        overdue={partner.pk for partner in data.overdue_partners},
    )
    partners = sorted(found.partners, key=lambda p: -len(p.health_signals))  # type: ignore[attr-defined]
    columns = [
        Column(_("Partner"), "text"),
        Column(_("Stage"), "text"),
        Column(_("Lead"), "text"),
        Column(_("Why"), "text"),
    ]
    rows = [
        [
            p.name,
            p.get_stage_display(),
            (p.relationship_lead.get_full_name() or p.relationship_lead.get_username()) if p.relationship_lead else "",
            "; ".join(signal.reason for signal in p.health_signals),  # type: ignore[attr-defined]
        ]
        for p in partners
    ]
    table = Table("needs-attention", _("Partnerships needing attention today"), columns, rows)
    table.links = [p.get_absolute_url() for p in partners]
    note = _(
        "Partners with at least one signal on today: keep-in-touch slipping, requests waiting longer than usual, "
        "deliveries they said did not arrive, follow-ups overdue."
    )
    more = None
    if found.count > LISTED:
        note += " " + _("%(n)s partners need attention; the %(shown)s with the most signals are listed here.") % {
            "n": found.count,
            "shown": LISTED,
        }
        more = data.scope.partner_list_link(found.count, needs_attention="true")
    if line := group_rating_line(group_rating(data)):
        note = f"{note} {line}"
    return Figure("needs-attention", _("Partnerships needing attention"), table, note=note, wide=True, more=more)

"""{% partner_panel organization %}: the partner page shows reporting's
figures for one partner without the partners app importing reporting."""

from django import template

from ..partner_panel import partner_panel as panel_of

register = template.Library()


@register.inclusion_tag("reporting/_partner_panel.html")
def partner_panel(organization) -> dict:
    return {"panel": panel_of(organization)}

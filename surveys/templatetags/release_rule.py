"""The release rule in one sentence, with a link to the whole of it, for
every page that shows survey results (results, comparison, dashboard)."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("surveys/_release_rule_hint.html")
def release_rule_hint() -> dict:
    return {"k": settings.SURVEY_MIN_RESPONSES, "k_shared": settings.SURVEY_MIN_SHARED_RESPONSES}

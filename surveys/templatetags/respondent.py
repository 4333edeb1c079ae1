from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def quick_exit_url() -> str:
    """Where "Leave this page" goes on the respondent's pages: a neutral site."""
    return settings.QUICK_EXIT_URL

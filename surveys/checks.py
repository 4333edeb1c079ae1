"""`manage.py check --deploy` for the survey emails."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def check_organization_name(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Survey emails name the organization in their sender and their text;
    the demo's name would tell participants nothing, or something wrong."""
    if settings.ORGANIZATION_NAME == settings.DEMO_ORGANIZATION_NAME:
        return [
            checks.Warning(
                "ORGANIZATION_NAME is the demo's: survey emails would come from it.",
                hint="Set ORGANIZATION_NAME to the name participants know you by.",
                id="surveys.W001",
            )
        ]
    return []

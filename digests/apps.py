from django.apps import AppConfig


class DigestsConfig(AppConfig):
    """Digest emails: a daily one to each relationship lead, a monthly one to
    leadership. This app sends them; what they say comes from the app that
    holds the data (partners.follow_ups, reporting.monthly)."""

    name = "digests"
    verbose_name = "Digest emails"

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Leadership's figures: the dashboard, its CSVs, the board report, the
    figures panel of a partner's page and the monthly digest's content."""

    name = "reporting"
    verbose_name = "Dashboard and reports"

"""The figures panel of a partner's page: its relationship and support
figures over the last 12 months, by the dashboard's own queries."""

import datetime

from django.utils import timezone

from partners.models import Organization

from .figures import partner_panel_figures
from .filters import default_period
from .queries import DashboardData
from .scope import Scope


def partner_panel(organization: Organization, today: datetime.date | None = None) -> dict:
    """Ready for templates/reporting/_partner_panel.html. Five queries:
    interactions (and the meetings it was "also with"), requests, deliveries
    (each counted by month and category, and added up into every support
    figure), and the two medians of days."""
    start, end = default_period(today or timezone.localdate())
    scope = Scope(start=start, end=end, organization=organization)
    return partner_panel_figures(DashboardData(scope, today=today, surveys=False))

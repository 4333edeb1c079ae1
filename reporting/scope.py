"""What a figure is about: a period and a set of partners (Scope), and the
date arithmetic every figure of the dashboard shares."""

import datetime
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Organization

from .tables import Link


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def start_of_day(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@dataclass(frozen=True)
class Scope:
    """What the figures are about: a period (both ends included), and either
    every partner, the partners of one kind and/or led or not by people with
    lived experience, or one partner."""

    start: datetime.date
    end: datetime.date
    kind: str = ""
    organization: Organization | None = None
    # Only partners led (True) or not led (False) by people with lived experience.
    lived_experience: bool | None = None

    def partners(self, path: str = "organization") -> Q:
        """Rows that belong to the partners in scope, through the foreign key `path`."""
        if self.organization is not None:
            return Q(**{path: self.organization.pk})
        return self.organizations(prefix=f"{path}__")

    def organizations(self, prefix: str = "") -> Q:
        if self.organization is not None:
            return Q(**{f"{prefix}pk": self.organization.pk})
        chosen = Q()
        if self.kind:
            chosen &= Q(**{f"{prefix}kind": self.kind})
        if self.lived_experience is not None:
            chosen &= Q(**{f"{prefix}lived_experience_led": self.lived_experience})
        return chosen

    def partner_list_link(self, count: int, **filters: str) -> Link:
        """A link to all `count` partners of a list the dashboard shortens:
        the partner list showing the partners in scope (all of one kind, led
        or not by people with lived experience), with `filters` on top."""
        query = dict(filters)
        if self.kind:
            query["kind"] = self.kind
        if self.lived_experience is not None:
            query["lived_experience_led"] = "true" if self.lived_experience else "false"
        url = f"{reverse('partners:organization_list')}?{urlencode(query)}"
        return Link(_("All %(n)s in the partner list") % {"n": count}, url)

    @property
    def previous(self) -> "Scope":
        """The period of the same length just before this one, for the same partners."""
        end = self.start - datetime.timedelta(days=1)
        return replace(self, start=end - (self.end - self.start), end=end)

    @property
    def months(self) -> list[datetime.date]:
        """The first day of each month the period touches."""
        months, month = [], first_of_month(self.start)
        while month <= self.end:
            months.append(month)
            month = next_month(month)
        return months

    def month_end(self, month: datetime.date) -> datetime.date:
        """The last day of `month` inside the period."""
        return min(next_month(month) - datetime.timedelta(days=1), self.end)

    @property
    def opened_between(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as [start, end) moments, for datetime columns."""
        return start_of_day(self.start), start_of_day(self.end + datetime.timedelta(days=1))

"""The dashboard's filter: a period and, optionally, a kind of partner."""

import datetime

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core import dates
from partners.choices import OrganizationKind

from .scope import Scope, first_of_month

DEFAULT_MONTHS = 12
# Each month is a column of the stage-by-month query: keep that query small.
MAX_MONTHS = 60


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last 12 months up to today: from the first day of the month eleven
    months ago (so the period has 12 monthly columns, the current one partial)."""
    month = first_of_month(today)
    for _month in range(DEFAULT_MONTHS - 1):
        month = first_of_month(month - datetime.timedelta(days=1))
    return month, today


def months_spanned(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__({**dates.INPUT_ATTRIBUTES, **(attrs or {})}, format="%Y-%m-%d")


def date_field(label) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput, input_formats=["%Y-%m-%d"], validators=dates.VALIDATORS)


LED_CHOICES = [
    ("yes", _("Led by people with lived experience")),
    ("no", _("Not led by people with lived experience")),
]


class DashboardFilterForm(forms.Form):
    start = date_field(_("From"))
    end = date_field(_("To"))
    kind = forms.ChoiceField(
        label=_("Kind of partner"),
        choices=[("", _("All kinds")), *OrganizationKind.choices],
        required=False,
        help_text=_("Applies to partner figures; survey answers are anonymous."),
    )
    led = forms.ChoiceField(
        label=_("Who leads them"),
        choices=[("", _("Anyone")), *LED_CHOICES],
        required=False,
        help_text=_("Partners led by people with lived experience, or not."),
    )

    @classmethod
    def from_query(cls, query: QueryDict, today: datetime.date) -> "DashboardFilterForm":
        """Always bound: a missing or empty date takes the default period's."""
        start, end = default_period(today)
        data = {
            "start": query.get("start") or start.isoformat(),
            "end": query.get("end") or end.isoformat(),
            "kind": query.get("kind", ""),
            "led": query.get("led", ""),
        }
        return cls(data)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end date must be on or after the start date."))
            elif months_spanned(start, end) > MAX_MONTHS:
                self.add_error("end", _("Choose a period of five years or less."))
        return cleaned

    def scope(self) -> Scope:
        """The filtered period and kind; only for a valid form."""
        data = self.cleaned_data
        led = {"yes": True, "no": False}.get(data["led"])
        return Scope(start=data["start"], end=data["end"], kind=data["kind"], lived_experience=led)

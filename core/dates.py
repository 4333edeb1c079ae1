"""The dates a person may ask for. Python's dates end in the year 9999: a
period ending on 31 December 9999 has no "day after", and the figures of
a period are computed with one. Dates typed into filters are kept to years
no record of this product can have, well inside that."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)

VALIDATORS = [
    MinValueValidator(EARLIEST, message=_("Choose a date in 1900 or later.")),
    MaxValueValidator(LATEST, message=_("Choose a date before the year 3000.")),
]
# For <input type="date">: the browser's date picker keeps to the same years.
INPUT_ATTRIBUTES = {"min": EARLIEST.isoformat(), "max": LATEST.isoformat()}


def first_day_of_records() -> datetime.date:
    """No record is older than the organization (settings.ORGANIZATION_FOUNDED_YEAR)."""
    return datetime.date(settings.ORGANIZATION_FOUNDED_YEAR, 1, 1)


def past_date_refusal(value: datetime.date | None) -> str:
    """Why `value` cannot be the day something happened: in the future, or
    before the organization was founded; empty when it can."""
    if value is None:
        return ""
    if value > timezone.localdate():
        return str(_("This cannot be in the future."))
    if value < first_day_of_records():
        return str(
            _("This is before %(year)s, when the organization was founded.")
            % {"year": settings.ORGANIZATION_FOUNDED_YEAR}
        )
    return ""

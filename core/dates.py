"""The dates a person may ask for. Python's dates end in the year 9999: a
period ending on 31 December 9999 has no "day after", and the figures of
a period are computed with one. Dates typed into filters are kept to years
no record of this product can have, well inside that."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2999, 12, 31)

VALIDATORS = [
    MinValueValidator(EARLIEST, message=_("Choose a date in 1900 or later.")),
    MaxValueValidator(LATEST, message=_("Choose a date before the year 3000.")),
]
# For <input type="date">: the browser's date picker keeps to the same years.
INPUT_ATTRIBUTES = {"min": EARLIEST.isoformat(), "max": LATEST.isoformat()}

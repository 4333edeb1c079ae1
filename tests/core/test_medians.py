"""core.medians on whichever database the suite runs on: PostgreSQL finds
the middle itself, SQLite reads the values; both must give what
statistics.median gives."""

import datetime
import statistics

import pytest
from django.db.models import F, Min

from core.db_functions import DaysBetween
from core.medians import median, medians, medians_by
from partners.models import SupportDelivery, SupportRequest
from tests.factories import SupportDeliveryFactory, SupportRequestFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


def requests_fulfilled_after(days_by_category: dict[str, list[int | None]]):
    for category, days in days_by_category.items():
        for number in days:
            if number is None:  # still open: no day fulfilled
                SupportRequestFactory(category=category, asked_on=DAY, status="open")
            else:
                fulfilled = DAY + datetime.timedelta(days=number)
                SupportRequestFactory(category=category, asked_on=DAY, status="fulfilled", fulfilled_on=fulfilled)
    return SupportRequest.objects.annotate(days=DaysBetween(F("asked_on"), F("fulfilled_on")))


@pytest.mark.parametrize(
    "days",
    [[7], [1, 9], [5, 1, 3], [4, 10, 1, 2], [0, 0, 30, 30, 30]],
    ids=["one", "two", "odd", "even", "ties"],
)
def test_the_median_is_statistics_median(days):
    found = median(requests_fulfilled_after({"training": days}), "days")
    assert found == (statistics.median(days), len(days))


def test_rows_without_a_value_are_left_out():
    assert median(requests_fulfilled_after({"training": [2, None, 6, None]}), "days") == (4, 2)


def test_no_rows_no_median():
    assert median(SupportRequest.objects.annotate(days=DaysBetween(F("asked_on"), F("fulfilled_on"))), "days") == (
        None,
        0,
    )


def test_per_group():
    rows = requests_fulfilled_after({"training": [1, 2, 9], "supplies": [4, 5], "other": [None]})
    assert medians_by(rows, "category", "days") == {"training": (2, 3), "supplies": (4.5, 2)}


def test_over_an_aggregate():
    """Days to each request's first delivery: a median over grouped rows."""
    for first, later in [(3, 10), (8, 1), (20, 25)]:
        asked = SupportRequestFactory(asked_on=DAY)
        for days in (first, later):
            SupportDeliveryFactory(
                request=asked, organization=asked.organization, delivered_on=DAY + datetime.timedelta(days=days)
            )
    grouped = (
        SupportDelivery.objects.values("request")
        .annotate(days=DaysBetween(F("request__asked_on"), Min("delivered_on")))
        .order_by()
    )
    assert median(grouped, "days") == (3, 3)  # first deliveries after 3, 1 and 20 days


def test_several_medians_over_the_same_rows_in_one_query(django_assert_num_queries):
    rows = requests_fulfilled_after({"training": [1, 2, 9, None]}).annotate(twice=F("days") * 2)
    with django_assert_num_queries(1):
        found = medians(rows, "days", "twice")
    assert found == {"days": (2, 3), "twice": (4, 3)}

"""DaysBetween on whichever database the suite runs on (SQLite or PostgreSQL):
each vendor has its own SQL, so these run on both."""

import datetime

import pytest
from django.db import NotSupportedError, connection, models
from django.db.models import F, Value
from django.db.models.functions import TruncDate

from core.db_functions import DaysBetween
from partners.models import Organization, SupportDelivery
from tests.factories import OrganizationFactory, SupportDeliveryFactory

pytestmark = pytest.mark.django_db


def day(value: str | None):
    return Value(datetime.date.fromisoformat(value) if value else None, output_field=models.DateField())


def days_between(start, end):
    """Evaluates DaysBetween(start, end) in the database, on one row."""
    organization = OrganizationFactory()
    row = Organization.objects.filter(pk=organization.pk).annotate(days=DaysBetween(start, end))
    return row.values_list("days", flat=True).get()


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2024-03-01", "2024-03-01", 0),
        ("2024-03-01", "2024-03-02", 1),
        # 2024 is a leap year: February has 29 days.
        ("2024-02-28", "2024-03-01", 2),
        ("2023-02-28", "2023-03-01", 1),
        ("2024-01-01", "2025-01-01", 366),
        ("2023-01-01", "2024-01-01", 365),
        ("2023-12-31", "2024-01-01", 1),
        # end before start: negative, not truncated towards anything else.
        ("2024-03-01", "2024-02-28", -2),
    ],
)
def test_whole_days_from_start_to_end(start, end, expected):
    assert days_between(day(start), day(end)) == expected


@pytest.mark.parametrize(("start", "end"), [(None, "2024-03-01"), ("2024-03-01", None), (None, None)])
def test_null_when_either_side_is_null(start, end):
    assert days_between(day(start), day(end)) is None


def test_works_on_columns_and_returns_an_int():
    delivery = SupportDeliveryFactory(
        request__asked_on=datetime.date(2024, 2, 10), delivered_on=datetime.date(2024, 3, 10)
    )

    days = (
        SupportDelivery.objects.filter(pk=delivery.pk)
        .annotate(days=DaysBetween(F("request__asked_on"), F("delivered_on")))
        .values_list("days", flat=True)
        .get()
    )

    assert days == 29
    assert type(days) is int


def test_a_date_taken_from_a_timestamp_counts_whole_days():
    organization = OrganizationFactory()
    # Late in the evening: the date part still counts, not the 23 hours.
    Organization.objects.filter(pk=organization.pk).update(
        created_at=datetime.datetime(2024, 2, 28, 23, 30, tzinfo=datetime.UTC)
    )

    days = (
        Organization.objects.filter(pk=organization.pk)
        .annotate(days=DaysBetween(TruncDate("created_at"), day("2024-03-01")))
        .values_list("days", flat=True)
        .get()
    )

    assert days == 2


def test_can_be_filtered_on():
    OrganizationFactory(name="early")
    rows = Organization.objects.annotate(days=DaysBetween(day("2024-02-01"), day("2024-03-01")))

    assert list(rows.filter(days=29).values_list("name", flat=True)) == ["early"]
    assert not rows.filter(days__gt=29).exists()


def test_a_database_without_its_own_sql_is_refused_not_miscounted():
    query = Organization.objects.annotate(days=DaysBetween(day("2024-02-01"), day("2024-03-01"))).query
    compiler = query.get_compiler(connection=connection)

    with pytest.raises(NotSupportedError, match="no SQL for"):
        # The vendor-neutral path, which any database without an as_<vendor>() takes.
        DaysBetween(day("2024-02-01"), day("2024-03-01")).resolve_expression(query).as_sql(compiler, connection)

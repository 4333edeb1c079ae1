"""Medians of a column, overall or per group, as statistics.median gives
them (the mean of the two middle values when their number is even).

PostgreSQL finds them itself (percentile_cont), so only the answer crosses
the wire: the "usual time" per request category read thousands of day
counts on every partner page before. SQLite has no such aggregate: there
the values are read and their middle found here, in the same one query."""

import statistics

from django.db import connections
from django.db.models import Aggregate, Count, FloatField, QuerySet


class Median(Aggregate):
    """PostgreSQL only: the median of an expression's non-null values."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _in_database(queryset: QuerySet) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def median(queryset: QuerySet, value: str) -> tuple[float | None, int]:
    """The median of `value` (a field or annotation of the queryset, an
    aggregate one included) over its rows, and how many rows had a value.
    One query."""
    if _in_database(queryset):
        row = queryset.aggregate(median=Median(value), measured=Count(value))
        return row["median"], row["measured"]
    values = [v for v in queryset.values_list(value, flat=True) if v is not None]
    return (statistics.median(values) if values else None), len(values)


def medians_by(queryset: QuerySet, group: str, value: str) -> dict:
    """{group's value: (median of `value`, how many had one)} for each group
    with at least one value. One query."""
    if _in_database(queryset):
        rows = (
            queryset.filter(**{f"{value}__isnull": False})
            .values_list(group)
            .annotate(median=Median(value), measured=Count(value))
            .order_by()
        )
        return {key: (middle, measured) for key, middle, measured in rows}
    grouped: dict = {}
    for key, number in queryset.values_list(group, value).order_by():
        if number is not None:
            grouped.setdefault(key, []).append(number)
    return {key: (statistics.median(values), len(values)) for key, values in grouped.items()}

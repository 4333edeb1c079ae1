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
    return medians(queryset, value)[value]


def medians(queryset: QuerySet, *values: str) -> dict[str, tuple[float | None, int]]:
    """median() of each of `values` over the same rows, in one query."""
    if _in_database(queryset):
        aggregates: dict[str, Aggregate] = {}
        for index, value in enumerate(values):
            aggregates[f"median_{index}"] = Median(value)
            aggregates[f"measured_{index}"] = Count(value)
        row = queryset.aggregate(**aggregates)
        return {value: (row[f"median_{index}"], row[f"measured_{index}"]) for index, value in enumerate(values)}
    found: dict[str, list] = {value: [] for value in values}
    for numbers in queryset.values_list(*values):
        for value, number in zip(values, numbers, strict=True):
            if number is not None:
                found[value].append(number)
    return {value: (statistics.median(got) if got else None, len(got)) for value, got in found.items()}


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

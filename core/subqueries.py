"""Figures of child rows as correlated subqueries: one per figure, served by
an index on the child's foreign key, rather than a JOIN and GROUP BY, so that
several sums over different child tables never multiply each other and a
list costs the same queries for 5 rows as for 5,000."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def aggregate_of(rows: QuerySet, fk: str, aggregate, output_field) -> Subquery:
    """`aggregate` over the `rows` whose foreign key `fk` points at the outer row."""
    grouped = rows.filter(**{fk: OuterRef("pk")}).order_by().values(fk)
    return Subquery(grouped.annotate(value=aggregate).values("value")[:1], output_field=output_field)


def count_of(rows: QuerySet, fk: str) -> Coalesce:
    """How many of `rows` point at the outer row (0 when none)."""
    return Coalesce(aggregate_of(rows, fk, Count("*"), IntegerField()), 0)

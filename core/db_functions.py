"""Database functions that Django lacks and that must behave the same on
PostgreSQL (production, CI) and SQLite (the laptop default)."""

from django.db import NotSupportedError
from django.db.models import Func, IntegerField


class DaysBetween(Func):
    """Whole days from `start` to `end` (two date expressions): end - start.
    NULL when either is NULL."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, start, end, **extra):
        # The SQL below reads "end - start", so the end goes first.
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, function=None, template=None, arg_joiner=None, **extra_context):
        # Func's generic SQL would read "end, start": wrong, not an error. Say so instead.
        raise NotSupportedError(f"DaysBetween has no SQL for {connection.vendor}; add an as_{connection.vendor}().")

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="((%(expressions)s)::date)", arg_joiner=")::date - (", **extra_context
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )

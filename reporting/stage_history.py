"""Partners in each stage at a list of moments, read from the audit history
of Organization (django-simple-history). One SQL statement, written by hand
because the ORM cannot join a list of moments: the first version counted
with one filtered COUNT per (moment, stage), 84 of them over every history
row, and spent 140 ms on a year's dashboard where this takes a few.

Each history row is valid from its history_date until the next row of the
same partner (a LEAD window); a row counts at a moment when it was valid
then. A deletion row (history_type "-") is never counted, so a partner
deleted before a moment drops out from then on."""

import datetime

from django.db import connection

from partners.models import Organization

OrganizationHistory = Organization.history.model


def _moments_table(moments: list[datetime.datetime]) -> tuple[str, list]:
    """A VALUES list of (index, moment), and its parameters. On PostgreSQL
    the moment is cast, so that the column has a type to compare with."""
    cast = "CAST(%s AS timestamp with time zone)" if connection.vendor == "postgresql" else "%s"
    adapt = connection.ops.adapt_datetimefield_value
    rows = ", ".join(f"({index}, {cast})" for index in range(len(moments)))
    return f"VALUES {rows}", [adapt(moment) for moment in moments]


def stage_counts_at(
    moments: list[datetime.datetime],
    *,
    kind: str = "",
    organization_id: int | None = None,
    lived_experience: bool | None = None,
) -> list[dict[str, int]]:
    """For each moment, in order: {stage: partners in that stage then}. Only
    stages with partners are keys. `kind` counts the partners that had that
    kind at the moment, `lived_experience` those led (or not) by people with
    lived experience then; `organization_id` counts one partner only."""
    if not moments:
        return []
    table = connection.ops.quote_name(OrganizationHistory._meta.db_table)
    values, params = _moments_table(moments)
    # The partner is chosen before the window (which must see all its rows),
    # the kind after it (the kind the partner had at that moment).
    params.append(connection.ops.adapt_datetimefield_value(max(moments)))
    only_partner = of_kind = ""
    if organization_id is not None:
        only_partner = "AND id = %s"
        params.append(organization_id)
    if kind:
        of_kind = "AND h.kind = %s"
        params.append(kind)
    if lived_experience is not None:
        of_kind += " AND h.lived_experience_led = %s"
        params.append(lived_experience)
    # Only fixed fragments and the model's table name are put into the text; every value is a parameter.
    sql = f"""
        WITH m (slot, moment) AS ({values})
        SELECT m.slot, h.stage, COUNT(*)
        FROM (
            SELECT stage, kind, lived_experience_led, history_type, history_date,
                   LEAD(history_date) OVER (PARTITION BY id ORDER BY history_date, history_id) AS valid_until
            FROM {table}
            WHERE history_date < %s {only_partner}
        ) AS h
        JOIN m ON h.history_date < m.moment AND (h.valid_until IS NULL OR h.valid_until >= m.moment)
        WHERE h.history_type <> '-' {of_kind}
        GROUP BY m.slot, h.stage
    """  # noqa: S608
    counts: list[dict[str, int]] = [{} for _ in moments]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for slot, stage, number in cursor.fetchall():
            counts[slot][stage] = number
    return counts

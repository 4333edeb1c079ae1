"""Partners in each stage at a list of moments, read from the audit history
of Organization (django-simple-history). One SQL statement, written by hand
because the ORM cannot window over the history this way: the first version counted
with one filtered COUNT per (moment, stage), 84 of them over every history
row, and spent 140 ms on a year's dashboard where this takes a few.

Each history row is valid from its history_date until the next row of the
same partner (a LEAD window); a row counts at a moment when it was valid
then. A deletion row (history_type "-") is never counted, so a partner
deleted before a moment drops out from then on.

Rather than joining every row to every moment (rows × moments pairs: 79,000
for 6,600 rows and a year, most of the query's time), each row is given the
first moment it counts at and the first it no longer counts at (two CASEs
over the sorted moments); rows are grouped by (stage, first, last) and each
group is added to its moments here."""

import datetime

from django.db import connection

from partners.models import Organization

OrganizationHistory = Organization.history.model


def _slot_after(column: str, moments: list[datetime.datetime]) -> tuple[str, list]:
    """A CASE giving the index of the first of the (sorted) moments later
    than `column`, len(moments) when none is; and its parameters. On
    PostgreSQL each moment is cast, so that it has a type to compare with."""
    cast = "CAST(%s AS timestamp with time zone)" if connection.vendor == "postgresql" else "%s"
    branches = " ".join(f"WHEN {column} < {cast} THEN {index}" for index in range(len(moments)))
    adapt = connection.ops.adapt_datetimefield_value
    return f"CASE {branches} ELSE {len(moments)} END", [adapt(moment) for moment in moments]


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
    order = sorted(range(len(moments)), key=moments.__getitem__)
    in_order = [moments[index] for index in order]
    table = connection.ops.quote_name(OrganizationHistory._meta.db_table)
    first, params = _slot_after("h.history_date", in_order)
    # valid_until is the next row's history_date: the row still counts at that
    # moment. The latest row's is NULL, which no WHEN matches: it counts to the last.
    after, after_params = _slot_after("h.valid_until", in_order)
    params += after_params
    # The partner is chosen before the window (which must see all its rows),
    # the kind after it (the kind the partner had at that moment).
    params.append(connection.ops.adapt_datetimefield_value(in_order[-1]))
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
        SELECT h.stage, {first}, {after}, COUNT(*)
        FROM (
            SELECT stage, kind, lived_experience_led, history_type, history_date,
                   LEAD(history_date) OVER (PARTITION BY id ORDER BY history_date, history_id) AS valid_until
            FROM {table}
            WHERE history_date < %s {only_partner}
        ) AS h
        WHERE h.history_type <> '-' {of_kind}
        GROUP BY 1, 2, 3
    """  # noqa: S608
    counts: list[dict[str, int]] = [{} for _ in moments]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for stage, since, until, number in cursor.fetchall():
            for slot in order[since:until]:
                counts[slot][stage] = counts[slot].get(stage, 0) + number
    return counts

"""Relationship and support figures for the dashboard and the partner page,
computed in the database.

Every function runs a fixed number of queries (said in its docstring),
whatever the number of partners, interactions, requests or deliveries. None of
them reads Interaction.confidential_notes: interactions are only counted.
"""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from core.db_functions import DaysBetween
from core.medians import medians
from partners.choices import NO_CLOCK_STAGES, InteractionKind, Received, RequestStatus, Stage, SupportCategory
from partners.models import Interaction, Organization, SupportDelivery, SupportRequest
from partners.querysets import ZERO, summarise_fulfilment

from . import survey_queries
from .scope import Scope, first_of_month, start_of_day
from .stage_history import stage_counts_at

ACTIVE_STAGES = [stage for stage in Stage if stage not in NO_CLOCK_STAGES]
# (key, first day, last day or None for "and over"), in days since the request was made.
# What a partner may say of a delivery that did not (fully) arrive.
MISSING = [Received.PARTLY, Received.NOT_RECEIVED]
AGE_BANDS = [("0_7", 0, 7), ("8_30", 8, 30), ("31_90", 31, 90), ("over_90", 91, None)]


def _per_month(rows, months: list[datetime.date], keys: list[str], key_field: str) -> list[dict]:
    """Adds up grouped (month, key, n) rows, several of which may share a month
    and key, into every month of the period, zeros included."""
    table = {month: dict.fromkeys(keys, 0) for month in months}
    for row in rows:
        month = row["month"]
        if month in table and row[key_field] in table[month]:
            table[month][row[key_field]] += row["n"]
    return [{"month": month, **counts, "total": sum(counts.values())} for month, counts in table.items()]


# --- relationships -------------------------------------------------------------


def stages_now(scope: Scope) -> dict[str, int]:
    """Partners in each stage today, how many are active (in a stage with a
    keep-in-touch clock) and the total. One query."""
    counts = {stage.value: Count("pk", filter=Q(stage=stage)) for stage in Stage}
    return Organization.objects.filter(scope.organizations()).aggregate(
        **counts, active=Count("pk", filter=Q(stage__in=ACTIVE_STAGES)), total=Count("pk")
    )


def stages_by_month(scope: Scope) -> list[dict]:
    """Partners in each stage at the end of each month, read from the audit
    history (stage_history.stage_counts_at). One query."""
    months = scope.months
    moments = [start_of_day(scope.month_end(month) + datetime.timedelta(days=1)) for month in months]
    organization_id = scope.organization.pk if scope.organization is not None else None
    whole = organization_id is None
    counts = stage_counts_at(
        moments,
        kind=scope.kind if whole else "",
        organization_id=organization_id,
        lived_experience=scope.lived_experience if whole else None,
    )
    return [
        {"month": month, **{stage: at.get(stage, 0) for stage in Stage.values}, "total": sum(at.values())}
        for month, at in zip(months, counts, strict=True)
    ]


def overdue_partners(scope: Scope, today: datetime.date) -> list[Organization]:
    """Partners in a relationship whose keep-in-touch clock has run out today,
    longest silence first. One query."""
    return list(
        Organization.objects.filter(scope.organizations())
        .only("id", "name", "stage", "keep_in_touch_days", "created_at")
        .overdue(today)
        .order_by(F("last_contact").asc(nulls_first=True), "name")
    )


def interactions_by_month(scope: Scope) -> list[dict]:
    """Interactions per month of the period, by kind, with a total. One query,
    grouped by day and kind (read from interaction_day_kind_idx alone) and
    summed into months here: truncating 65,000 dates to months in the
    database took longer than the whole query does now."""
    rows = (
        Interaction.objects.involving(scope.partners())
        .filter(happened_on__range=(scope.start, scope.end))
        .values_list("happened_on", "kind")
        .annotate(n=Count("*"))
        .order_by()
    )
    by_day = ({"month": first_of_month(day), "kind": kind, "n": number} for day, kind, number in rows)
    return _per_month(by_day, scope.months, InteractionKind.values, "kind")


def by_lived_experience(scope: Scope, requests: list[dict], deliveries: list[dict]) -> list[dict]:
    """Partners led by people with lived experience beside the others:
    how many there are and are active today, and the period's requests,
    deliveries and money (added up from request_counts and delivery_counts,
    which keep who leads the partner). One query."""
    rows = {
        led: {"led": led, "partners": 0, "active": 0, "requests": 0, "deliveries": 0, "money": Decimal("0")}
        for led in (True, False)
    }
    partners = (
        Organization.objects.filter(scope.organizations())
        .values("lived_experience_led")
        .annotate(n=Count("pk"), active=Count("pk", filter=Q(stage__in=ACTIVE_STAGES)))
        .order_by()
    )
    for row in partners:
        rows[row["lived_experience_led"]].update(partners=row["n"], active=row["active"])
    for asked in requests:
        rows[True]["requests"] += asked["led"]
        rows[False]["requests"] += asked["n"] - asked["led"]
    for given in deliveries:
        rows[True]["deliveries"] += given["led"]
        rows[False]["deliveries"] += given["n"] - given["led"]
        rows[True]["money"] += given["led_money"]
        rows[False]["money"] += given["money"] - given["led_money"]
    return list(rows.values())


# --- support ---------------------------------------------------------------------


def _requests(scope: Scope):
    return SupportRequest.objects.filter(scope.partners(), asked_on__range=(scope.start, scope.end))


def _deliveries(scope: Scope):
    return SupportDelivery.objects.filter(scope.partners(), delivered_on__range=(scope.start, scope.end))


def _status_key(status: str) -> str:
    return f"status_{status}"


def request_counts(scope: Scope, by_month_and_category: bool = True) -> list[dict]:
    """Requests made in the period by (month, category): how many, how many
    in each status, how many the partner made in the portal and how many
    were asked by partners led by people with lived experience. One query;
    the request figures below add these up, instead of scanning the
    period's requests once per figure. Each split is a filtered count in
    the row rather than a column to group by: grouped by all four, the
    rows were fourteen times as many. Without `by_month_and_category`, one
    row of totals (no lived-experience count): what the period before needs."""
    counts = {
        "n": Count("pk"),
        "in_portal": Count("pk", filter=Q(submitted_by__isnull=False)),
        **{_status_key(status): Count("pk", filter=Q(status=status)) for status in RequestStatus.values},
    }
    if not by_month_and_category:
        return [_requests(scope).aggregate(**counts)]
    counts["led"] = Count("pk", filter=Q(organization__lived_experience_led=True))
    return list(
        _requests(scope)
        .annotate(month=TruncMonth("asked_on"))
        .values("month", "category")
        .annotate(**counts)
        .order_by()
    )


def delivery_counts(scope: Scope, by_month_and_category: bool = True) -> list[dict]:
    """Deliveries given in the period by (month, category): how many, how
    many nobody asked for, how many the partner confirmed in the portal and
    how many of those it said did not (fully) arrive, money and staff hours,
    and how many (and how much money) went to partners led by people with
    lived experience. One query, added up below. Without
    `by_month_and_category`, one row of totals (no lived-experience figures)."""
    led = Q(organization__lived_experience_led=True)
    counts = {
        "n": Count("pk"),
        "unrequested": Count("pk", filter=Q(request__isnull=True)),
        "confirmed": Count("confirmation"),
        "missing": Count("confirmation", filter=Q(confirmation__received__in=MISSING)),
        "hours": Coalesce(Sum("hours"), ZERO),
    }
    if not by_month_and_category:
        return [_deliveries(scope).aggregate(**counts, money=Coalesce(Sum("money"), ZERO))]
    # `led_money` before `money`, which would otherwise be the "money" it sums.
    counts = {
        "led_money": Coalesce(Sum("money", filter=led), ZERO),
        "led": Count("pk", filter=led),
        **counts,
        "money": Coalesce(Sum("money"), ZERO),
    }
    return list(
        _deliveries(scope)
        .annotate(month=TruncMonth("delivered_on"))
        .values("month", "category")
        .annotate(**counts)
        .order_by()
    )


def support_by_month(requests: list[dict], deliveries: list[dict], months: list[datetime.date]) -> list[dict]:
    """Requests made and deliveries given in each month."""
    asked: Counter[datetime.date] = Counter()
    given: Counter[datetime.date] = Counter()
    for row in requests:
        asked[row["month"]] += row["n"]
    for row in deliveries:
        given[row["month"]] += row["n"]
    return [{"month": m, "requests": asked[m], "deliveries": given[m]} for m in months]


def support_by_category(requests: list[dict], deliveries: list[dict]) -> list[dict]:
    """Per support category: requests made, deliveries given, deliveries nobody
    asked for, money and staff hours delivered."""
    rows = {
        category: {
            "category": category,
            "requests": 0,
            "deliveries": 0,
            "unrequested": 0,
            "money": Decimal("0"),
            "hours": Decimal("0"),
        }
        for category in SupportCategory.values
    }
    for row in requests:
        rows[row["category"]]["requests"] += row["n"]
    for delivered in deliveries:
        row = rows[delivered["category"]]
        row["deliveries"] += delivered["n"]
        for key in ("unrequested", "money", "hours"):
            row[key] += delivered[key]
    return list(rows.values())


def delivery_totals(deliveries: list[dict]) -> dict:
    """Deliveries in the period, how many nobody asked for and their share
    (lower is better: support should follow what partners ask for), how many
    partners confirmed and their share, how many they said did not or only
    partly arrive, money and staff hours."""
    totals = {key: sum(row[key] for row in deliveries) for key in ("unrequested", "confirmed", "missing")} | {
        "deliveries": sum(row["n"] for row in deliveries),
        "money": sum((row["money"] for row in deliveries), Decimal("0")),
        "hours": sum((row["hours"] for row in deliveries), Decimal("0")),
    }
    count = totals["deliveries"]
    totals["unrequested_share"] = totals["unrequested"] / count if count else None
    totals["confirmed_share"] = totals["confirmed"] / count if count else None
    return totals


def fulfilment(requests: list[dict]) -> dict:
    """Requests made in the period by outcome, and the fulfilment rate
    (partners.querysets.summarise_fulfilment)."""
    by_status = {status: sum(row[_status_key(status)] for row in requests) for status in RequestStatus.values}
    return summarise_fulfilment(by_status)


def made_in_portal(requests: list[dict]) -> dict:
    """Requests made in the period, how many the partners made themselves in
    the portal, and their share."""
    total = sum(row["n"] for row in requests)
    in_portal = sum(row["in_portal"] for row in requests)
    return {"requests": total, "in_portal": in_portal, "share": in_portal / total if total else None}


def request_medians(scope: Scope) -> dict[str, dict]:
    """Over the requests made in the period, one query for both:

    - "to_first_delivery": median days from request to its first delivery
      (SupportRequest.first_delivery_on), over those that have had one;
    - "to_fulfil": median days from request to fulfilled
      (SupportRequest.fulfilled_on), over those that are fulfilled.

    Each as {"median": …, "measured": how many requests it is over}."""
    requests = _requests(scope).annotate(
        to_first_delivery=DaysBetween(F("asked_on"), F("first_delivery_on")),
        to_fulfil=DaysBetween(F("asked_on"), F("fulfilled_on")),
    )
    found = medians(requests.order_by(), "to_first_delivery", "to_fulfil")
    return {name: {"median": middle, "measured": measured} for name, (middle, measured) in found.items()}


def open_requests_by_age(scope: Scope, today: datetime.date) -> dict[str, int]:
    """Requests still outstanding today, made on or before the period's end,
    by how many days they have been open: 0–7, 8–30, 31–90, over 90. The start
    of the period does not apply: the oldest open requests matter most. One
    query; each band is a range of days asked, which the (status, asked_on)
    index answers alone (days open computed per row took four times as long)."""
    requests = SupportRequest.objects.outstanding().filter(scope.partners(), asked_on__lte=scope.end).order_by()
    bands = {}
    for key, low, high in AGE_BANDS:
        asked = Q(asked_on__lte=today - datetime.timedelta(days=low))
        if high is not None:
            asked &= Q(asked_on__gte=today - datetime.timedelta(days=high))
        bands[key] = Count("asked_on", filter=asked)
    return requests.aggregate(**bands, total=Count("*"))


# --- all of it, lazily -----------------------------------------------------------


class DashboardData:
    """Every figure of the dashboard, each computed on first use. The page
    uses them all; a CSV export only the one it needs."""

    def __init__(
        self, scope: Scope, today: datetime.date | None = None, surveys: bool = True, compared_only: bool = False
    ):
        self.scope = scope
        self.today = today or timezone.localdate()
        self.surveys = surveys  # False: the user may not see survey results
        # The period before, whose key figures are only compared: its
        # requests and deliveries are counted as totals, not by month and category.
        self.compared_only = compared_only

    # Each lambda calls the module-level function of the same name: a lambda
    # in a class body sees the module's names, not the class attributes.
    stages_now = cached_property(lambda self: stages_now(self.scope))
    stages_by_month = cached_property(lambda self: stages_by_month(self.scope))
    overdue_partners = cached_property(lambda self: overdue_partners(self.scope, self.today))
    interactions_by_month = cached_property(lambda self: interactions_by_month(self.scope))
    request_counts = cached_property(lambda self: request_counts(self.scope, not self.compared_only))
    delivery_counts = cached_property(lambda self: delivery_counts(self.scope, not self.compared_only))
    support_by_month = cached_property(
        lambda self: support_by_month(self.request_counts, self.delivery_counts, self.scope.months)
    )
    support_by_category = cached_property(lambda self: support_by_category(self.request_counts, self.delivery_counts))
    delivery_totals = cached_property(lambda self: delivery_totals(self.delivery_counts))
    fulfilment = cached_property(lambda self: fulfilment(self.request_counts))
    made_in_portal = cached_property(lambda self: made_in_portal(self.request_counts))
    by_lived_experience = cached_property(
        lambda self: by_lived_experience(self.scope, self.request_counts, self.delivery_counts)
    )
    request_medians = cached_property(lambda self: request_medians(self.scope))
    median_days = cached_property(lambda self: self.request_medians["to_first_delivery"])
    median_days_to_fulfil = cached_property(lambda self: self.request_medians["to_fulfil"])
    # The same figures for the period of the same length just before.
    previous = cached_property(
        lambda self: DashboardData(self.scope.previous, self.today, self.surveys, compared_only=True)
    )
    open_requests = cached_property(lambda self: open_requests_by_age(self.scope, self.today))
    rounds = cached_property(lambda self: survey_queries.rounds_in_period(self.scope))
    latest_released_rounds = cached_property(lambda self: survey_queries.latest_released_rounds(self.scope))
    survey_tally = cached_property(lambda self: survey_queries.tally_in_period(self.scope))
    domain_scores = cached_property(lambda self: survey_queries.domain_scores_in_period(self.survey_tally))
    partner_trend = cached_property(lambda self: survey_queries.partner_likelihood_trend(self.survey_tally))
    mirrored = cached_property(lambda self: survey_queries.mirrored_in_period(self.survey_tally))
    survey_totals = cached_property(
        lambda self: (
            survey_queries.survey_totals(self.scope)
            if self.compared_only
            else survey_queries.survey_totals(self.scope, self.rounds, self.survey_tally)
        )
    )

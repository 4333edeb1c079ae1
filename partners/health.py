"""Relationship health: a few plain signals per partner, each with its
reason, never one opaque score (docs/metrics.md, "Relationship health").

Every signal is defined once, here, as an annotation on the Organization
queryset (with_health), so that a list of partners
costs the same queries for 5 rows as for 5,000: one query for the usual
time per category of request (usual_days_by_category), then the list's own.

A partner "needs attention" when any signal is on. Deliveries the partner
never confirmed are not a signal: most partners will never use the portal.
Nothing here reads survey answers, which are anonymous and never per
partner (reporting/health.py has the group's rating from released units)."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, IntegerField, Min, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.db_functions import DaysBetween
from core.medians import medians_by
from core.subqueries import aggregate_of

from .choices import OUTSTANDING_STATUSES, Received, RequestStatus, SupportCategory
from .models import DeliveryConfirmation, Interaction, Organization, SupportRequest

# A request waits "too long" once it has waited more days than its category's
# usual time: the median days to fulfil of the category's requests fulfilled
# in the last USUAL_TIME_OVER_DAYS, never less than USUAL_DAYS_FLOOR; with
# fewer than USUAL_TIME_MIN_FULFILLED such requests, USUAL_DAYS_FLOOR.
USUAL_DAYS_FLOOR = 30
USUAL_TIME_MIN_FULFILLED = 3
USUAL_TIME_OVER_DAYS = 365
# Deliveries the partner said did not (all) arrive count this many days.
MISSING_DELIVERY_DAYS = 90
MISSING = (Received.PARTLY, Received.NOT_RECEIVED)

# The annotations with_health adds, each a signal's figure.
SIGNAL_FIELDS = ("is_overdue", "waiting_requests", "missing_deliveries", "overdue_follow_ups")


def usual_days_by_category(today: datetime.date) -> dict[str, int]:
    """The usual days to fulfil a request, per category (see
    USUAL_DAYS_FLOOR above). One query."""
    fulfilled = SupportRequest.objects.filter(
        status=RequestStatus.FULFILLED,
        fulfilled_on__gt=today - datetime.timedelta(days=USUAL_TIME_OVER_DAYS),
        fulfilled_on__lte=today,
    ).annotate(days=DaysBetween(models.F("asked_on"), models.F("fulfilled_on")))
    found = medians_by(fulfilled, "category", "days")
    usual = {}
    for category in SupportCategory.values:
        median, measured = found.get(category, (0, 0))
        usual[category] = max(USUAL_DAYS_FLOOR, round(median) if measured >= USUAL_TIME_MIN_FULFILLED else 0)
    return usual


def _count(rows: models.QuerySet, fk: str):
    return Coalesce(aggregate_of(rows, fk, Count("pk"), IntegerField()), 0)


def _waiting(usual: dict[str, int], today: datetime.date) -> models.QuerySet:
    """Outstanding requests that have waited longer than their category's usual time."""
    waited_too_long = Q()
    for category, days in usual.items():
        waited_too_long |= Q(category=category, asked_on__lt=today - datetime.timedelta(days=days))
    return SupportRequest.objects.filter(waited_too_long, status__in=OUTSTANDING_STATUSES)


def _usual_time(usual: dict[str, int]) -> models.Case:
    return models.Case(*[When(category=c, then=Value(d)) for c, d in usual.items()], output_field=IntegerField())


def _missing(today: datetime.date) -> models.QuerySet:
    """Deliveries the partner said arrived only partly or not at all, lately."""
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=MISSING_DELIVERY_DAYS), datetime.time.min)
    )
    return DeliveryConfirmation.objects.filter(received__in=MISSING, confirmed_at__gte=since)


def _overdue_follow_ups(today: datetime.date) -> models.QuerySet:
    return Interaction.objects.open_follow_ups().filter(follow_up_on__lt=today)


def with_health(queryset: models.QuerySet, today: datetime.date | None = None) -> models.QuerySet:
    """Adds every signal's figure, and needs_attention:

    - is_overdue (keep-in-touch slipping; with its clock_days, last_contact
      and keep_in_touch_days): OrganizationQuerySet.with_contact_figures;
    - waiting_requests: outstanding requests waiting more days than their
      category's usual time, and waiting_over_days, the shortest of those
      usual times (so "N requests waiting over D days" holds for each);
    - missing_deliveries: deliveries the partner said, in the last 90 days
      (on or after the day 90 days before today), arrived only partly or not
      at all;
    - overdue_follow_ups: follow-ups not done whose day is before today.

    One query now (the usual times), none more when the list is read."""
    today = today or timezone.localdate()
    if "is_overdue" not in queryset.query.annotations:
        queryset = queryset.with_contact_figures(today)  # type: ignore[attr-defined]
    usual = usual_days_by_category(today)
    waiting, usual_time = _waiting(usual, today), _usual_time(usual)
    missing, follow_ups = _missing(today), _overdue_follow_ups(today)
    queryset = queryset.annotate(
        waiting_requests=_count(waiting, "organization"),
        waiting_over_days=aggregate_of(
            waiting.annotate(usual=usual_time), "organization", Min("usual"), IntegerField()
        ),
        missing_deliveries=_count(missing, "delivery__organization"),
        overdue_follow_ups=_count(follow_ups, "organization"),
    )
    return queryset.annotate(
        needs_attention=models.Case(
            When(
                Q(is_overdue=True)
                | Q(waiting_requests__gt=0)
                | Q(missing_deliveries__gt=0)
                | Q(overdue_follow_ups__gt=0),
                then=Value(True),
            ),
            default=Value(False),
            output_field=models.BooleanField(),
        )
    )


@dataclass(frozen=True)
class Signal:
    key: str  # keep_in_touch, waiting_requests, missing_deliveries, overdue_follow_ups
    reason: str


def signals(organization: Organization) -> list[Signal]:
    """The signals that are on for a partner annotated by with_health, each
    with its reason in plain words; empty when all is well."""
    org = organization
    found = []
    if org.is_overdue:  # type: ignore[attr-defined]
        aim = org.keep_in_touch_days
        if org.last_contact is None:  # type: ignore[attr-defined]
            reason = _("no contact since added %(days)s days ago (aim: every %(aim)s days)")
        else:
            reason = _("last contact %(days)s days ago (aim: every %(aim)s days)")
        found.append(Signal("keep_in_touch", reason % {"days": org.clock_days, "aim": aim}))  # type: ignore[attr-defined]
    if n := org.waiting_requests:  # type: ignore[attr-defined]
        reason = ngettext(
            "%(n)s request waiting over %(days)s days", "%(n)s requests waiting over %(days)s days", n
        ) % {"n": n, "days": org.waiting_over_days}  # type: ignore[attr-defined]
        found.append(Signal("waiting_requests", reason))
    if n := org.missing_deliveries:  # type: ignore[attr-defined]
        reason = ngettext(
            "%(n)s delivery they said did not (all) arrive", "%(n)s deliveries they said did not (all) arrive", n
        ) % {"n": n}
        found.append(Signal("missing_deliveries", reason))
    if n := org.overdue_follow_ups:  # type: ignore[attr-defined]
        reason = ngettext("%(n)s follow-up overdue", "%(n)s follow-ups overdue", n) % {"n": n}
        found.append(Signal("overdue_follow_ups", reason))
    return found


def reasons(organization: Organization) -> str:
    """The reasons of every signal that is on, in one line."""
    return "; ".join(signal.reason for signal in signals(organization))


@dataclass(frozen=True)
class Attention:
    count: int  # partners needing attention
    partners: list[Organization]  # all of them, or the `limit` with the most signals


def attention(
    queryset: models.QuerySet,
    today: datetime.date | None = None,
    *,
    limit: int | None = None,
    overdue: set[int] | None = None,
) -> Attention:
    """The partners of `queryset` that need attention, by name, with the
    figures of with_health and `health_signals` set on each: all of them, or
    with `limit` only those with the most signals (ties by name). The same
    signals as with_health, each counted in one grouped scan rather than once
    per partner (a dashboard over 2,000 partners took 0.9 s the other way),
    and only the partners shown are fetched whole. `overdue`: the ids of the
    partners past keep-in-touch today, when the caller has them already.
    Six queries (five given `overdue`, one more with `limit`), whatever the
    number of partners."""
    today = today or timezone.localdate()
    usual = usual_days_by_category(today)
    # Every partner: no condition, rather than one the database must check.
    mine = queryset.values("pk") if queryset.query.where else None

    def by_partner(rows: models.QuerySet, fk: str, **more) -> dict[int, tuple]:
        """{partner id: (count, *more)} of the partners with any such row."""
        if mine is not None:
            rows = rows.filter(**{f"{fk}__in": mine})
        grouped = rows.values_list(fk).annotate(n=Count("pk"), **more).order_by()
        return {pk: figures for pk, *figures in grouped}

    waiting = by_partner(_waiting(usual, today).annotate(usual=_usual_time(usual)), "organization", over=Min("usual"))
    missing = by_partner(_missing(today), "delivery__organization")
    follow_ups = by_partner(_overdue_follow_ups(today), "organization")
    if overdue is None:
        overdue = set(queryset.with_contact_figures(today).filter(is_overdue=True).values_list("pk", flat=True))  # type: ignore[attr-defined]
    signal_count = Counter([*overdue, *waiting, *missing, *follow_ups])
    chosen = list(signal_count)
    if limit is not None:
        # Ties at the last place go by name: only the names of partners
        # with at least as many signals as the last one listed are read
        # (all of them when there are no more than `limit`).
        ranked = sorted(signal_count.values(), reverse=True)
        least = ranked[limit - 1] if len(ranked) > limit else 0
        in_running = [pk for pk, n in signal_count.items() if n >= least]
        names = dict(queryset.filter(pk__in=in_running).order_by().values_list("pk", "name"))
        chosen = sorted(in_running, key=lambda pk: (-signal_count[pk], names[pk]))[:limit]
    partners = list(queryset.with_contact_figures(today).filter(pk__in=chosen).order_by("name"))  # type: ignore[attr-defined]
    for partner in partners:
        partner.waiting_requests, partner.waiting_over_days = waiting.get(partner.pk, (0, None))
        partner.missing_deliveries = missing.get(partner.pk, (0,))[0]
        partner.overdue_follow_ups = follow_ups.get(partner.pk, (0,))[0]
        partner.health_signals = signals(partner)
    return Attention(len(signal_count), partners)


def needing_attention(queryset: models.QuerySet, today: datetime.date | None = None) -> list[Organization]:
    """Every partner of `queryset` that needs attention (attention above)."""
    return attention(queryset, today).partners

"""Derived figures, computed in the database, each a correlated subquery
(core.subqueries) so that a list costs the same queries for 5 rows as for
5,000."""

from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from core.db_functions import DaysBetween
from core.subqueries import aggregate_of

from .choices import CLOSED_STATUSES, NO_CLOCK_STAGES, OUTSTANDING_STATUSES, RequestStatus

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))


def _children(queryset: models.QuerySet, relation: str):
    """The child rows of each outer row, through the outer model's reverse
    `relation` (so a queryset needs no import of its children's models), and
    the foreign key that points back."""
    field = queryset.model._meta.get_field(relation)
    return field.related_model._default_manager, field.field.name


def _child_aggregate(queryset, relation: str, aggregate, output_field, **filters) -> Subquery:
    """One aggregate over each outer row's `relation` rows (core.subqueries)."""
    children, fk = _children(queryset, relation)
    return aggregate_of(children.filter(**filters), fk, aggregate, output_field)


def summarise_fulfilment(by_status: dict[str, int]) -> dict:
    """Request counts by outcome, from counts by status, and the fulfilment rate.

    Fulfilment rate = (fulfilled + partly fulfilled) / (fulfilled + partly
    fulfilled + declined): the share of decided requests that we met. Requests
    still open are not decided yet, and withdrawn ones the partner no longer
    wanted, so neither counts."""
    fulfilled = by_status.get(RequestStatus.FULFILLED, 0)
    partly_fulfilled = by_status.get(RequestStatus.PARTLY_FULFILLED, 0)
    declined = by_status.get(RequestStatus.DECLINED, 0)
    met = fulfilled + partly_fulfilled
    considered = met + declined
    return {
        "total": sum(by_status.values()),
        "fulfilled": fulfilled,
        "partly_fulfilled": partly_fulfilled,
        "declined": declined,
        "withdrawn": by_status.get(RequestStatus.WITHDRAWN, 0),
        "fulfilment_rate": met / considered if considered else None,
    }


def _today(today: date | None) -> date:
    return today or timezone.localdate()


class OrganizationQuerySet(models.QuerySet):
    def with_contact_figures(self, today: date | None = None) -> "OrganizationQuerySet":
        """Adds last_contact, days_since_contact and is_overdue (past its keep-in-touch cadence).

        Last contact is the latest interaction in which someone was in touch
        (choices.IN_TOUCH_KINDS: not a referral), logged with the partner or
        with another partner and the partner "also with" it. A partner never contacted
        counts its keep-in-touch clock from the day it was added. Only
        relationships we are in have a clock: a partner we have merely
        identified (reaching out is at their pace), or one that is paused or
        ended, is never past cadence."""
        today_value = Value(_today(today), output_field=models.DateField())
        return self.annotate(
            last_contact=F("last_contact_on"),  # kept by partners/last_contact.py
            days_since_contact=DaysBetween(F("last_contact"), today_value),
            clock_days=DaysBetween(Coalesce(F("last_contact"), TruncDate("created_at")), today_value),
            is_overdue=Case(
                When(stage__in=NO_CLOCK_STAGES, then=Value(False)),
                When(clock_days__gt=F("keep_in_touch_days"), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
        )

    def with_interaction_total(self) -> "OrganizationQuerySet":
        """Adds interaction_total: how many interactions the partner took
        part in (logged with it, or with another partner and it "also with")."""
        total = _child_aggregate(self, "interactions", Count("pk"), IntegerField())
        joint = _child_aggregate(self, "joint_interactions", Count("pk"), IntegerField())
        return self.annotate(interaction_total=Coalesce(total, 0) + Coalesce(joint, 0))

    def with_support_figures(self) -> "OrganizationQuerySet":
        """Adds outstanding_requests, money_delivered and hours_delivered."""
        money: DecimalField = DecimalField(max_digits=12, decimal_places=2)
        return self.annotate(
            outstanding_requests=Coalesce(
                _child_aggregate(self, "requests", Count("pk"), IntegerField(), status__in=OUTSTANDING_STATUSES), 0
            ),
            money_delivered=Coalesce(_child_aggregate(self, "deliveries", Sum("money"), money), ZERO),
            hours_delivered=Coalesce(_child_aggregate(self, "deliveries", Sum("hours"), money), ZERO),
        )

    def overdue(self, today: date | None = None) -> "OrganizationQuerySet":
        return self.with_contact_figures(today).filter(is_overdue=True)


class ContactQuerySet(models.QuerySet):
    def can_receive_surveys(self) -> "ContactQuerySet":
        """Contacts who may be sent a survey: agreed, did not opt out, have an
        email address (Contact.can_receive_surveys for one row)."""
        return self.filter(consent_to_surveys=True, opted_out=False).exclude(email="")

    def without_details(self):
        """Names and preferences only. Email and phone are encrypted and only
        the contact's own form and page show them, to who may edit the
        contact, so pages that list contacts never fetch, and never decrypt,
        them."""
        return self.defer("email", "phone")


class InteractionQuerySet(models.QuerySet):
    def involving(self, partners: models.Q) -> "InteractionQuerySet":
        """Interactions with the partners `partners` chooses (a condition on
        `organization`, such as Q(organization=partner)): logged under one
        of them, or with one of them "also with" (a coalition meeting counts
        once, for each). The few joint ones are looked up first (one query),
        so that the partners' own are still read through their index: an OR
        with a subquery made PostgreSQL read all 200,000 interactions
        (82 ms). An empty condition is every interaction."""
        if not partners:
            return self
        joint = self.model.also_with.through.objects.filter(partners)
        if joint_ids := list(joint.values_list("interaction_id", flat=True)):
            partners = partners | models.Q(pk__in=joint_ids)
        return self.filter(partners)

    def follow_ups_due(self, today: date | None = None) -> "InteractionQuerySet":
        """Follow-ups not done whose date is today or earlier."""
        return self.filter(follow_up_done=False, follow_up_on__lte=_today(today))

    def open_follow_ups(self) -> "InteractionQuerySet":
        """Follow-ups not done yet, whatever their day."""
        return self.filter(follow_up_done=False, follow_up_on__isnull=False)

    def for_user(self, user) -> "InteractionQuerySet":
        """Follow-ups the user is to do (Interaction.save gives every one
        someone: the lead, or whoever logged it)."""
        return self.filter(follow_up_assignee=user)


class SupportRequestQuerySet(models.QuerySet):
    def outstanding(self) -> "SupportRequestQuerySet":
        return self.filter(status__in=OUTSTANDING_STATUSES)

    def with_delivery_figures(self, today: date | None = None) -> "SupportRequestQuerySet":
        """Adds money_delivered, hours_delivered, delivery_count,
        days_to_first_delivery (to first_delivery_on, which
        partners/first_delivery.py keeps), days_to_fulfil (asked to
        fulfilled), outstanding_amount and days_open.

        outstanding_amount is what is still owed of the amount asked: asked minus
        delivered (never below zero) while the request is outstanding, zero once it
        is fulfilled, declined or withdrawn, and NULL when no amount was asked."""
        money: DecimalField = DecimalField(max_digits=12, decimal_places=2)
        return self.annotate(
            money_delivered=Coalesce(_child_aggregate(self, "deliveries", Sum("money"), money), ZERO),
            hours_delivered=Coalesce(_child_aggregate(self, "deliveries", Sum("hours"), money), ZERO),
            delivery_count=Coalesce(_child_aggregate(self, "deliveries", Count("pk"), IntegerField()), 0),
            days_to_first_delivery=DaysBetween(F("asked_on"), F("first_delivery_on")),
            days_to_fulfil=DaysBetween(F("asked_on"), F("fulfilled_on")),
            outstanding_amount=Case(
                When(amount_asked__isnull=True, then=Value(None)),
                When(status__in=CLOSED_STATUSES, then=ZERO),
                # Giving more than was asked leaves nothing owed, not a negative debt.
                default=Greatest(F("amount_asked") - F("money_delivered"), ZERO),
                output_field=money,
            ),
            days_open=DaysBetween(F("asked_on"), Value(_today(today), output_field=models.DateField())),
        )

    def fulfilment_summary(self) -> dict:
        """Counts by outcome and the fulfilment rate (summarise_fulfilment), in one query."""
        by_status = dict(self.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
        return summarise_fulfilment(by_status)


class SupportDeliveryQuerySet(models.QuerySet):
    def with_confirmation(self) -> "SupportDeliveryQuerySet":
        """With who delivered it and the partner's word on it (portal), and
        the name of the contact who gave it, without their email or phone."""
        return self.select_related("delivered_by", "confirmation__contact").defer(
            "confirmation__contact__email", "confirmation__contact__phone"
        )

    def unrequested(self) -> "SupportDeliveryQuerySet":
        return self.filter(request__isnull=True)

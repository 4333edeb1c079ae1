"""Domain actions that touch more than one row."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from .choices import CLOSED_STATUSES, RequestStatus
from .models import (
    Contact,
    DeliveryConfirmation,
    Interaction,
    Organization,
    PortalAccess,
    SupportDelivery,
    SupportRequest,
)


def status_after_deliveries(support_request: SupportRequest, money_delivered: Decimal) -> str:
    """The ledger's rule: a request for an amount of money is fulfilled once
    that much has been delivered, partly fulfilled before; any other
    request keeps its status until a manager changes it. A request that is
    settled (declined, withdrawn) or has no amount is left as it is."""
    asked = support_request.amount_asked
    if not asked or support_request.status in CLOSED_STATUSES and support_request.status != RequestStatus.FULFILLED:
        return support_request.status
    if money_delivered >= asked:
        return RequestStatus.FULFILLED
    if money_delivered > 0:
        return RequestStatus.PARTLY_FULFILLED
    return support_request.status


@transaction.atomic
def record_delivery(delivery: SupportDelivery, request_status: str = "") -> SupportDelivery:
    """Saves a delivery and moves its request's status: to the one the
    manager chose, or else as the ledger's rule says
    (status_after_deliveries)."""
    delivery.save()
    support_request = delivery.request
    if support_request is None:
        return delivery
    if not request_status:
        money = support_request.deliveries.aggregate(total=Sum("money"))["total"] or Decimal(0)
        request_status = status_after_deliveries(support_request, money)
    if request_status != support_request.status:
        support_request.status = request_status
        if request_status == RequestStatus.FULFILLED:
            support_request.fulfilled_on = delivery.delivered_on
        support_request.save(update_fields=["status", "updated_at"])
    return delivery


@transaction.atomic
def delete_organization_record(organization: Organization) -> None:
    """Carries out a partner's request to be deleted: the organization, its
    contacts (with their survey invitations and portal access), its
    interactions, requests, deliveries and what it told us, and their
    history. What is kept is the audit trail's line that it was done, which
    names the partner by number only (the caller writes it)."""
    organization_id = organization.pk
    contacts = list(organization.contacts.values_list("pk", flat=True))
    interactions = list(organization.interactions.values_list("pk", flat=True))
    requests = list(organization.requests.values_list("pk", flat=True))
    deliveries = list(organization.deliveries.values_list("pk", flat=True))
    confirmations = list(DeliveryConfirmation.objects.filter(delivery__in=deliveries).values_list("pk", flat=True))
    accesses = list(PortalAccess.objects.filter(contact__in=contacts).values_list("pk", flat=True))
    organization.deliveries.all().delete()
    organization.requests.all().delete()
    organization.interactions.all().delete()
    organization.contacts.all().delete()
    organization.delete()
    for model, ids in [
        (Organization, [organization_id]),
        (Contact, contacts),
        (Interaction, interactions),
        (SupportRequest, requests),
        (SupportDelivery, deliveries),
        (DeliveryConfirmation, confirmations),
        (PortalAccess, accesses),
    ]:
        model.history.filter(id__in=ids).delete()  # type: ignore[attr-defined]

"""Domain actions that touch more than one row."""

from django.db import transaction

from .models import (
    Contact,
    DeliveryConfirmation,
    Interaction,
    Organization,
    PortalAccess,
    SupportDelivery,
    SupportRequest,
)


@transaction.atomic
def record_delivery(delivery: SupportDelivery, request_status: str = "") -> SupportDelivery:
    """Saves a delivery and, when asked, moves its request to a new status."""
    delivery.save()
    support_request = delivery.request if request_status else None
    if support_request is not None:
        support_request.status = request_status
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

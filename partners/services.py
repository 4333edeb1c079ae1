"""Domain actions that touch more than one row."""

from django.db import transaction

from .models import SupportDelivery


@transaction.atomic
def record_delivery(delivery: SupportDelivery, request_status: str = "") -> SupportDelivery:
    """Saves a delivery and, when asked, moves its request to a new status."""
    delivery.save()
    support_request = delivery.request if request_status else None
    if support_request is not None:
        support_request.status = request_status
        support_request.save(update_fields=["status", "updated_at"])
    return delivery

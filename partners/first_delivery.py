"""A request's first delivery day (SupportRequest.first_delivery_on), kept
as deliveries are saved and deleted, so that "days to first delivery" on
lists, the partner page and the dashboard reads a column instead of every
delivery of every request (the dashboard's two medians, 36 ms of it on the
bench dataset).

Kept by signals, so that every way a delivery changes keeps it: the ledger's
form, the admin (its bulk delete included), delete and undo, demo data. A
bulk_create sends none: its caller refreshes (bench/dataset)."""

from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save, pre_save

from .denormalized import touches, value_before
from .models import SupportDelivery, SupportRequest

# A delivery saved with only other fields named leaves the first day as it is.
_MATTERS = {"request", "request_id", "delivered_on"}


def refresh_first_delivery(request_ids) -> None:
    """Sets first_delivery_on of these requests from their deliveries (None
    without any). One query."""
    first = SupportDelivery.objects.filter(request=OuterRef("pk")).order_by("delivered_on").values("delivered_on")[:1]
    SupportRequest.objects.filter(pk__in=request_ids).update(first_delivery_on=Subquery(first))


def _remember_request(sender, instance: SupportDelivery, raw: bool = False, update_fields=None, **kwargs) -> None:
    """The request the delivery answered before this save, which may lose it."""
    before = value_before(instance, "request_id") if touches(update_fields, _MATTERS) else None
    instance._request_before = before  # type: ignore[attr-defined]


def _delivery_saved(sender, instance: SupportDelivery, update_fields=None, **kwargs) -> None:
    if not touches(update_fields, _MATTERS):
        return
    changed = {instance.request_id, getattr(instance, "_request_before", None)} - {None}
    if changed:
        refresh_first_delivery(changed)


def _delivery_deleted(sender, instance: SupportDelivery, **kwargs) -> None:
    if instance.request_id is not None:
        refresh_first_delivery([instance.request_id])


def connect() -> None:
    pre_save.connect(_remember_request, sender=SupportDelivery, dispatch_uid="partners.first_delivery.before")
    post_save.connect(_delivery_saved, sender=SupportDelivery, dispatch_uid="partners.first_delivery.saved")
    post_delete.connect(_delivery_deleted, sender=SupportDelivery, dispatch_uid="partners.first_delivery.deleted")

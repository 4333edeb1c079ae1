"""What a partner organization tells us itself, through the portal: who of
its contacts may sign in, whether each delivery arrived and helped, and a
wish to have its record deleted. Staff see all of it; the portal's own
sign-in machinery is in the portal app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import Helped, Received
from .records import Contact, Organization, SupportDelivery


class PortalAccess(models.Model):
    """A contact who agreed to use the portal, invited by staff. Revoking
    it ends every session at once (portal/sessions.py); inviting again
    opens it again."""

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="portal_access")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    invited_at = models.DateTimeField(editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    last_signed_in_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("portal access")
        verbose_name_plural = _("portal access")

    def __str__(self) -> str:
        return f"Portal access of {self.contact}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DeliveryConfirmation(models.Model):
    """A partner's word on one delivery: did it arrive, did it help.
    Attributed (the contact who said it), unlike survey answers, and said
    so on the page where it is given."""

    delivery = models.OneToOneField(SupportDelivery, on_delete=models.CASCADE, related_name="confirmation")
    received = models.CharField(_("did it arrive?"), max_length=12, choices=Received.choices)
    helped = models.CharField(_("did it help?"), max_length=8, choices=Helped.choices, blank=True)
    comment = models.TextField(_("anything to add?"), blank=True, max_length=2000)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("said by")
    )
    confirmed_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        indexes = [
            # My work: deliveries partners say did not (all) arrive, newest first.
            models.Index(
                fields=["-confirmed_at"], name="confirmation_missing_idx", condition=~models.Q(received="received")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_received_display()}: {self.delivery}"


class DeletionRequest(models.Model):
    """A partner asked for its record to be deleted. A program manager
    carries it out (partners/services.delete_organization_record), which
    deletes this row with the rest."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="deletion_request")
    asked_by = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("anything you want us to know (optional)"), blank=True, max_length=2000)

    class Meta:
        permissions = [("carry_out_deletion", "Can delete a partner's record at its request")]

    def __str__(self) -> str:
        return f"Deletion asked for {self.organization}"

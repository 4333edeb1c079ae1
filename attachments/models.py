"""A file attached to a partner, an interaction or a delivery (an
agreement, a receipt, a photo of a flyer), stored in the database,
encrypted with the keys that encrypt confidential notes: a database dump or
a backup shows neither its name nor its bytes, and it goes wherever the
database goes (backups, deletion) with nothing to keep in step on disk.
The bytes sit in a table of their own, so listing files never reads them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.encrypted_fields import EncryptedTextField
from partners.models import Interaction, Organization, SupportDelivery

from .kinds import KINDS, FileKind

PARENTS = ("organization", "interaction", "delivery")


class Attachment(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    delivery = models.ForeignKey(
        SupportDelivery, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    # The name as uploaded: it may name a person, so it is encrypted too.
    name = EncryptedTextField(_("file name"))
    kind = models.CharField(_("kind"), max_length=8, choices=FileKind.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    # Part of an interaction's confidential notes: shown only to those who may read them.
    confidential = models.BooleanField(_("part of the confidential notes"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="attachment_has_one_parent",
                condition=(
                    Q(organization__isnull=False, interaction__isnull=True, delivery__isnull=True)
                    | Q(organization__isnull=True, interaction__isnull=False, delivery__isnull=True)
                    | Q(organization__isnull=True, interaction__isnull=True, delivery__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="attachment_confidential_on_interactions",
                condition=Q(confidential=False) | Q(interaction__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return _("File #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("attachments:download", args=[self.pk])

    @property
    def content_type(self) -> str:
        return KINDS[FileKind(self.kind)].content_type


class AttachmentContent(models.Model):
    attachment = models.OneToOneField(Attachment, on_delete=models.CASCADE, primary_key=True, related_name="content")
    data = models.BinaryField()  # Fernet token of the file's bytes (attachments/storage.py)

    def __str__(self) -> str:
        return _("Content of file #%(pk)s") % {"pk": self.pk}

"""A record a program manager deleted as a mistake, kept for the minutes in
which it can be undone (settings.UNDO_MINUTES). Only ids: what the rows
held is in their history ("-" records), which is what Undo restores from.
The ids of the rows that went with it (a partner's contacts, interactions,
requests, deliveries) and of the links that were cut (tags, people present,
a request's deliveries) are what Undo puts back."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeletedKind(models.TextChoices):
    ORGANIZATION = "organization", _("partner")
    CONTACT = "contact", _("contact")
    INTERACTION = "interaction", _("interaction")
    REQUEST = "request", _("request")
    DELIVERY = "delivery", _("delivery")


class DeletedRecord(models.Model):
    kind = models.CharField(max_length=16, choices=DeletedKind.choices)
    object_id = models.PositiveBigIntegerField()
    # {"contact": [ids], "interaction": [ids], ..., "links": {...}}: see partners/mistakes.py.
    children = models.JSONField(default=dict)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    deleted_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-deleted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.object_id} deleted"

    @property
    def undo_until(self) -> datetime.datetime:
        return self.deleted_at + datetime.timedelta(minutes=settings.UNDO_MINUTES)

    @property
    def can_be_undone(self) -> bool:
        return self.undone_at is None and timezone.now() < self.undo_until

"""What one spreadsheet import did, so that its importer can take it back.

Only ids are kept: the rows it created, and for each row it changed the
history records (django-simple-history) from just before and just after.
Never a cell of the file: the values are in the rows' own history."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How long the importer may undo an import. Long enough to notice a mistake
# the same day; short enough that an undo does not surprise colleagues who
# have since worked with the imported rows.
UNDO_WINDOW = datetime.timedelta(hours=24)


class ImportKind(models.TextChoices):
    PARTNERS = "partners", _("Partners")
    CONTACTS = "contacts", _("Contacts")
    INTERACTIONS = "interactions", _("Interactions")


class ImportBatch(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    imported_at = models.DateTimeField(default=timezone.now)
    # [pk, ...] of the rows the import created.
    created_ids = models.JSONField(default=list, blank=True)
    # [[pk, history id before, history id after], ...] of the rows it updated.
    updated = models.JSONField(default=list, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        indexes = [
            # ImportBatch.last_for(user): a user's latest import.
            models.Index(fields=["user", "-imported_at"], name="import_batch_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.imported_at:%Y-%m-%d %H:%M}"

    @classmethod
    def undoable_for(cls, user) -> "ImportBatch | None":
        """The user's last import, if it can still be undone: not undone yet,
        and within UNDO_WINDOW. Only the last: undoing an older one under a
        newer one could delete rows the newer one updated."""
        last = cls.objects.filter(user=user).first()
        if last is None or last.undone_at is not None:
            return None
        if last.imported_at < timezone.now() - UNDO_WINDOW:
            return None
        return last

    @property
    def undo_until(self) -> datetime.datetime:
        return self.imported_at + UNDO_WINDOW

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.encrypted_fields import EncryptedTextField, blind_index
from partners.choices import Language

from ..choices import Audience


def email_digest(email: str) -> str:
    return blind_index(email.strip().lower(), "recipient-email")


class RecipientQuerySet(models.QuerySet):
    def can_receive_surveys(self) -> "RecipientQuerySet":
        """People who may be sent a survey: agreed and did not opt out
        (Recipient.can_receive_surveys for one row)."""
        return self.filter(consent=True, opted_out=False)


RECIPIENT_AUDIENCES = [(Audience.PARTICIPANTS, Audience.PARTICIPANTS.label), (Audience.STAFF, Audience.STAFF.label)]


class RecipientGroup(models.Model):
    """A named group within an audience ("Night drop-in"), so a survey can go
    to some of the people, not all. Its name is visible to every program
    manager: name it for the service, never for something about the people
    (docs/privacy.md)."""

    name = models.CharField(_("name"), max_length=80)
    audience = models.CharField(_("audience"), max_length=16, choices=RECIPIENT_AUDIENCES)

    class Meta:
        ordering = ["audience", "name"]
        constraints = [models.UniqueConstraint(fields=["audience", "name"], name="recipient_group_name_per_audience")]

    def __str__(self) -> str:
        return self.name


def not_of_audience(groups, audience: str | None) -> list[str]:
    """The names of `groups` that are not groups of `audience`: a survey, a
    person or an import may only use its own audience's groups (checked by
    their forms: a many-to-many is saved after the model's clean). Nothing
    while the audience itself is missing: its own field says so."""
    if not audience:
        return []
    return [group.name for group in groups or [] if group.audience != audience]


class Recipient(models.Model):
    """A participant, staff member or volunteer who may be sent surveys.

    Least data: an email address (encrypted at rest), a language and consent;
    nothing else. Partner contacts are not stored here: they come from
    partners.Contact, where consent is recorded with the relationship."""

    audience = models.CharField(_("audience"), max_length=16, choices=RECIPIENT_AUDIENCES)
    email = EncryptedTextField(_("email"))
    email_digest = models.CharField(max_length=64, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ENGLISH)
    consent = models.BooleanField(_("agreed to receive surveys"), default=False)
    opted_out = models.BooleanField(_("opted out"), default=False)
    groups = models.ManyToManyField(RecipientGroup, blank=True, related_name="members", verbose_name=_("groups"))
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["email_digest"])

    objects = RecipientQuerySet.as_manager()

    class Meta:
        ordering = ["audience", "id"]
        constraints = [
            models.UniqueConstraint(fields=["audience", "email_digest"], name="recipient_unique_email_per_audience"),
        ]

    def __str__(self) -> str:
        # Never the address: this string ends up in admin logs and messages.
        return f"{self.get_audience_display()} recipient #{self.pk}"

    def save(self, *args, **kwargs):
        self.email_digest = email_digest(self.email)
        super().save(*args, **kwargs)

    @property
    def can_receive_surveys(self) -> bool:
        """The row's side of RecipientQuerySet.can_receive_surveys."""
        return self.consent and not self.opted_out

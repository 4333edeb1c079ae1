from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DigestKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Daily follow-up digest")
    LEADERSHIP = "leadership", _("Monthly leadership digest")


class DigestState(models.TextChoices):
    PENDING = "pending", _("Waiting to send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Nothing to say")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Unknown: the worker stopped while sending")


class Digest(models.Model):
    """One digest email for one person and one period. The unique constraint
    makes a doubled beat tick harmless; the state makes a retried task harmless
    (the same claim-then-send rule as survey invitations)."""

    kind = models.CharField(max_length=16, choices=DigestKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    # The day (daily digest) or the first day of the month (monthly digest).
    period = models.DateField()
    state = models.CharField(max_length=8, choices=DigestState.choices, default=DigestState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    # When the current run of send errors began, and when to try again
    # (core.outbox); empty when nothing is failing.
    failing_since = models.DateTimeField(null=True, blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "crm_digest"  # made when digests lived in crm/: the table keeps its name
        ordering = ["-period", "kind", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "user", "period"], name="digest_once_per_person_and_period"),
        ]
        indexes = [
            # The sweeper: digests stuck in `sending`.
            models.Index(fields=["state", "claimed_at"], name="digest_state_claimed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for user #{self.user_id} ({self.period})"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    EXPORT = "export", _("Export downloaded")
    RESULTS_VIEW = "results_view", _("Survey results viewed")
    ROLE_CHANGE = "role_change", _("Roles changed")
    TWO_FACTOR_ENABLED = "2fa_enabled", _("Two-factor login turned on")
    TWO_FACTOR_DISABLED = "2fa_disabled", _("Two-factor login turned off")
    TWO_FACTOR_FAILED = "2fa_failed", _("Wrong two-factor code")
    TWO_FACTOR_LOCKED = "2fa_locked", _("Two-factor step locked")
    RECOVERY_CODE_USED = "2fa_recovery", _("Recovery code used")
    RECOVERY_CODES_NEW = "2fa_new_codes", _("New recovery codes")
    TWO_FACTOR_POLICY = "2fa_policy", _("Two-factor policy changed")
    RESULTS_POOLED = "results_pooled", _("Survey rounds pooled")
    RESULTS_RELEASED = "results_released", _("Survey results released early")
    ANSWERS_WITHHELD = "answers_withheld", _("Free-text answers withheld or put back")
    ROUND_OPENED = "round_opened", _("Survey round opened by hand")
    ROUND_CLOSED = "round_closed", _("Survey round closed early")
    ROUND_EXTENDED = "round_extended", _("Survey round given more time")
    REMINDERS_SENT = "reminders_now", _("Survey reminders sent by hand")
    CARDS_PRINTED = "cards_printed", _("Survey cards printed")
    PORTAL_INVITED = "portal_invited", _("Partner contact invited to the portal")
    PORTAL_REVOKED = "portal_revoked", _("Partner contact's portal access revoked")
    PORTAL_SIGN_IN = "portal_sign_in", _("Partner contact signed in to the portal")
    PORTAL_SIGN_OUT = "portal_sign_out", _("Partner contact signed out of the portal")
    DELETION_ASKED = "deletion_asked", _("Partner asked for its record to be deleted")
    RECORD_DELETED = "record_deleted", _("Partner record deleted at its request")
    MISTAKE_DELETED = "mistake_deleted", _("Record deleted as a mistake")
    DELETION_UNDONE = "deletion_undone", _("Deletion undone")
    PARTNERS_MERGED = "partners_merged", _("Two partners merged")
    CONTACTS_MERGED = "contacts_merged", _("Two contacts merged")


class AuditEvent(models.Model):
    """One sensitive action: who, what, when, on what. Written by audit/trail.py
    only. `target` names the thing (an export's file name, a survey's id, the
    account whose roles changed), never a password, a token, a participant's
    address or a note; the client address is kept only as a keyed hash, so
    events from one address can be grouped without storing the address."""

    # PROTECT: an account that has a trail is deactivated, not deleted, so the
    # trail keeps saying who.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    at = models.DateTimeField(auto_now_add=True)
    target = models.CharField(max_length=200, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "crm_auditevent"  # made when the trail lived in crm/: the table keeps its name
        ordering = ["-at", "-id"]
        indexes = [
            # The admin list: newest first, filtered by action.
            models.Index(fields=["action", "-at"], name="auditevent_action_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.target or '-'}"

"""How a partner contact gets into the portal: single-use sign-in links and
the short sessions they open. Only SHA-256 hashes of the link and session
tokens are stored (portal/sessions.py), so a copy of the database opens no
door. Who may get in at all is partners.PortalAccess."""

from django.db import models


class SignInLink(models.Model):
    """A link emailed to a contact with portal access: good once, for
    minutes (settings.PORTAL_LINK_MINUTES)."""

    access = models.ForeignKey("partners.PortalAccess", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Sign-in link #{self.pk}"


class PortalSession(models.Model):
    """A signed-in partner contact, for hours (settings.PORTAL_SESSION_HOURS),
    apart from staff sessions: its own cookie, its own table. Ended by the
    partner (sign out) or by staff (revoking the access)."""

    access = models.ForeignKey("partners.PortalAccess", on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=2, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Portal session #{self.pk}"

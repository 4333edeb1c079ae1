"""A person's private calendar feed of their follow-ups: an address with a
secret in it that a calendar app can poll without signing in. Only the
secret's hash is kept; making a new one or revoking it kills the old
address at once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FollowUpFeed(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follow_up_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("follow-up calendar feed")

    def __str__(self) -> str:
        return f"Follow-up calendar of {self.user}"

"""Switching the two-factor policy is audited, whichever way it is saved
(the admin, a shell, a management command)."""

from django.db.models.signals import post_save

from audit import trail

from .models import TwoFactorPolicy


def on_policy_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        trail.record_two_factor_policy(instance)


def connect() -> None:
    post_save.connect(on_policy_saved, sender=TwoFactorPolicy, dispatch_uid="accounts.audit.two_factor_policy")

"""The audit trail of sensitive actions: logins (and failed ones), logouts,
exports, survey result views, role changes and two-factor login events, as
audit.models.AuditEvent rows that administrators read in the admin.

What is recorded is deliberately thin: who, what, when, a short `target`
naming the thing, and a keyed hash of the client address. Never a password,
a token, a participant's address or a note: a trail that repeated secrets
would be one more place for them to leak from."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from simple_history.models import HistoricalRecords

from core.client_address import client_address
from core.encrypted_fields import blind_index

from .models import AuditAction, AuditEvent

TARGET_LENGTH = AuditEvent._meta.get_field("target").max_length
UNKNOWN_USERNAME = "(unknown username)"


def ip_hash(request: HttpRequest | None) -> str:
    """HMAC of the client address (the one axes locks out), never the address."""
    address = client_address(request) if request is not None else None
    return blind_index(address, "audit.client-ip") if address else ""


def _signed_in(request: HttpRequest | None):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(action: str, request: HttpRequest | None = None, *, user=None, target: str = "") -> AuditEvent:
    """Writes one event. `user` defaults to whoever is signed in on `request`."""
    return AuditEvent.objects.create(
        action=action,
        user=user if user is not None else _signed_in(request),
        target=target[:TARGET_LENGTH],
        ip_hash=ip_hash(request),
    )


def record_login(request: HttpRequest | None, user) -> AuditEvent:
    return record(AuditAction.LOGIN, request, user=user, target=user.get_username())


def record_logout(request: HttpRequest | None, user) -> AuditEvent:
    # `user` is None when someone who was not signed in posts to the logout page.
    return record(AuditAction.LOGOUT, request, user=user, target=user.get_username() if user else "")


def record_failed_login(request: HttpRequest | None, attempted: str) -> AuditEvent:
    """The attempted username is kept only when such an account exists:
    people type their password into the username box, and that must not
    land in the trail. No user is linked: nobody signed in."""
    User = get_user_model()
    exists = bool(attempted) and User._default_manager.filter(**{User.USERNAME_FIELD: attempted}).exists()
    return record(AuditAction.LOGIN_FAILED, request, user=None, target=attempted if exists else UNKNOWN_USERNAME)


def record_export(request: HttpRequest, name: str) -> AuditEvent:
    """`name` is the file name the export is downloaded as."""
    return record(AuditAction.EXPORT, request, target=name)


def record_results_view(request: HttpRequest, target: str) -> AuditEvent:
    return record(AuditAction.RESULTS_VIEW, request, target=target)


def record_results_decision(request: HttpRequest, action: str, target: str) -> AuditEvent:
    """Pooling rounds, releasing a unit early, withholding free text: which
    unit and how many answers, never an answer's text."""
    return record(action, request, target=target)


def record_role_change(changed_user, change: str) -> AuditEvent:
    """Who changed whose roles. The change happens deep in a model save, so
    the acting person comes from the request simple_history's middleware
    keeps for its own audit history; outside a request (a management
    command, a data migration) nobody is named."""
    request = getattr(HistoricalRecords.context, "request", None)
    return record(AuditAction.ROLE_CHANGE, request, target=f"{changed_user.get_username()}: {change}")


def record_two_factor(action: str, request: HttpRequest | None, user, detail: str = "") -> AuditEvent:
    """Two-factor events (accounts/): whose account and, for recovery
    codes, how many are left. Never a code, a secret or a password."""
    target = user.get_username() + (f": {detail}" if detail else "")
    return record(action, request, user=user, target=target)


def record_two_factor_policy(policy) -> AuditEvent:
    """Who switched the requirement, named from simple_history's request as
    for role changes; nobody outside a request."""
    request = getattr(HistoricalRecords.context, "request", None)
    return record(AuditAction.TWO_FACTOR_POLICY, request, target="required" if policy.required else "optional")

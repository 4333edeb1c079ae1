"""The pages of two-factor login: its overview, setting up an authenticator
app, the sign-in step, new recovery codes, turning it off.

Recovery codes are shown once, in the answer to the POST that made them,
never stored anywhere a later page could show them again."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp import login as otp_login

from audit import trail
from audit.models import AuditAction

from . import devices, lockout
from .forms import ConfirmSetupForm, DisableForm, NewRecoveryCodesForm, ReplaceSetupForm, VerifyForm
from .models import TwoFactorPolicy

PENDING_SECRET = "two_factor_pending_secret"  # noqa: S105 - a session key: the secret shown, until a code confirms it


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure())
    return candidate if safe else resolve_url(settings.LOGIN_REDIRECT_URL)


def _overview_context(request: HttpRequest, **forms) -> dict:
    user = request.user
    return {
        "device": devices.app_device(user),
        "codes_left": devices.recovery_codes_left(user),
        "required": TwoFactorPolicy.is_required(),
        "codes_form": forms.get("codes_form") or NewRecoveryCodesForm(user),
        "disable_form": forms.get("disable_form") or DisableForm(user),
    }


def _show_codes(request: HttpRequest, codes: list[str], *, new_setup: bool) -> HttpResponse:
    context = {"codes": codes, "new_setup": new_setup, "next": _next_url(request)}
    return render(request, "accounts/two_factor/recovery_codes.html", context)


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/two_factor/overview.html", _overview_context(request))


def _qr_code(uri: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(scale=5, omitsize=False, svgclass="qr-code", title=_("QR code"))
    return mark_safe(svg)  # noqa: S308 - segno's own SVG markup, from our own secret


@never_cache
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Shows a new secret as a QR code and as text; the first code from the
    app confirms it, turns two-factor login on and shows the recovery codes.
    The secret waits in the session until then, so no half-made device is
    ever saved. Reached by an enrolled user only once verified (the gate)."""
    user = request.user
    secret = request.session.get(PENDING_SECRET)
    replacing, required = devices.is_enrolled(user), TwoFactorPolicy.is_required()
    data = request.POST if request.method == "POST" else None
    # Replacing a working authenticator asks for proof of the old one first.
    form = ReplaceSetupForm(user, secret, data) if replacing else ConfirmSetupForm(secret, data)
    if form.is_bound and form.is_valid():
        # Valid means there was a secret and the code matched it (clean_code).
        assert secret is not None and form.time_step is not None
        device, codes = devices.enrol(user, secret, form.time_step)
        del request.session[PENDING_SECRET]
        request.session.cycle_key()
        otp_login(request, device)
        detail = f"replaced, proved with {form.proof}" if isinstance(form, ReplaceSetupForm) else ""
        trail.record_two_factor(AuditAction.TWO_FACTOR_ENABLED, request, user, detail)
        return _show_codes(request, codes, new_setup=True)
    if isinstance(form, ReplaceSetupForm) and form.counted_failure:
        trail.record_two_factor(AuditAction.TWO_FACTOR_FAILED, request, user)
        if lockout.locked_until(user):
            trail.record_two_factor(AuditAction.TWO_FACTOR_LOCKED, request, user)
            return _locked_out(request, user)
    if secret is None:
        secret = request.session[PENDING_SECRET] = devices.new_secret()
    context = {
        "form": form,
        "qr_code": _qr_code(devices.provisioning_uri(user, secret)),
        "typed_secret": devices.base32_secret(secret),
        "replacing": replacing,
        "required": required,
        "gated": required and not replacing,  # held here by the gate: no menu to lead elsewhere
        "next": _next_url(request),
    }
    return render(request, "accounts/two_factor/setup.html", context, status=400 if form.is_bound else 200)


def _locked_out(request: HttpRequest, user) -> HttpResponse:
    """Signs the session out: the password alone must not leave a session
    that keeps asking for codes."""
    until = lockout.locked_until(user)
    logout(request)
    return render(request, "accounts/two_factor/locked.html", {"until": until}, status=429)


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second sign-in step: a code from the app or a recovery code."""
    user = request.user
    next_url = _next_url(request)
    if devices.is_verified(user) or not devices.is_enrolled(user):
        return redirect(next_url)
    if lockout.locked_until(user):
        return _locked_out(request, user)
    form = VerifyForm(user, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        result = form.result
        assert result is not None, "clean_code checked the code"
        request.session.cycle_key()
        otp_login(request, result.device)
        if result.used_recovery_code:
            left = devices.recovery_codes_left(user)
            trail.record_two_factor(AuditAction.RECOVERY_CODE_USED, request, user, f"{left} left")
            note = _("You used a recovery code: %(left)s left. Make new ones if you are running low.")
            messages.warning(request, note % {"left": left})
        return redirect(next_url)
    if form.counted_failure:
        trail.record_two_factor(AuditAction.TWO_FACTOR_FAILED, request, user)
        if lockout.locked_until(user):
            trail.record_two_factor(AuditAction.TWO_FACTOR_LOCKED, request, user)
            return _locked_out(request, user)
    context = {"form": form, "next": next_url, "codes_left": devices.recovery_codes_left(user)}
    return render(request, "accounts/two_factor/verify.html", context, status=400 if form.is_bound else 200)


@never_cache
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, for a current code from the app."""
    user = request.user
    if not devices.is_enrolled(user):
        return redirect("two_factor:overview")
    form = NewRecoveryCodesForm(user, request.POST)
    if form.is_valid():
        codes = devices.new_recovery_codes(user)
        trail.record_two_factor(AuditAction.RECOVERY_CODES_NEW, request, user)
        return _show_codes(request, codes, new_setup=False)
    if form.counted_failure:
        trail.record_two_factor(AuditAction.TWO_FACTOR_FAILED, request, user)
    return render(request, "accounts/two_factor/overview.html", _overview_context(request, codes_form=form), status=400)


@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    """Turns two-factor login off, for a current code or the password.
    Refused while the policy requires it: moving to a new phone is done by
    setting up again, which replaces the old authenticator."""
    user = request.user
    if not devices.is_enrolled(user):
        return redirect("two_factor:overview")
    if TwoFactorPolicy.is_required():
        raise PermissionDenied("two-factor login is required")
    form = DisableForm(user, request.POST)
    if form.is_valid():
        devices.disable(user)
        trail.record_two_factor(AuditAction.TWO_FACTOR_DISABLED, request, user)
        messages.success(request, _("Two-factor login is off. Your recovery codes no longer work."))
        return redirect("two_factor:overview")
    if form.counted_failure:
        trail.record_two_factor(AuditAction.TWO_FACTOR_FAILED, request, user)
    return render(
        request, "accounts/two_factor/overview.html", _overview_context(request, disable_form=form), status=400
    )

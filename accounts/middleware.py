"""The gate between the password step and the rest of the site.

A signed-in session that has not passed the second step reaches only that
step and the logout: everything else, the admin included, is answered with a
redirect to it. When the policy requires two-factor login, an account
without an authenticator is sent to set one up the same way. Public pages
(the survey links, the sign-in page) are never held up: respondents have no
account, and a staff member opening a survey link is a respondent there."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse

from . import devices
from .models import TwoFactorPolicy

# What a session held at the gate may open: the step it needs, and the logout.
OPEN_BEFORE_VERIFYING = {"logout", "two_factor:verify"}
OPEN_BEFORE_ENROLLING = {"logout", "two_factor:setup"}


def _is_public(request: HttpRequest, view_func) -> bool:
    """Views marked login_not_required, except the admin's: its index and
    login are marked so only because the admin checks access itself."""
    if request.resolver_match is not None and request.resolver_match.app_name == "admin":
        return False
    return not getattr(view_func, "login_required", True)


def _redirect(request: HttpRequest, url_name: str) -> HttpResponseRedirect:
    url = reverse(url_name)
    if request.method in ("GET", "HEAD"):
        url += "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(url)


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware, which sets request.user.is_verified()."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or devices.is_verified(user) or _is_public(request, view_func):
            return None
        if devices.is_enrolled(user):
            open_views, step = OPEN_BEFORE_VERIFYING, "two_factor:verify"
        elif TwoFactorPolicy.is_required():
            open_views, step = OPEN_BEFORE_ENROLLING, "two_factor:setup"
        else:
            return None
        name = request.resolver_match.view_name if request.resolver_match is not None else None
        return None if name in open_views else _redirect(request, step)

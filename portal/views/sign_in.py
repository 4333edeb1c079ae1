"""Signing in without a password: ask for a link by email, follow it, press
"Sign in"; sign out. Following a link only shows a button: mail scanners
that open every link cannot spend it. A link that does not work (unknown,
used, expired, revoked) always gets the same page, and asking for a link
always gets the same answer, so neither says whether an address has
access."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from audit.models import AuditAction
from audit.trail import record
from core.encrypted_fields import blind_index
from partners.models import PortalAccess
from surveys.views.public import pick_language

from .. import sessions
from ..emails import send_sign_in_link
from ..forms import SignInForm
from .base import page, partner_page, posted, public_page


def _target(access: PortalAccess) -> str:
    return f"portal access #{access.pk} (contact #{access.contact_id}, partner #{access.contact.organization_id})"


def _email_key(group: str, request: HttpRequest) -> str:
    return blind_index(request.POST.get("email", "").strip().casefold(), "portal.sign-in")


def _too_many(request: HttpRequest) -> bool:
    by_client = is_ratelimited(
        request, group="portal-sign-in", key="ip", rate=settings.PORTAL_LINK_REQUESTS_PER_CLIENT, increment=True
    )
    by_email = is_ratelimited(
        request,
        group="portal-sign-in-email",
        key=_email_key,
        rate=settings.PORTAL_LINK_REQUESTS_PER_EMAIL,
        increment=True,
    )
    return by_client or by_email


def _access_for(email: str) -> PortalAccess | None:
    """The open access whose contact has this address. Addresses are
    encrypted, so the few contacts with access are compared in memory."""
    wanted = email.strip().casefold()
    accesses = PortalAccess.objects.filter(revoked_at__isnull=True, contact__opted_out=False).select_related(
        "contact__organization"
    )
    return next((a for a in accesses if a.contact.email.strip().casefold() == wanted), None)


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.portal is not None:  # type: ignore[attr-defined]
        return redirect("portal:home")
    form = SignInForm(posted(request))
    if not form.is_valid():
        return page(request, "portal/sign_in.html", {"form": form}, status=400 if form.is_bound else 200)
    if _too_many(request):
        return page(request, "portal/sign_in.html", {"form": form, "busy": True}, status=429)
    access = _access_for(form.cleaned_data["email"])
    failed = access is not None and not send_sign_in_link(access)
    return page(request, "portal/sign_in_sent.html", {"failed": failed}, status=503 if failed else 200)


@public_page
@require_http_methods(["GET", "HEAD", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        if not sessions.link_works(token):
            return page(request, "portal/link_not_working.html", {}, status=404)
        return page(request, "portal/link.html", {})
    used = sessions.use_link(token, translation.get_language())
    if used is None:
        return page(request, "portal/link_not_working.html", {}, status=404)
    access, key = used
    record(AuditAction.PORTAL_SIGN_IN, request, target=_target(access))
    response = redirect("portal:home")
    sessions.set_cookie(response, key)
    return response


@partner_page
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    session = request.portal  # type: ignore[attr-defined]
    record(AuditAction.PORTAL_SIGN_OUT, request, target=_target(session.access))
    response = redirect("portal:signed_out")
    sessions.end(session, response)
    return response


@public_page
@require_http_methods(["GET", "HEAD"])
def signed_out(request: HttpRequest) -> HttpResponse:
    return page(request, "portal/signed_out.html", {})


@partner_page
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switches the portal's language for this session."""
    session = request.portal  # type: ignore[attr-defined]
    chosen = pick_language(request, session.language)
    type(session).objects.filter(pk=session.pk).update(language=chosen)
    back = request.POST.get("next", "")
    safe = back.startswith("/portal/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None)
    return redirect(back if safe else "portal:home")

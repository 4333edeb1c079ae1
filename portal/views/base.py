"""What every portal page shares: a partner session or the way to get one,
the partner's language, no caching, and objects of the partner's own
organization only (anything else is 404, as if it did not exist)."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache

from partners.models import Contact, Organization
from surveys.views.public import other_language, pick_language

from ..models import PortalSession


def partner_page(view):
    """A portal page for a signed-in partner; anyone else is sent to the
    sign-in page. The page is in the session's language."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        session: PortalSession | None = request.portal  # type: ignore[attr-defined]
        if session is None:
            return redirect("portal:sign_in")
        # The views render (render()) inside, so the page is in the language.
        with translation.override(session.language):
            return view(request, *args, **kwargs)

    return login_not_required(never_cache(wrapped))


def public_page(view):
    """A portal page for anyone: the sign-in steps, in the language asked
    for (?lang=, or the form's), English otherwise."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        with translation.override(pick_language(request, "en")):
            return view(request, *args, **kwargs)

    return login_not_required(never_cache(wrapped))


def me(request: HttpRequest) -> Contact:
    return request.portal.access.contact  # type: ignore[attr-defined]


def my_organization(request: HttpRequest) -> Organization:
    return me(request).organization


def page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    session: PortalSession | None = request.portal  # type: ignore[attr-defined]
    language = session.language if session is not None else translation.get_language()
    context = {
        "language": language,
        "other_language": other_language(language),
        "contact": me(request) if session else None,
        "organization_name": settings.ORGANIZATION_NAME,
        "minutes": settings.PORTAL_LINK_MINUTES,
        "session_hours": settings.PORTAL_SESSION_HOURS,
    } | context
    return render(request, template, context, status=status)


def form_status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


def posted(request: HttpRequest):
    """The form data of a POST, even an empty one (a form posted with
    nothing ticked is still bound, and answers 400); None otherwise."""
    return request.POST if request.method == "POST" else None

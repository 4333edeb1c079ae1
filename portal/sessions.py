"""Signing in to the portal without a password: a single-use link by email,
then a session of a few hours in its own cookie.

Tokens are 256 bits from the OS's secure random source, as for survey links
(surveys/tokens.py); the database keeps only their SHA-256. A link is good
once and for PORTAL_LINK_MINUTES; using it is one UPDATE that succeeds for
one request only. A session lasts PORTAL_SESSION_HOURS, ends when the
partner signs out, and every session of an access ends when staff revoke
it. Whatever the reason a link or session does not work (unknown, used,
expired, revoked), the answer is the same."""

import datetime

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from partners.models import PortalAccess
from surveys.tokens import hash_token, new_token

from .models import PortalSession, SignInLink

COOKIE = "crm_portal"


def new_link(access: PortalAccess, *, invitation: bool = False) -> str:
    """A fresh single-use sign-in token for `access`; only its hash is
    kept. An invitation's lasts longer (PORTAL_INVITE_HOURS): it may wait
    in an inbox for a day or two."""
    raw, hashed = new_token()
    lifetime = (
        datetime.timedelta(hours=settings.PORTAL_INVITE_HOURS)
        if invitation
        else datetime.timedelta(minutes=settings.PORTAL_LINK_MINUTES)
    )
    expires = timezone.now() + lifetime
    SignInLink.objects.create(access=access, token_hash=hashed, expires_at=expires)
    return raw


def _working_links():
    return SignInLink.objects.filter(
        used_at__isnull=True, expires_at__gt=timezone.now(), access__revoked_at__isnull=True
    )


def link_works(raw: str) -> bool:
    """Whether a sign-in token would open a session now (without using it)."""
    return _working_links().filter(token_hash=hash_token(raw)).exists()


@transaction.atomic
def use_link(raw: str, language: str) -> tuple[PortalAccess, str] | None:
    """Spends the sign-in token and opens a session: (the access, the raw
    session key), or None when the token does not work. One request only
    can spend a token: the UPDATE is its own test."""
    now = timezone.now()
    hashed = hash_token(raw)
    if not _working_links().filter(token_hash=hashed).update(used_at=now):
        return None
    link = SignInLink.objects.select_related("access").get(token_hash=hashed)
    key, key_hash = new_token()
    expires = now + datetime.timedelta(hours=settings.PORTAL_SESSION_HOURS)
    PortalSession.objects.create(access=link.access, key_hash=key_hash, language=language, expires_at=expires)
    PortalAccess.objects.filter(pk=link.access_id).update(last_signed_in_at=now)
    return link.access, key


def current(request: HttpRequest) -> PortalSession | None:
    """The request's live portal session, with its access, contact and
    organization, or None. One query, none without the cookie."""
    key = request.COOKIES.get(COOKIE)
    if not key:
        return None
    return (
        PortalSession.objects.select_related("access__contact__organization")
        .filter(
            key_hash=hash_token(key),
            ended_at__isnull=True,
            expires_at__gt=timezone.now(),
            access__revoked_at__isnull=True,
        )
        .first()
    )


def set_cookie(response: HttpResponse, key: str) -> None:
    """The session's cookie: unreadable by scripts, gone when the session
    expires. Sent to every page, so that a staff page can answer a partner
    404 (portal/middleware.py) rather than offer the staff sign-in."""
    response.set_cookie(
        COOKIE,
        key,
        max_age=settings.PORTAL_SESSION_HOURS * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def end(session: PortalSession, response: HttpResponse) -> None:
    PortalSession.objects.filter(pk=session.pk).update(ended_at=timezone.now())
    response.delete_cookie(COOKIE, samesite="Lax")


def end_all(access: PortalAccess) -> int:
    """Ends every session of `access` (staff revoked it)."""
    return PortalSession.objects.filter(access=access, ended_at__isnull=True).update(ended_at=timezone.now())

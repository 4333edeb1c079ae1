"""Signing in without a password: invitation, sign-in link, session, sign
out, revoke; links that do not work all look alike; asking for a link
says nothing about whether an address has access."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from partners.models import PortalAccess
from portal.models import PortalSession, SignInLink
from portal.sessions import COOKIE

from .conftest import give_access, link_in_last_email, signed_in, url

pytestmark = pytest.mark.django_db


def test_a_manager_invites_a_contact_who_agreed_and_the_link_signs_them_in(partner, manager_client):
    rosa = partner["rosa"]
    page = manager_client.get(url("invite", rosa.pk))
    assert page.status_code == 200
    assert manager_client.post(url("invite", rosa.pk), {}).status_code == 400  # "they agreed" not ticked
    assert not PortalAccess.objects.exists()
    assert manager_client.post(url("invite", rosa.pk), {"agreed": "on"}).status_code == 302
    (email,) = mail.outbox
    assert email.to == ["rosa@owl.example"] and email.extra_headers["Auto-Submitted"] == "auto-generated"
    link = link_in_last_email()
    assert SignInLink.objects.get().token_hash not in email.body  # only the hash is stored

    partner_browser = Client()
    landing = partner_browser.get(link)  # a mail scanner opening the link spends nothing
    assert landing.status_code == 200 and b"Sign in" in landing.content
    assert not PortalSession.objects.exists()
    signed = partner_browser.post(link)
    assert signed.status_code == 302 and signed["Location"] == url("home")
    cookie = signed.cookies[COOKIE]
    assert cookie["httponly"] and cookie["max-age"] == 8 * 3600
    assert cookie.value not in {s.key_hash for s in PortalSession.objects.all()}
    home = partner_browser.get(url("home"))
    assert home.status_code == 200 and b"Night Owl Crew" in home.content
    assert PortalAccess.objects.get().last_signed_in_at is not None
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count(AuditAction.PORTAL_INVITED) == 1 and actions.count(AuditAction.PORTAL_SIGN_IN) == 1


def test_a_contact_without_email_or_who_asked_never_to_be_emailed_cannot_be_invited(partner, manager_client):
    rosa = partner["rosa"]
    rosa.opted_out = True
    rosa.save()
    page = manager_client.post(url("invite", rosa.pk), {"agreed": "on"})
    assert page.status_code == 409 and b"never to be emailed" in page.content
    assert not mail.outbox and not PortalAccess.objects.exists()


def test_used_expired_revoked_and_unknown_links_get_the_same_page(partner):
    access = give_access(partner["rosa"])
    from portal.emails import send_sign_in_link

    pages = []
    send_sign_in_link(access)
    used = link_in_last_email()
    Client().post(used)
    send_sign_in_link(access)
    expired = link_in_last_email()
    SignInLink.objects.filter(used_at__isnull=True).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    other = give_access(partner["colleague"])
    send_sign_in_link(other)
    revoked = link_in_last_email()
    PortalAccess.objects.filter(pk=other.pk).update(revoked_at=timezone.now())
    unknown = "/portal/link/" + "x" * 43 + "/"
    for link in (used, expired, revoked, unknown):
        for method in ("get", "post"):
            answer = getattr(Client(), method)(link)
            pages.append((answer.status_code, answer.content.replace(link.encode(), b"")))
    assert len(set(pages)) == 1 and pages[0][0] == 404


def test_asking_for_a_link_answers_the_same_for_any_address_and_is_limited(partner, settings):
    give_access(partner["rosa"])
    client = Client()
    known = client.post(url("sign_in"), {"email": "ROSA@owl.example "})
    unknown = client.post(url("sign_in"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rosa@owl.example"]
    assert client.post(url("sign_in"), {"email": "not an address"}).status_code == 400
    statuses = [client.post(url("sign_in"), {"email": "rosa@owl.example"}).status_code for _ in range(6)]
    assert statuses[-1] == 429 and len(mail.outbox) <= 5


def test_a_contact_who_asked_never_to_be_emailed_gets_no_link(partner):
    give_access(partner["rosa"])
    partner["rosa"].opted_out = True
    partner["rosa"].save()
    Client().post(url("sign_in"), {"email": "rosa@owl.example"})
    assert not mail.outbox


def test_signing_out_and_revoking_end_the_session(partner, manager_client):
    browser = signed_in(partner["rosa"])
    browser.post(url("sign_out"))
    assert browser.get(url("home"))["Location"] == url("sign_in")
    browser = signed_in(partner["rosa"])
    access = PortalAccess.objects.get()
    assert manager_client.post(url("revoke", access.pk)).status_code == 302
    assert browser.get(url("home"))["Location"] == url("sign_in")
    assert AuditEvent.objects.filter(action=AuditAction.PORTAL_REVOKED).count() == 1


def test_a_session_lasts_hours_not_weeks(partner):
    browser = signed_in(partner["rosa"])
    PortalSession.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert browser.get(url("home"))["Location"] == url("sign_in")


def test_a_partner_gets_404_for_every_staff_page(rosa, partner):
    for path in (
        "/",
        "/partners/",
        f"/partners/{partner['organization'].pk}/",
        "/surveys/",
        "/dashboard/",
        "/accounts/login/",
        "/admin/",
        "/partners/no-such-page/",
    ):
        assert rosa.get(path).status_code == 404, path
    assert rosa.get(url("home")).status_code == 200


def test_a_staff_session_is_not_a_partner_session(manager_client):
    assert manager_client.get(url("home"))["Location"] == url("sign_in")

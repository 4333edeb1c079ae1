"""Security headers on every kind of response (a page, a form error, a
redirect, a refusal, the respondent's page, a dead link), and HSTS and
cookie flags with the production settings.

tests/crm/test_security_settings.py runs `check --deploy` on the production
settings; this module checks what the responses actually carry."""

import importlib
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from crm.settings import base as base_settings
from surveys.models import InvitationToken
from surveys.tokens import hash_token, new_token, shared_token
from tests.factories import InvitationFactory, OrganizationFactory, QuestionFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LONG_RANDOM_KEY = "pY7#kq2!Lw9_ZrT4vB1x@Nf6hJ3m$Cd8sQe5uG0a%Wz-Xo^Ry*Ii(Kl)Vn+Mb=Tc"
# Settings production.py sets for its own checks, not for the app.
NOT_APP_SETTINGS = {"SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "KNOWN_KEY_PREFIXES"}


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_security_headers(response) -> None:
    directives = csp_directives(response)
    for directive in ("script-src", "style-src"):
        assert directive in directives, f"{directive} missing: it would fall back to default-src"
        assert "'unsafe-inline'" not in directives[directive]
        assert "'unsafe-eval'" not in directives[directive]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.fixture
def survey_links():
    survey = SurveyFactory(status="active")
    question = QuestionFactory(survey=survey, kind="agreement")
    invitation = InvitationFactory(round=RoundFactory(survey=survey))
    invitation.round.shared_token_hash = hash_token(shared_token(invitation.round.pk))
    invitation.round.save(update_fields=["shared_token_hash"])
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    return {
        "invitation": reverse("surveys:respond", args=[raw]),
        "shared": reverse("surveys:respond_shared", args=[shared_token(invitation.round.pk)]),
        "round": invitation.round,
        "answer": {f"q{question.pk}": "4", "language": "en"},
    }


def sample_responses(program_manager, leader, outsider, survey_links) -> dict:
    """One response of each kind a visitor meets."""
    organization = OrganizationFactory()
    manager, chief, stranger, visitor = Client(), Client(), Client(), Client()
    manager.force_login(program_manager)
    chief.force_login(leader)
    stranger.force_login(outsider)
    partner_page = reverse("partners:organization_detail", args=[organization.pk])
    return {
        "login": visitor.get(reverse("login")),
        "login, wrong password": visitor.post(reverse("login"), {"username": "manager", "password": "no"}),
        "home, not signed in (redirect)": visitor.get(reverse("home")),
        "home": manager.get(reverse("home")),
        "partner page": manager.get(partner_page),
        "partner page, no role (403)": stranger.get(partner_page),
        "partner page, no such partner (404)": manager.get(reverse("partners:organization_detail", args=[10**9])),
        "dashboard": chief.get(reverse("dashboard:index")),
        "respondent page": visitor.get(survey_links["invitation"]),
        "respondent page, dead link (404)": visitor.get(reverse("surveys:respond", args=["x" * 43])),
        "survey results CSV": chief.get(reverse("surveys:survey_results_csv", args=[survey_links["round"].survey_id])),
    }


def test_every_sampled_response_carries_the_security_headers(program_manager, leader, outsider, survey_links):
    responses = sample_responses(program_manager, leader, outsider, survey_links)

    statuses = {name: response.status_code for name, response in responses.items()}
    assert statuses["home"] == statuses["respondent page"] == statuses["dashboard"] == 200
    assert {statuses["partner page, no role (403)"], statuses["home, not signed in (redirect)"]} == {403, 302}
    for name, response in responses.items():
        try:
            assert_security_headers(response)
        except (AssertionError, KeyError) as problem:
            raise AssertionError(f"{name}: {problem!r}") from problem


def test_no_hsts_over_plain_http_in_development(client):
    # Browsers ignore it over HTTP anyway; production sends it over HTTPS (below).
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers  # the security headers are sent, HSTS aside
    assert "Strict-Transport-Security" not in response.headers


# With the production settings


def production_overrides(monkeypatch) -> dict:
    """The settings crm/settings/production.py changes, read from the module
    itself (imported with a key that passes its checks), so that this test
    follows the file rather than a copy of it."""
    monkeypatch.setattr(base_settings, "SECRET_KEY", LONG_RANDOM_KEY)
    monkeypatch.setattr(base_settings, "FIELD_ENCRYPTION_KEYS", list(settings.FIELD_ENCRYPTION_KEYS))
    monkeypatch.delitem(sys.modules, "crm.settings.production", raising=False)
    production = importlib.import_module("crm.settings.production")
    sys.modules.pop("crm.settings.production")
    return {
        name: getattr(production, name)
        for name in dir(production)
        if name.isupper()
        and name not in NOT_APP_SETTINGS
        and getattr(production, name) != getattr(base_settings, name, object())
    }


@pytest.fixture
def production(monkeypatch):
    overrides = production_overrides(monkeypatch)
    assert overrides["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365
    assert overrides["SESSION_COOKIE_SECURE"] is True
    with override_settings(**overrides):
        yield overrides


def test_production_sends_hsts_and_the_headers_over_https(production, program_manager):
    client = Client()
    client.force_login(program_manager)

    for url in (reverse("login"), reverse("home"), reverse("dashboard:index")):
        response = client.get(url, secure=True)
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert_security_headers(response)


def test_production_sends_plain_http_to_https(production):
    response = Client().get(reverse("login"))

    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_production_cookies_are_secure_http_only_and_same_site(production, program_manager, survey_links):
    visitor = Client()
    login_page = visitor.get(reverse("login"), secure=True)
    token = login_page.cookies[settings.CSRF_COOKIE_NAME].value
    signed_in = visitor.post(
        reverse("login"), {"username": "manager", "password": PASSWORD, "csrfmiddlewaretoken": token}, secure=True
    )
    respondent = Client()
    respondent.get(survey_links["shared"], secure=True)
    answered = respondent.post(survey_links["shared"], survey_links["answer"], secure=True)

    assert signed_in.status_code == 302
    assert answered.status_code == 302
    cookies = {
        "csrf": login_page.cookies[settings.CSRF_COOKIE_NAME],
        "session": signed_in.cookies[settings.SESSION_COOKIE_NAME],
        "shared link answered": answered.cookies["answered_rounds"],
    }
    for name, cookie in cookies.items():
        assert cookie["secure"] is True, name
        assert cookie["samesite"] == "Lax", name
        assert cookie["httponly"] is True, name
    # Whatever else was set on the way (messages...) is Secure and SameSite too.
    for response in (login_page, signed_in, answered):
        for morsel in response.cookies.values():
            assert morsel["secure"] is True and morsel["samesite"], morsel.key


def test_static_files_keep_their_cache_but_carry_the_permissions_policy(client):
    """no-store is for pages only: the stylesheet may be cached."""
    static = client.get("/static/core/app.css")
    page = client.get(reverse("login"))

    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")
    assert "camera=()" in static["Permissions-Policy"] and "camera=()" in page["Permissions-Policy"]
    assert "no-store" in page["Cache-Control"]

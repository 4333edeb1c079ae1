"""CSRF on every URL that accepts POST, with the client that checks tokens
the way a browser-facing server must.

Which URLs accept POST comes from the authorization matrix: every pattern
where the role that may use it (the respondent for /s/ links, the
administrator for the admin, a program manager elsewhere) gets anything but
a refusal or 405. For each, a POST without a token is refused with 403 and
changes nothing; the same POST with a token gets the matrix's answer, which
proves it was the missing token, not the role, that was refused."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from audit.models import AuditAction, AuditEvent
from tests.security.conftest import ALL_ROUTES, admin_url, client_for, kwargs_for, snapshot
from tests.security.test_authorization_matrix import POST_BODY, REFUSALS, expected_for, outcome

pytestmark = pytest.mark.django_db


def actor(route) -> str:
    if route.is_admin:
        return "administrator"
    return "respondent" if route.route.startswith(("s/", "r/")) else "manager"


def post_code(route) -> str:
    _, cells = expected_for(route)
    return cells[(actor(route), "POST")]


# The one address that takes a POST without a token, by design: a mail
# program's one-click opt-out (RFC 8058) carries no cookie and no token; the
# private link in the address is the proof (tests/surveys/test_opt_out.py).
NO_TOKEN_BY_DESIGN = {"surveys:one_click_opt_out"}
POST_ROUTES = [
    route
    for route in ALL_ROUTES
    if post_code(route).rstrip("*") not in REFUSALS | {"404"} and route.key not in NO_TOKEN_BY_DESIGN
]


def url_for(data, route) -> str:
    if route.is_admin:
        return admin_url(data, route)
    spec, _ = expected_for(route)
    return reverse(route.key, kwargs=kwargs_for(data, spec, actor(route)))


def post(data, route, url: str, before: tuple, *, with_token: bool, body: dict | None = None):
    """One POST from a token-checking client, in a savepoint that is rolled
    back. Returns the response and whether any row changed."""
    client = client_for(data, actor(route), enforce_csrf_checks=True)
    body = dict(POST_BODY if body is None else body)
    if with_token:
        secret = get_random_string(32)
        client.cookies[settings.CSRF_COOKIE_NAME] = secret
        body["csrfmiddlewaretoken"] = secret
    with transaction.atomic():
        response = client.post(url, body)
        changed = snapshot(data) != before
        transaction.set_rollback(True)
    return response, changed


@pytest.fixture(scope="module")
def csrf_figures(figures):
    counts = {"post_urls_checked": 0, "of_which_admin": 0}
    yield counts
    counts["post_urls_in_project"] = len(POST_ROUTES)
    figures["csrf"] = counts


def test_the_list_of_post_urls_is_not_empty():
    # A mistake in the matrix's table must not quietly leave nothing to check.
    keys = {route.key for route in POST_ROUTES}
    assert {"login", "logout", "surveys:respond", "partners:organization_create", "admin:auth_user_change"} <= keys


def test_only_the_one_click_opt_out_goes_without_a_token():
    """Every view exempt from Django's CSRF check is listed above, with why."""
    exempt = {route.key for route in ALL_ROUTES if getattr(route.callback, "csrf_exempt", False)}
    assert exempt == NO_TOKEN_BY_DESIGN


@pytest.mark.parametrize("route", POST_ROUTES, ids=lambda route: route.key)
def test_post_without_a_token_is_refused_and_changes_nothing(dataset, baseline, route, csrf_figures):
    url = url_for(dataset, route)

    refused, changed = post(dataset, route, url, baseline, with_token=False)
    accepted, _ = post(dataset, route, url, baseline, with_token=True)

    assert refused.status_code == 403, f"{route.key} {url}: {refused.status_code}"
    assert b"CSRF verification failed" in refused.content
    assert not changed, f"{route.key}: a POST without a token changed rows"
    assert outcome(accepted) == post_code(route).rstrip("*"), f"{route.key} with a token: {outcome(accepted)}"
    csrf_figures["post_urls_checked"] += 1
    csrf_figures["of_which_admin"] += route.is_admin


def test_the_login_form_needs_its_token(dataset):
    credentials = {"username": "matrix-manager", "password": "correct-horse-battery"}
    logins = AuditEvent.objects.filter(action=AuditAction.LOGIN).count()
    client = Client(enforce_csrf_checks=True)

    refused = client.post(reverse("login"), credentials)

    assert refused.status_code == 403
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN).count() == logins

    page = client.get(reverse("login"))
    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    accepted = client.post(reverse("login"), {**credentials, "csrfmiddlewaretoken": token})

    assert accepted.status_code == 302
    assert SESSION_KEY in client.session


def test_a_complete_survey_answer_without_a_token_records_nothing(dataset, baseline):
    """The generic test posts a body no form accepts; here the answer is
    valid, so only the token stands between it and the database."""
    route = next(route for route in ALL_ROUTES if route.key == "surveys:respond")
    url = url_for(dataset, route)
    answers = {f"q{dataset.question.pk}": "4", "language": "en"}

    refused, changed = post(dataset, route, url, baseline, with_token=False, body=answers)
    accepted, recorded = post(dataset, route, url, baseline, with_token=True, body=answers)

    assert (refused.status_code, changed) == (403, False)
    assert (accepted.status_code, recorded) == (302, True), "the control answer, with a token, is recorded"

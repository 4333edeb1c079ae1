"""The gate, proven over every URL pattern of the project: a session that
has only passed the password step (here a superuser's, the strongest) gets
a redirect to the code step from every page, the admin included, except the
code step itself, the logout and the public pages (sign-in, survey links).
The same with the policy on, for an account that has not set it up yet.
Then a guessing run against the code step. Figures go to
test-results/two-factor.json."""

import datetime
import json
import random
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse
from django_otp.plugins.otp_static.models import StaticToken

from accounts import devices
from accounts.models import TwoFactorPolicy
from audit.models import AuditAction, AuditEvent
from tests.accounts.two_factor_support import (
    DISABLE,
    NEW_CODES,
    PASSWORD,
    SETUP,
    VERIFY,
    app_code,
    browser,
    code_step,
    enrol,
    password_step,
    post,
    wrong_code,
)
from tests.factories import UserFactory
from tests.security.conftest import ALL_ROUTES

pytestmark = pytest.mark.django_db

PUBLIC = {
    "login",
    "surveys:thanks",
    "surveys:respond",
    "surveys:respond_shared",
    "surveys:respond_short",
    "surveys:respond_card",
    "surveys:respond_short_done",
    "surveys:respond_changes",
    "surveys:opt_out",
    "surveys:one_click_opt_out",
    # A follow-up calendar: polled by a calendar app with its secret address,
    # never with a session (only its owner, signed in, can make one).
    "partners:follow_up_calendar",
    # The partner portal: its own sign-in, no staff account (its staff
    # pages, portal:invite, portal:revoke and portal:delete_record, are held).
    "portal:sign_in",
    "portal:link",
    "portal:sign_out",
    "portal:signed_out",
    "portal:language",
    "portal:home",
    "portal:contact_add",
    "portal:contact_edit",
    "portal:contact_remove",
    "portal:surveys_stop",
    "portal:preferences",
    "portal:ask",
    "portal:request_detail",
    "portal:delivery_confirm",
    "portal:export_json",
    "portal:export_csv",
    "portal:deletion",
}
SAMPLE_VALUES = {"token": "x" * 43, "code": "ABCD2345", "name": "key-figures"}
RESULTS = settings.BASE_DIR / "test-results" / "two-factor.json"
GUESSES = 300
GUESS_EVERY = 10  # seconds: 300 guesses in 50 minutes, inside one lockout


@pytest.fixture(scope="module")
def figures():
    found = {}
    yield found
    if found:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")


def sample_path(route) -> str:
    """A concrete URL for a pattern. The gate answers before the view, so the
    objects need not exist; resolving it back proves it hits that pattern."""
    path = re.sub(r"\(\?P<app_label>(\w+)[^)]*\)", r"\1", route.route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_VALUES.get(m[1], "1"), path)
    path = path.replace("(?P<url>.*)", "no-such-page/").replace("([^/]+)", "1").replace("^", "").replace("$", "")
    path = "/" + path
    match = resolve(path)
    assert (match.view_name if route.name else match.route) == (route.name or route.route), path
    return path


def held_at(response, step: str) -> bool:
    return response.status_code == 302 and response["Location"].split("?")[0] == step


def sweep(client, step: str) -> dict:
    """GET and POST on every pattern; which ones answered anything but a
    redirect to `step`, and how many of those are neither public, the
    logout nor the step itself (must be none)."""
    reachable, requests = set(), 0
    for route in ALL_ROUTES:
        path = sample_path(route)
        # A POST to the logout would end the session the sweep runs in; a GET shows it is open.
        for method in (client.get,) if route.name == "logout" else (client.get, client.post):
            requests += 1
            if not held_at(method(path), step):
                reachable.add(route.name or route.route)
    private = reachable - PUBLIC - {"logout", f"two_factor:{step.strip('/').split('/')[-1]}"}
    return {
        "patterns": len(ALL_ROUTES),
        "requests": requests,
        "open": sorted(reachable),
        "private_pages_reachable": len(private),
    }


def test_before_the_code_step_nothing_but_that_step_logout_and_public_pages(db, figures, frozen_clock):
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    enrol(boss)
    client = browser()
    password_step(client, "boss")
    client.handler.enforce_csrf_checks = False  # the gate, not CSRF, is under test here

    found = sweep(client, VERIFY)

    assert set(found["open"]) == PUBLIC | {"logout", "two_factor:verify"}
    assert found["private_pages_reachable"] == 0
    figures["before_code_step"] = found


def test_with_the_policy_on_nothing_but_set_up_logout_and_public_pages(db, figures):
    TwoFactorPolicy.objects.create(required=True)
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = browser()
    password_step(client, "boss")
    client.handler.enforce_csrf_checks = False

    found = sweep(client, SETUP)

    assert set(found["open"]) == PUBLIC | {"logout", "two_factor:setup"}
    assert found["private_pages_reachable"] == 0
    figures["policy_on_not_set_up"] = found


def test_guessing_codes_gets_five_tries_then_not_even_the_right_code(db, figures, frozen_clock):
    """An attacker who has the password signs in again each time the lock
    signs them out, and types random codes; at the end, the right one."""
    user = UserFactory(username="target")
    secret, _ = enrol(user)
    valid_now = {app_code(secret, step) for step in (-1, 0, 1)}
    guesses = [f"{random.randrange(10**6):06d}" for _ in range(GUESSES)]
    guesses = [code for code in guesses if code not in valid_now] + [app_code(secret)]
    client, outcomes = browser(), {"400": 0, "429": 0, "302": 0}
    for code in guesses:
        frozen_clock.shift(GUESS_EVERY)  # past django-otp's delay before the lock (8 s after 4 wrong codes)
        if "_auth_user_id" not in client.session:
            password_step(client, "target")
        response = code_step(client, code)
        outcomes[str(response.status_code)] += 1

    device = user.totpdevice_set.get()
    assert outcomes["302"] == 0  # nothing accepted, not even the right code at the end
    assert device.throttling_failure_count == settings.TWO_FACTOR_FAILURE_LIMIT
    figures["guessing"] = {
        "codes_tried": len(guesses),
        "accepted": outcomes["302"],
        "checked_against_the_device": device.throttling_failure_count,
        "refused_by_the_lock": len(guesses) - device.throttling_failure_count,
        "answers": outcomes,
        "lockout_minutes": settings.TWO_FACTOR_LOCKOUT_MINUTES,
        "minutes_spanned": len(guesses) * GUESS_EVERY // 60,
        "right_code_last_refused": True,
    }


def test_the_sweep_would_notice_an_open_page(db, frozen_clock):
    """Without the gate's middleware, the same sweep finds private pages."""
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    enrol(boss)
    client = browser()
    password_step(client, "boss")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("accounts.middleware.TwoFactorMiddleware.process_view", lambda *args: None)
        ungated = Client()  # loads the middleware afresh, with the patch
        ungated.cookies = client.cookies
        found = sweep(ungated, VERIFY)

    assert found["private_pages_reachable"] > 100
    assert {"home", "admin:index", "partners:organization_list"} <= set(found["open"])


def test_every_two_factor_event_is_audited_without_a_code_or_secret(db, figures, frozen_clock, admin_client_):
    """One account through everything: set up, a wrong code, the lock, a
    recovery code, new codes, turning off; the policy switched in the admin.
    Every kind is recorded, and nothing typed or shown is in the trail."""
    sam = UserFactory(username="sam")
    client = browser()
    password_step(client, "sam")
    client.get(SETUP)
    secret = client.session["two_factor_pending_secret"]
    typed = [app_code(secret)]
    post(client, SETUP, {"code": typed[-1]})
    shown = list(StaticToken.objects.filter(device__user=sam).values_list("token", flat=True))
    post(client, reverse("logout"))
    password_step(client, "sam")
    for _ in range(settings.TWO_FACTOR_FAILURE_LIMIT):
        frozen_clock.shift(GUESS_EVERY)
        typed.append(wrong_code(secret))
        code_step(client, typed[-1])
    frozen_clock.shift(datetime.timedelta(hours=1, minutes=1))
    password_step(client, "sam")
    typed.append(shown[0])
    code_step(client, typed[-1])
    frozen_clock.shift(30)
    typed.append(app_code(secret))
    post(client, NEW_CODES, {"code": typed[-1]})
    post(client, DISABLE, {"code_or_password": PASSWORD})
    admin_client_.post(reverse("admin:accounts_twofactorpolicy_add"), {"required": "on"})

    two_factor = {value for value in AuditAction.values if value.startswith("2fa_")}
    recorded = set(AuditEvent.objects.values_list("action", flat=True)) & two_factor
    trail = " ".join(AuditEvent.objects.values_list("target", flat=True))
    secrets = [secret, devices.base32_secret(secret).replace(" ", ""), PASSWORD, *shown, *typed]
    leaked = [value for value in secrets if value in trail]
    assert recorded == two_factor
    assert leaked == []
    figures["audit"] = {"two_factor_event_kinds": len(two_factor), "recorded": len(recorded), "secrets_in_trail": 0}

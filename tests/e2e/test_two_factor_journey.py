"""A program manager turns on two-factor login in a real browser: scans
(reads) the key, confirms with a code, keeps the recovery codes, then signs
in with a code from the app and once with a recovery code. Then an
administrator requires it for everyone, and a colleague who has not set it
up is held on the set-up page."""

import re
from base64 import b32decode
from binascii import hexlify

import pytest

from accounts.models import TwoFactorPolicy
from tests.accounts.two_factor_support import app_code, wrong_code
from tests.factories import UserFactory

from .conftest import check_page, field, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct-horse-battery"


def _password_step(page, live_server, username: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("heading", name="Log in").wait_for()


def test_setting_up_and_signing_in_with_two_factor_login(open_page, live_server):
    UserFactory(username="robin", first_name="Robin", groups=["Program managers"])
    page = open_page()
    log_in(page, live_server, "robin", PASSWORD)

    page.get_by_role("link", name="Two-factor login").click()
    page.get_by_role("heading", name="Two-factor login", level=1).wait_for()
    check_page(page, "two-factor overview")
    page.get_by_role("link", name="Set up two-factor login").click()
    page.get_by_role("heading", name="Set up two-factor login").wait_for()
    check_page(page, "two-factor set-up")
    assert page.locator("svg.qr-code").is_visible()
    assert page.locator("img").count() == 0
    secret = hexlify(b32decode(page.locator("code.typed-secret").inner_text().replace(" ", ""))).decode()

    field(page, "Code from your app").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-factor login").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    check_page(page, "recovery codes")
    codes = page.locator("ol.recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have saved them").click()
    page.wait_for_url(live_server.url + "/")

    # Signing in again: the password leads to the code step, and only there.
    _log_out(page)
    _password_step(page, live_server, "robin")
    page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
    check_page(page, "code step")
    assert page.get_by_role("link", name="Partners").count() == 0
    page.goto(live_server.url + "/partners/")
    page.wait_for_url(re.compile(r"/accounts/two-factor/verify/\?next=%2Fpartners%2F"))

    field(page, "Code").fill(wrong_code(secret))
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("That code did not work").wait_for()
    check_page(page, "code step, wrong code")

    # No phone to hand: a recovery code, once.
    field(page, "Code").fill(codes[0].upper())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + "/partners/")
    page.get_by_text("You used a recovery code: 9 left.").wait_for()
    check_page(page, "partners after a recovery code")

    # And with the app (the next code: the one that confirmed the set-up is used up).
    _log_out(page)
    _password_step(page, live_server, "robin")
    page.wait_for_url(re.compile(r"/accounts/two-factor/verify/"))
    field(page, "Code").fill(app_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(live_server.url + "/")
    page.get_by_role("link", name="Two-factor login").click()
    page.get_by_text("Recovery codes left").wait_for()
    assert page.locator(".facts dd").nth(2).inner_text() == "9"


def test_when_required_a_colleague_is_held_on_the_set_up_page(open_page, live_server):
    TwoFactorPolicy.objects.create(required=True)
    UserFactory(username="kim", first_name="Kim", groups=["Leadership"])
    page = open_page()

    _password_step(page, live_server, "kim")
    page.wait_for_url(re.compile(r"/accounts/two-factor/setup/"))
    page.get_by_text("Your organization requires two-factor login for every account.").wait_for()
    check_page(page, "set-up required")
    assert page.get_by_role("link", name="Dashboard").count() == 0

    page.goto(live_server.url + "/dashboard/")
    page.wait_for_url(re.compile(r"/accounts/two-factor/setup/\?next=%2Fdashboard%2F"))
    secret = hexlify(b32decode(page.locator("code.typed-secret").inner_text().replace(" ", ""))).decode()
    field(page, "Code from your app").fill(app_code(secret))
    page.get_by_role("button", name="Turn on two-factor login").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    page.get_by_role("link", name="I have saved them").click()
    page.wait_for_url(live_server.url + "/dashboard/")
    check_page(page, "dashboard after set-up")

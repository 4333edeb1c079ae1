"""After set-up: new recovery codes (the old ones stop working) for a code
from the app, and turning two-factor login off for a code or the password,
which the policy can forbid."""

import re

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import TwoFactorPolicy
from audit.models import AuditAction, AuditEvent
from tests.accounts.two_factor_support import (
    DISABLE,
    NEW_CODES,
    OVERVIEW,
    PASSWORD,
    app_code,
    browser,
    code_step,
    enrol,
    password_step,
    post,
    wrong_code,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(db, frozen_clock):
    """Enrolled, signed in with both steps; the clock then moves to the next
    30-second step, so the app shows a code not used yet."""
    user = UserFactory(username="sam", groups=["Program managers"])
    user.secret, user.codes = enrol(user)
    user.client = browser()
    password_step(user.client, "sam")
    assert code_step(user.client, app_code(user.secret)).status_code == 302
    frozen_clock.shift(30)
    return user


def test_the_overview_says_it_is_on_and_how_many_codes_are_left(sam):
    page = sam.client.get(OVERVIEW)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Recovery codes left" in html and "<dd>10</dd>" in html
    assert sam.secret not in html and not any(code in html for code in sam.codes)


def test_new_recovery_codes_replace_the_old_ones(sam):
    made = post(sam.client, NEW_CODES, {"code": app_code(sam.secret)})

    assert made.status_code == 200
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", made.content.decode())
    assert len(shown) == 10 and not set(shown) & set(sam.codes)
    assert set(StaticToken.objects.filter(device__user=sam).values_list("token", flat=True)) == set(shown)
    assert AuditEvent.objects.filter(action=AuditAction.RECOVERY_CODES_NEW, user=sam).count() == 1


def test_a_session_signed_in_with_a_recovery_code_stays_signed_in_after_new_codes(sam):
    other = browser(ip="10.0.0.8")
    password_step(other, "sam")
    assert code_step(other, sam.codes[0]).status_code == 302

    made = post(other, NEW_CODES, {"code": app_code(sam.secret)})

    assert made.status_code == 200
    assert other.get(OVERVIEW).status_code == 200
    assert not StaticToken.objects.filter(token__in=sam.codes).exists()


@pytest.mark.parametrize("typed", ["wrong", "recovery", "", "x" * 500])
def test_new_codes_need_a_code_from_the_app(sam, typed):
    code = {"wrong": wrong_code(sam.secret), "recovery": sam.codes[0], "": "", "x" * 500: "x" * 500}[typed]

    refused = post(sam.client, NEW_CODES, {"code": code})

    assert refused.status_code == 400
    assert "No new codes were made." in refused.content.decode()
    assert set(StaticToken.objects.filter(device__user=sam).values_list("token", flat=True)) == set(sam.codes)


def test_turning_off_with_the_password(sam):
    done = post(sam.client, DISABLE, {"code_or_password": PASSWORD})

    assert done.status_code == 302 and done["Location"] == OVERVIEW
    assert not TOTPDevice.objects.filter(user=sam).exists()
    assert not StaticToken.objects.filter(device__user=sam).exists()
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_DISABLED, user=sam).count() == 1
    assert sam.client.get(OVERVIEW).status_code == 200  # still signed in

    again = browser(ip="10.0.0.7")
    assert password_step(again, "sam")["Location"] == "/"
    assert again.get("/").status_code == 200  # no second step any more


def test_turning_off_with_a_code(sam):
    done = post(sam.client, DISABLE, {"code_or_password": app_code(sam.secret)})

    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=sam).exists()


def test_a_wrong_password_or_code_turns_nothing_off_and_counts(sam, frozen_clock):
    wrong_password = post(sam.client, DISABLE, {"code_or_password": "not-my-password"})
    frozen_clock.shift(60)
    wrong_app_code = post(sam.client, DISABLE, {"code_or_password": wrong_code(sam.secret)})

    assert wrong_password.status_code == 400 and wrong_app_code.status_code == 400
    assert "still on" in wrong_password.content.decode()
    assert TOTPDevice.objects.get(user=sam).throttling_failure_count == 2
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_FAILED, user=sam).count() == 2


def test_the_policy_forbids_turning_off(sam):
    TwoFactorPolicy.objects.create(required=True)

    page = sam.client.get(OVERVIEW).content.decode()
    refused = post(sam.client, DISABLE, {"code_or_password": PASSWORD})

    assert "Turn off two-factor login" not in page
    assert "Move it to a new phone" in page
    assert refused.status_code == 403
    assert TOTPDevice.objects.filter(user=sam).exists()


def test_without_two_factor_there_is_nothing_to_change(program_manager):
    client = browser()
    password_step(client, "manager")

    assert post(client, NEW_CODES, {"code": "123456"})["Location"] == OVERVIEW
    assert post(client, DISABLE, {"code_or_password": PASSWORD})["Location"] == OVERVIEW
    assert "Set up two-factor login" in client.get(OVERVIEW).content.decode()
    assert not StaticToken.objects.exists()


def test_the_menu_links_to_the_two_factor_page(program_manager):
    client = browser()
    password_step(client, "manager")

    assert f'href="{OVERVIEW}"' in client.get("/").content.decode()

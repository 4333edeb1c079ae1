"""Setting up two-factor login: a QR code drawn in the page and the key as
text, confirmed with a first code, then ten recovery codes shown once."""

import re
from base64 import b32decode
from binascii import hexlify

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.views import PENDING_SECRET
from audit.models import AuditAction, AuditEvent
from tests.accounts.two_factor_support import PASSWORD, SETUP, app_code, browser, enrol, password_step, post, wrong_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(db):
    """Signed in with the password, as a browser (CSRF checked)."""
    UserFactory(username="sam", groups=["Program managers"])
    client = browser()
    password_step(client, "sam")
    return client


def _pending_secret(client) -> str:
    return client.session[PENDING_SECRET]


def test_the_page_draws_the_qr_code_itself_and_shows_the_key(client_):
    page = client_.get(SETUP)
    html = page.content.decode()

    assert page.status_code == 200
    assert re.search(r'<svg [^>]*class="qr-code"', html)
    assert "<img" not in html and "data:" not in html and "otpauth://" not in html.split("<svg", 1)[0]
    typed = re.search(r'<code class="typed-secret">([A-Z2-7 ]+)</code>', html)[1]
    assert hexlify(b32decode(typed.replace(" ", ""))).decode() == _pending_secret(client_)
    assert not TOTPDevice.objects.exists()  # nothing saved until a code confirms it


def test_reloading_keeps_the_same_key(client_):
    client_.get(SETUP)
    first = _pending_secret(client_)
    client_.get(SETUP)

    assert _pending_secret(client_) == first


def test_the_first_code_turns_it_on_and_shows_ten_recovery_codes_once(client_, frozen_clock):
    client_.get(SETUP)
    secret = _pending_secret(client_)

    done = post(client_, SETUP, {"code": app_code(secret)})

    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    device = TOTPDevice.objects.get(user__username="sam")
    assert device.confirmed and device.key == secret
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(shown) == 10
    assert sorted(shown) == sorted(StaticToken.objects.filter(device__user=device.user).values_list("token", flat=True))
    assert PENDING_SECRET not in client_.session
    assert client_.session[DEVICE_ID_SESSION_KEY] == device.persistent_id  # this session is verified
    assert client_.get(reverse("home")).status_code == 200
    (event,) = AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_ENABLED)
    assert event.target == "sam" and secret not in event.target
    # The codes are never shown again.
    overview = client_.get(reverse("two_factor:overview"))
    assert overview.status_code == 200
    assert "Recovery codes left" in overview.content.decode()
    assert not any(code in overview.content.decode() for code in shown)


def test_the_confirming_code_cannot_sign_in_again(client_, frozen_clock):
    client_.get(SETUP)
    code = app_code(_pending_secret(client_))
    post(client_, SETUP, {"code": code})

    again = browser(ip="10.0.0.5")
    password_step(again, "sam")
    replayed = post(again, reverse("two_factor:verify"), {"code": code})

    assert replayed.status_code == 400


@pytest.mark.parametrize("kind", ["wrong", "letters", "empty", "huge"])
def test_a_bad_code_is_a_400_and_turns_nothing_on(client_, kind):
    client_.get(SETUP)
    secret = _pending_secret(client_)
    typed = {"wrong": wrong_code(secret), "letters": "abcdef", "empty": "", "huge": "1" * 10_000}[kind]

    refused = post(client_, SETUP, {"code": typed})

    assert refused.status_code == 400
    assert "Two-factor login is not on yet." in refused.content.decode()
    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert _pending_secret(client_) == secret  # the same QR code, to try again


def test_an_expired_set_up_page_asks_to_scan_again(client_):
    refused = post(client_, SETUP, {"code": "123456"})

    assert refused.status_code == 400
    assert "This set-up page has expired" in refused.content.decode()
    assert _pending_secret(client_)  # a new key, shown on this page


def _replacing(client, frozen_clock) -> tuple:
    """Sam, enrolled and signed in with both factors, opens the set-up page
    again: the old secret and codes, and the new secret."""
    user = UserFactory(username="sam")
    old_secret, old_codes = enrol(user)
    post(client, reverse("two_factor:verify"), {"code": app_code(old_secret)})
    client.get(SETUP)
    frozen_clock.shift(30)  # a fresh code from the old app: the one used to sign in is spent
    return user, old_secret, old_codes, _pending_secret(client)


def test_setting_up_again_with_a_code_from_the_old_app_replaces_the_old_phone_and_codes(client_, frozen_clock):
    user, old_secret, old_codes, new_secret = _replacing(client_, frozen_clock)

    post(client_, SETUP, {"current": app_code(old_secret), "code": app_code(new_secret)})

    assert list(TOTPDevice.objects.filter(user=user).values_list("key", flat=True)) == [new_secret]
    assert not StaticToken.objects.filter(token__in=old_codes).exists()
    event = AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_ENABLED).get()
    assert event.target == "sam: replaced, proved with a code from the current app"


def test_a_taken_over_session_cannot_put_its_own_phone_in_place_of_the_real_one(client_, frozen_clock):
    """Signed in with both factors (a session left open, or stolen), but
    without the old phone, the recovery codes or the password."""
    user, old_secret, _old_codes, new_secret = _replacing(client_, frozen_clock)

    without_proof = post(client_, SETUP, {"code": app_code(new_secret)})
    wrong_proof = post(client_, SETUP, {"current": wrong_code(old_secret), "code": app_code(new_secret)})

    assert without_proof.status_code == wrong_proof.status_code == 400
    assert "Code from your current app, or a recovery code" in without_proof.content.decode()
    assert list(TOTPDevice.objects.filter(user=user).values_list("key", flat=True)) == [old_secret]
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_FAILED).count() == 1


def test_a_lost_phone_is_replaced_with_a_recovery_code_and_the_password(client_, frozen_clock):
    user, _old_secret, old_codes, new_secret = _replacing(client_, frozen_clock)

    wrong_password = post(client_, SETUP, {"current": old_codes[0], "password": "not-it", "code": app_code(new_secret)})
    assert wrong_password.status_code == 400
    assert StaticToken.objects.filter(token=old_codes[0]).exists()  # not spent on a wrong password

    post(client_, SETUP, {"current": old_codes[0], "password": PASSWORD, "code": app_code(new_secret)})

    assert list(TOTPDevice.objects.filter(user=user).values_list("key", flat=True)) == [new_secret]
    event = AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_ENABLED).get()
    assert event.target == "sam: replaced, proved with the password and a recovery code"


def test_an_enrolled_user_cannot_set_up_again_before_the_code_step(db, frozen_clock):
    """Otherwise a stolen password would be enough to move the second factor to a new phone."""
    user = UserFactory(username="sam")
    enrol(user)
    client = browser()
    password_step(client, "sam")

    held = client.get(SETUP)
    posted = post(client, SETUP, {"code": "123456"})

    assert held["Location"].startswith(reverse("two_factor:verify"))
    assert posted["Location"] == reverse("two_factor:verify")
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(SETUP)["Location"].startswith(reverse("login"))

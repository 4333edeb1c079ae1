"""The second sign-in step: a password alone opens nothing but that step;
an app code or a recovery code (each once) opens the rest; wrong codes get
a clear 400, slow down, then lock the step for an hour and sign out."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditAction, AuditEvent
from tests.accounts.two_factor_support import (
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

pytestmark = pytest.mark.django_db

HOME = reverse("home")
PARTNERS = reverse("partners:organization_list")


@pytest.fixture
def sam(db):
    user = UserFactory(username="sam", groups=["Program managers"])
    user.secret, user.codes = enrol(user)
    return user


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def test_a_password_alone_leads_to_the_code_step_and_nowhere_else(sam, frozen_clock):
    client = browser()

    signed_in = password_step(client, "sam", next_url=PARTNERS)
    followed = client.get(signed_in["Location"])

    assert SESSION_KEY in client.session and DEVICE_ID_SESSION_KEY not in client.session
    assert followed.status_code == 302 and followed["Location"].startswith(VERIFY + "?next=")
    for url in (HOME, PARTNERS, reverse("admin:index"), reverse("two_factor:overview"), reverse("two_factor:setup")):
        assert client.get(url)["Location"].startswith(VERIFY), url
    page = client.get(followed["Location"])
    assert page.status_code == 200
    assert "Enter your code" in page.content.decode()
    assert 'href="/partners/"' not in page.content.decode()  # no menu on the gate


def test_the_app_code_opens_the_page_asked_for(sam, frozen_clock):
    client = browser()
    password_step(client, "sam", next_url=PARTNERS)

    verified = code_step(client, app_code(sam.secret), next_url=PARTNERS)

    assert verified.status_code == 302 and verified["Location"] == PARTNERS
    assert client.get(PARTNERS).status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == TOTPDevice.objects.get(user=sam).persistent_id


def test_an_outside_next_address_is_ignored(sam, frozen_clock):
    client = browser()
    password_step(client, "sam")

    verified = code_step(client, app_code(sam.secret), next_url="https://evil.example/")

    assert verified["Location"] == HOME


def test_a_code_works_once(sam, frozen_clock):
    code = app_code(sam.secret)
    first = browser()
    password_step(first, "sam")
    assert code_step(first, code).status_code == 302

    frozen_clock.shift(2)
    second = browser(ip="10.0.0.2")
    password_step(second, "sam")
    replayed = code_step(second, code)

    assert replayed.status_code == 400
    assert DEVICE_ID_SESSION_KEY not in second.session


def test_a_recovery_code_works_once_and_is_audited(sam, frozen_clock):
    code = sam.codes[0]
    client = browser()
    password_step(client, "sam")

    verified = code_step(client, f" {code[:4].upper()}-{code[4:]} ")  # as people type them

    assert verified.status_code == 302
    assert client.get(HOME).status_code == 200
    assert not StaticToken.objects.filter(token=code).exists()
    assert StaticToken.objects.filter(device__user=sam).count() == 9
    (event,) = events(AuditAction.RECOVERY_CODE_USED)
    assert event.user == sam and event.target == "sam: 9 left"
    assert code not in event.target

    frozen_clock.shift(5)
    again = browser(ip="10.0.0.3")
    password_step(again, "sam")
    assert code_step(again, code).status_code == 400


@pytest.mark.parametrize(
    "typed",
    ["", "12345", "1234567", "abc", "<script>alert(1)</script>", "٣٣٣٣٣٣", "9" * 5000, "' OR 1=1 --"],
    ids=["empty", "5-digits", "7-digits", "letters", "markup", "arabic-digits", "huge", "sql"],
)
def test_malformed_codes_get_a_clear_400(sam, frozen_clock, typed):
    client = browser()
    password_step(client, "sam")

    refused = code_step(client, typed)

    assert refused.status_code == 400
    html = refused.content.decode()
    assert "That did not sign you in." in html
    assert "<script>alert(1)</script>" not in html
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_wrong_code_is_a_400_with_the_reason_and_an_audit_event(sam, frozen_clock):
    client = browser()
    password_step(client, "sam")

    refused = code_step(client, wrong_code(sam.secret))

    assert refused.status_code == 400
    assert "That code did not work" in refused.content.decode()
    (event,) = events(AuditAction.TWO_FACTOR_FAILED)
    assert event.user == sam and event.target == "sam"


def test_a_second_try_straight_away_is_asked_to_wait(sam, frozen_clock):
    """django-otp's delay: 1 s after the first wrong code, 2 s after the second…"""
    client = browser()
    password_step(client, "sam")
    code_step(client, wrong_code(sam.secret))

    too_soon = code_step(client, app_code(sam.secret))
    frozen_clock.shift(1.5)
    in_time = code_step(client, app_code(sam.secret))

    assert too_soon.status_code == 400 and "wait a few seconds" in too_soon.content.decode()
    assert in_time.status_code == 302


def _type_wrong_codes(client, secret, clock, count: int):
    responses = []
    for _ in range(count):
        clock.shift(60)  # past django-otp's growing delay, so each try is counted
        responses.append(code_step(client, wrong_code(secret)))
    return responses


def test_five_wrong_codes_sign_out_and_lock_the_step_for_an_hour(sam, frozen_clock):
    client = browser()
    password_step(client, "sam")

    *first_four, fifth = _type_wrong_codes(client, sam.secret, frozen_clock, 5)

    assert [r.status_code for r in first_four] == [400] * 4
    assert fifth.status_code == 429
    assert "Too many wrong codes" in fifth.content.decode()
    assert SESSION_KEY not in client.session
    assert len(events(AuditAction.TWO_FACTOR_FAILED)) == 5
    (locked,) = events(AuditAction.TWO_FACTOR_LOCKED)
    assert locked.user == sam

    # Signing in again with the password does not reset the count, and the right code is refused.
    frozen_clock.shift(5 * 60)
    again = browser(ip="10.0.0.9")
    password_step(again, "sam")
    refused = again.get(VERIFY)
    assert refused.status_code == 429
    assert SESSION_KEY not in again.session

    # An hour after the last wrong code, the right code works again.
    frozen_clock.shift(datetime.timedelta(minutes=56))
    later = browser()
    password_step(later, "sam")
    assert code_step(later, app_code(sam.secret)).status_code == 302
    assert later.get(HOME).status_code == 200


def test_after_a_lockout_one_more_wrong_code_locks_again(sam, frozen_clock):
    client = browser()
    password_step(client, "sam")
    _type_wrong_codes(client, sam.secret, frozen_clock, 5)
    frozen_clock.shift(datetime.timedelta(minutes=61))

    again = browser()
    password_step(again, "sam")
    (relocked,) = _type_wrong_codes(again, sam.secret, frozen_clock, 1)

    assert relocked.status_code == 429


def test_a_right_code_resets_the_count(sam, frozen_clock):
    client = browser()
    password_step(client, "sam")
    _type_wrong_codes(client, sam.secret, frozen_clock, 4)
    frozen_clock.shift(60)
    assert code_step(client, app_code(sam.secret)).status_code == 302
    post(client, reverse("logout"))

    again = browser()
    password_step(again, "sam")
    responses = _type_wrong_codes(again, sam.secret, frozen_clock, 4)

    assert [r.status_code for r in responses] == [400] * 4


def test_recovery_codes_count_towards_the_same_limit(sam, frozen_clock):
    client = browser()
    password_step(client, "sam")
    _type_wrong_codes(client, sam.secret, frozen_clock, 3)
    frozen_clock.shift(60)
    code_step(client, "zzzzzzzz")  # a well-formed recovery code that is not one of sam's
    frozen_clock.shift(60)

    locked = code_step(client, "yyyyyyyy")

    assert locked.status_code == 429


def test_a_user_without_two_factor_logs_in_as_before(program_manager):
    client = browser()

    signed_in = password_step(client, "manager")

    assert signed_in["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert client.get(VERIFY)["Location"] == HOME  # nothing to verify


def test_the_survey_pages_are_never_held_at_the_gate(sam, frozen_clock):
    """A staff member opening a survey link is a respondent there."""
    client = browser()
    password_step(client, "sam")

    # The "link does not work" page and the thank-you page, as anyone gets them.
    for url, status in ((reverse("surveys:respond", args=["x" * 43]), 404), (reverse("surveys:thanks"), 200)):
        response = client.get(url)
        assert not (response.status_code == 302 and response["Location"].startswith(VERIFY)), url
        assert response.status_code == status, (url, response.status_code)

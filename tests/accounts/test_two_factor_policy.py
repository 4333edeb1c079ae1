"""The requirement: off by default (the demo keeps two-factor login
optional), switched on by an administrator in the admin (audited) or by
the server setting CRM_REQUIRE_TWO_FACTOR. When on, an account without it
is taken to set it up and can open nothing else, the admin included."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import TwoFactorPolicy
from audit.models import AuditAction, AuditEvent
from tests.accounts.two_factor_support import SETUP, app_code, browser, code_step, enrol, password_step, post
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

POLICY_CHANGE = reverse("admin:accounts_twofactorpolicy_change", args=[1])
HOME = reverse("home")


@pytest.fixture
def required(db):
    return TwoFactorPolicy.objects.create(required=True)


def test_optional_by_default_and_reading_it_writes_nothing(program_manager):
    client = browser()
    password_step(client, "manager")

    assert client.get(HOME).status_code == 200
    assert TwoFactorPolicy.is_required() is False
    assert not TwoFactorPolicy.objects.exists()


def test_the_server_setting_requires_it_whatever_the_admin_says(db, settings):
    settings.CRM_REQUIRE_TWO_FACTOR = True
    TwoFactorPolicy.objects.create(required=False)

    assert TwoFactorPolicy.is_required() is True


def test_when_required_an_account_without_it_can_only_set_it_up(program_manager, required):
    client = browser()
    password_step(client, "manager", next_url="/partners/")

    for url in (HOME, "/partners/", reverse("two_factor:overview"), reverse("password_change")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), url
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert "requires two-factor login for every account" in html
    assert 'href="/partners/"' not in html  # no menu while held at the gate
    assert post(client, reverse("logout")).status_code == 302


def test_once_set_up_the_account_gets_in(program_manager, required, frozen_clock):
    client = browser()
    password_step(client, "manager")
    client.get(SETUP)
    secret = client.session["two_factor_pending_secret"]

    post(client, SETUP, {"code": app_code(secret)})

    assert client.get(HOME).status_code == 200


def test_the_admin_needs_the_second_step_too(administrator, required, frozen_clock):
    client = browser()
    password_step(client, "administrator")
    assert client.get(reverse("admin:index"))["Location"].startswith(SETUP)

    secret, _ = enrol(administrator)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor:verify"))
    code_step(client, app_code(secret))
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_administrator_switches_it_on_in_the_admin_and_it_is_audited(admin_client_):
    TwoFactorPolicy.objects.create(required=False)

    page = admin_client_.get(POLICY_CHANGE)
    saved = admin_client_.post(POLICY_CHANGE, {"required": "on"})

    assert page.status_code == 200 and "require two-factor login for every account" in page.content.decode().lower()
    assert saved.status_code == 302
    assert TwoFactorPolicy.is_required() is True
    event = AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_POLICY).latest("id")
    assert event.target == "required" and event.user.username == "administrator"
    # The administrator's own session is now held until they set it up.
    assert admin_client_.get(reverse("admin:index"))["Location"].startswith(SETUP)


def test_the_policy_is_one_row_that_cannot_be_added_twice_or_deleted(admin_client_):
    TwoFactorPolicy.objects.create(required=False)

    assert admin_client_.get(reverse("admin:accounts_twofactorpolicy_add")).status_code == 403
    assert admin_client_.post(reverse("admin:accounts_twofactorpolicy_delete", args=[1])).status_code == 403
    assert TwoFactorPolicy.objects.count() == 1


def test_an_administrator_can_reset_a_users_two_factor_login(admin_client_, program_manager):
    """For someone who lost both their phone and their codes: the device is
    deleted in the admin, audited, and the user sets it up again."""
    enrol(program_manager)
    device = TOTPDevice.objects.get(user=program_manager)

    change = admin_client_.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    deleted = admin_client_.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})

    assert change.status_code == 200 and device.key not in change.content.decode()
    assert deleted.status_code == 302
    assert not TOTPDevice.objects.filter(user=program_manager).exists()
    event = AuditEvent.objects.get(action=AuditAction.TWO_FACTOR_DISABLED)
    assert event.user.username == "administrator" and event.target.startswith("manager: ")


def test_respondent_pages_are_never_affected(required):
    UserFactory(username="sam")
    client = browser()
    password_step(client, "sam")

    response = client.get(reverse("surveys:respond", args=["x" * 43]))

    assert response.status_code == 404  # the survey page's own answer, not the gate's

"""Logging in and out, changing the password, the login lockout, and
anonymous visitors being sent to the login page from every page."""

import datetime
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partners.models import Contact, Interaction, Organization, SupportDelivery, SupportRequest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
LOGOUT = reverse("logout")
PASSWORD = reverse("password_change")
RIGHT = "correct-horse-battery"
WRONG = "not-the-password"
LOCKED_TEXT = "This account is locked for an hour"


def browser(ip: str = "127.0.0.1") -> Client:
    """A client that checks CSRF tokens and comes from one address."""
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=ip)


def log_in(client: Client, username: str, password: str, next_url: str = ""):
    """Fills in and sends the real login form, CSRF token included."""
    page = client.get(LOGIN + (f"?next={quote(next_url)}" if next_url else ""))
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    data = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def is_logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def post_with_token(client: Client, url: str, data: dict | None = None):
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


# Login and logout


def test_login_page_is_open_to_anonymous_visitors(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


def test_logging_in_leads_to_my_work(program_manager):
    client = browser()

    response = log_in(client, "manager", RIGHT)

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert is_logged_in(client)
    assert client.get(reverse("home")).status_code == 200


def test_logging_in_returns_to_the_page_asked_for(program_manager):
    client = browser()
    wanted = reverse("partners:request_list")

    response = log_in(client, "manager", RIGHT, next_url=wanted)

    assert response.url == wanted


def test_login_does_not_redirect_to_another_site(program_manager):
    response = log_in(browser(), "manager", RIGHT, next_url="https://evil.example/")

    assert response.url == reverse("home")


def test_wrong_password_is_refused_with_a_message(program_manager):
    client = browser()

    response = log_in(client, "manager", WRONG)

    assert "That username and password did not match." in response.content.decode()
    assert not is_logged_in(client)


def test_a_username_too_long_for_any_account_is_refused(db):
    """Found by tests/security/test_fuzz_forms.py: a 300-character username
    reached django-axes' 255-character column, a 500 on PostgreSQL."""
    client = browser()

    response = log_in(client, "x" * 300, WRONG)

    assert response.status_code == 400
    assert "username" in response.context["form"].errors
    assert not is_logged_in(client)


def test_login_form_needs_the_csrf_token(program_manager):
    client = browser()

    response = client.post(LOGIN, {"username": "manager", "password": RIGHT})

    assert response.status_code == 403
    assert not is_logged_in(client)


def test_logged_in_user_visiting_login_goes_home(manager_client):
    assert manager_client.get(LOGIN).url == reverse("home")


def test_logging_out_ends_the_session(program_manager):
    client = browser()
    log_in(client, "manager", RIGHT)

    response = post_with_token(client, LOGOUT)

    assert response.url == LOGIN
    assert not is_logged_in(client)
    assert client.get(reverse("home")).status_code == 302


def test_logout_is_not_a_link_anyone_can_trigger(manager_client):
    assert manager_client.get(LOGOUT).status_code == 405
    assert manager_client.get(reverse("home")).status_code == 200


def test_inactive_user_cannot_log_in(db):
    UserFactory(username="former", is_active=False)
    client = browser()

    log_in(client, "former", RIGHT)

    assert not is_logged_in(client)


# Lockout after repeated failures (django-axes)


def fail(client: Client, username: str, times: int):
    for _ in range(times):
        log_in(client, username, WRONG)


def test_four_failures_do_not_lock_the_account(program_manager):
    client = browser()
    fail(client, "manager", 4)

    log_in(client, "manager", RIGHT)

    assert is_logged_in(client)


def test_five_failures_lock_out_even_the_right_password(program_manager):
    client = browser()
    fail(client, "manager", 5)

    response = log_in(client, "manager", RIGHT)

    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert not is_logged_in(client)


def test_lockout_is_for_that_username_from_that_address_only(program_manager, leader):
    fail(browser("203.0.113.7"), "manager", 5)

    from_elsewhere = browser("198.51.100.2")
    log_in(from_elsewhere, "manager", RIGHT)
    other_user_same_address = browser("203.0.113.7")
    log_in(other_user_same_address, "leader", RIGHT)

    assert is_logged_in(from_elsewhere)
    assert is_logged_in(other_user_same_address)


def test_a_successful_login_resets_the_count(program_manager):
    client = browser()
    fail(client, "manager", 4)
    log_in(client, "manager", RIGHT)
    post_with_token(client, LOGOUT)
    fail(client, "manager", 4)

    log_in(client, "manager", RIGHT)

    assert is_logged_in(client)


def test_lockout_ends_after_an_hour(program_manager):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = browser()
        fail(client, "manager", 5)
        log_in(client, "manager", RIGHT)
        assert not is_logged_in(client)

        clock.shift(datetime.timedelta(minutes=61))
        log_in(client, "manager", RIGHT)

        assert is_logged_in(client)


# Password change


def test_changing_the_password(program_manager):
    client = browser()
    log_in(client, "manager", RIGHT)
    client.get(PASSWORD)

    response = post_with_token(
        client,
        PASSWORD,
        {
            "old_password": RIGHT,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )

    assert response.url == reverse("password_change_done")
    program_manager.refresh_from_db()
    assert program_manager.check_password("a-much-longer-passphrase")
    assert client.get(reverse("home")).status_code == 200  # still logged in


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field"),
    [
        (WRONG, "a-much-longer-passphrase", "a-much-longer-passphrase", "old_password"),
        (RIGHT, "short-pass", "short-pass", "new_password2"),
        (RIGHT, "a-much-longer-passphrase", "another-long-passphrase", "new_password2"),
        (RIGHT, "123456789012345", "123456789012345", "new_password2"),
    ],
)
def test_bad_password_change_is_refused(manager_client, program_manager, old, new1, new2, field):
    response = manager_client.post(PASSWORD, {"old_password": old, "new_password1": new1, "new_password2": new2})

    assert field in response.context["form"].errors
    assert "Please fix the problems marked below." in response.content.decode()
    program_manager.refresh_from_db()
    assert program_manager.check_password(RIGHT)


# Anonymous visitors


def test_anonymous_visitor_is_sent_to_login_from_every_page(client, partner_urls):
    # A calendar feed is polled by a calendar app, not a person: its address
    # is the key, and a wrong one is simply not there (tests/partners/test_follow_up_tasks.py).
    staff_pages = [url for name, url in partner_urls.items() if name != "follow_up_calendar"]
    assert client.get(partner_urls["follow_up_calendar"]).status_code == 404
    pages = [reverse("home"), PASSWORD, reverse("password_change_done"), *staff_pages]

    for page in pages:
        response = client.get(page)
        assert (response.status_code, response.url) == (302, f"{LOGIN}?next={quote(page)}"), page


def test_anonymous_posts_change_nothing(client, write_urls):
    counted = [Organization, Contact, Interaction, SupportRequest, SupportDelivery]
    before = [model.objects.count() for model in counted]

    for page in write_urls.values():
        response = client.post(page, {"name": "Anonymous", "summary": "x", "description": "x"})
        assert response.status_code == 302, page
        assert response.url.startswith(f"{LOGIN}?next="), page

    assert [model.objects.count() for model in counted] == before
    assert not Organization.objects.filter(name="Anonymous").exists()

"""What the two-factor tests share: an enrolled user, the code an
authenticator app would show, and the two sign-in steps done as a browser
would (real forms, CSRF tokens)."""

from binascii import unhexlify
from urllib.parse import quote

from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from accounts import devices

PASSWORD = "correct-horse-battery"  # tests/factories.py
LOGIN = reverse("login")
VERIFY = reverse("two_factor:verify")
SETUP = reverse("two_factor:setup")
OVERVIEW = reverse("two_factor:overview")
NEW_CODES = reverse("two_factor:recovery_codes")
DISABLE = reverse("two_factor:disable")


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What the phone shows now (or `steps_ahead` periods of 30 s later)."""
    totp = TOTP(unhexlify(secret))
    totp.time = totp.time + 30 * steps_ahead
    return f"{totp.token():06d}"


def wrong_code(secret: str) -> str:
    """Six digits that are none of the codes accepted now (one step either side)."""
    accepted = {app_code(secret, step) for step in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def enrol(user) -> tuple[str, list[str]]:
    """Two-factor login on for `user`, as if set up a while ago: (secret, recovery codes)."""
    secret = devices.new_secret()
    _, codes = devices.enrol(user, secret, confirmed_step=-1)
    return secret, codes


def browser(ip: str = "127.0.0.1") -> Client:
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=ip)


def csrf(client: Client) -> str:
    if "csrftoken" not in client.cookies:
        client.get(LOGIN)
    return client.cookies["csrftoken"].value


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, {**(data or {}), "csrfmiddlewaretoken": csrf(client)})


def password_step(client: Client, username: str, password: str = PASSWORD, next_url: str = ""):
    page = client.get(LOGIN + (f"?next={quote(next_url)}" if next_url else ""))
    assert page.status_code in (200, 302)
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return post(client, LOGIN, data)


def code_step(client: Client, code: str, next_url: str = ""):
    return post(client, VERIFY, {"code": code, "next": next_url})

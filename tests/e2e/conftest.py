"""Browser tests: Playwright driving Debian's Chromium against the live test
server. Skipped, with the reason, when Chromium is not installed; CI installs
it and fails if these are skipped."""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class ForeignRequests(list):
    """Every request the page made to an origin other than the app's."""


@pytest.fixture
def open_page(chromium, live_server):
    """Opens a page (desktop by default) that records requests to other origins."""
    contexts = []

    def _open(width: int = 1280, height: int = 900, javascript: bool = True):
        context = chromium.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        app = urlparse(live_server.url).netloc
        page.foreign_requests = ForeignRequests()
        page.on(
            "request",
            lambda request: urlparse(request.url).netloc not in (app, "")
            and not request.url.startswith("data:")
            and page.foreign_requests.append(request.url),
        )
        return page

    yield _open
    for context in contexts:
        context.close()


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def field(page, label: str):
    """A form field by its exact label, ignoring Django's ":" and the CSS "*"
    of required fields."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?( \*)?$"))

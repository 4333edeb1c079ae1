"""Browser tests: Playwright driving Debian's Chromium against the live test
server. Skipped, with the reason, when Chromium is not installed; CI installs
it and fails if these are skipped."""

import functools
import json
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
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
RESULTS = ROOT / "test-results"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""
AXE_LOG = pytest.StashKey[dict]()


@pytest.fixture(scope="session")
def chromium(django_db_setup):
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"browser test skipped: Chromium not found at {CHROMIUM} "
            "(install it with `apt-get install chromium`, or set CHROMIUM_PATH)"
        )
    from django.db import connections
    from playwright.sync_api import sync_playwright

    serialized = {
        c.alias: c._test_serialized_contents for c in connections.all() if hasattr(c, "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        # Playwright's sync API leaves an event loop running in this thread, so from
        # now on Django hands out new connection objects (asgiref keeps them per
        # context), without the copy of the migrated data that serialized_rollback
        # restores before each test (roles, starter surveys). Give them that copy.
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


class ForeignRequests(list):
    """Every request the page made to an origin other than the app's."""


@pytest.fixture
def open_page(chromium, live_server, request):
    """Opens a page (desktop by default) that records requests to other origins.
    `check_page(page)` runs axe on it and adds to the session's figures."""
    contexts = []
    log = request.config.stash.setdefault(AXE_LOG, {"pages": [], "third_party_requests": []})

    def _open(width: int = 1280, height: int = 900, javascript: bool = True):
        context = chromium.new_context(viewport={"width": width, "height": height}, java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        app = urlparse(live_server.url).netloc
        page.foreign_requests = ForeignRequests()
        page.axe = {"log": log, "browser": chromium, "viewport": (width, height), "javascript": javascript}
        page.on(
            "request",
            lambda sent: (
                urlparse(sent.url).netloc not in (app, "")
                and not sent.url.startswith("data:")
                and page.foreign_requests.append(sent.url)
            ),
        )
        return page

    yield _open
    for context in contexts:
        for page in context.pages:
            log["third_party_requests"].extend(page.foreign_requests)
        context.close()


@functools.cache
def axe_source() -> str:
    """axe-core, as shipped inside the axe-playwright-python package."""
    from importlib.resources import files

    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def _axe_violations(page) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations on the page as it is now. The strict CSP
    blocks add_script_tag, so axe goes in with page.evaluate. With JavaScript
    off the page's timers never fire and axe.run would hang: the same
    document (same URL, so the same stylesheet) is then checked in a
    JavaScript-enabled twin of the page, at the same viewport."""
    if page.axe["javascript"]:
        page.evaluate(axe_source())
        return page.evaluate(AXE_RUN, AXE_TAGS)
    width, height = page.axe["viewport"]
    twin = page.axe["browser"].new_context(viewport={"width": width, "height": height})
    try:
        copy = twin.new_page()
        url, html = page.url, page.content()
        copy.route(lambda u: u == url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        copy.goto(url)
        copy.evaluate(axe_source())
        return copy.evaluate(AXE_RUN, AXE_TAGS)
    finally:
        twin.close()


def check_page(page, name: str = "") -> None:
    """After each navigation: axe finds nothing at WCAG 2.1 A/AA, and the page
    has made no request to another site so far."""
    violations = _axe_violations(page)
    path = urlparse(page.url).path
    page.axe["log"]["pages"].append({"page": name or path, "path": path, "violations": violations})
    assert violations == [], f"axe on {name or path}: " + json.dumps(violations, indent=1)
    assert page.foreign_requests == [], page.foreign_requests


def pytest_sessionfinish(session):
    log = session.config.stash.get(AXE_LOG, None)
    if not log or not log["pages"]:
        return
    RESULTS.mkdir(exist_ok=True)
    summary = {
        "pages_checked": len(log["pages"]),
        "violations_found": sum(len(p["violations"]) for p in log["pages"]),
        "rules": AXE_TAGS,
        "third_party_requests": len(log["third_party_requests"]),
        "pages": log["pages"],
    }
    (RESULTS / "axe.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter, config):
    log = config.stash.get(AXE_LOG, None)
    if not log or not log["pages"]:
        return
    violations = sum(len(p["violations"]) for p in log["pages"])
    terminalreporter.section("browser journeys: accessibility and network")
    terminalreporter.write_line(
        f"axe (WCAG 2.1 A/AA): {len(log['pages'])} pages checked, {violations} violations "
        f"(details in test-results/axe.json)"
    )
    terminalreporter.write_line(f"requests to other sites: {len(log['third_party_requests'])}")


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    check_page(page, "login")
    page.get_by_role("button", name="Log in").click()
    # Home: My work, or the dashboard for leadership (partners/views/home.py).
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/(dashboard/)?$"))
    check_page(page, "home")


def screenshot(page, name: str, max_height: int | None = None) -> None:
    """The whole page, or its top `max_height` pixels (for the README gallery)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    clip = None
    if max_height:
        width, height = page.evaluate("[document.documentElement.clientWidth, document.documentElement.scrollHeight]")
        clip = {"x": 0, "y": 0, "width": width, "height": min(height, max_height)}
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True, clip=clip)


def field(page, label: str):
    """A form field by its exact label, ignoring Django's ":" and the CSS "*"
    of required fields."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?( \*)?$"))

"""Shared fixtures: one user per role, and clients logged in as them."""

import os

import pytest

from tests.factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from core.roles import LEADERSHIP, PROGRAM_MANAGERS  # noqa: E402


@pytest.fixture
def program_manager(db):
    return UserFactory(username="manager", groups=[PROGRAM_MANAGERS])


@pytest.fixture
def leader(db):
    return UserFactory(username="leader", groups=[LEADERSHIP])


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    """Logged in, but in no group: sees nothing of the partners."""
    return UserFactory(username="outsider")


def _client_for(client_class, user):
    c = client_class()
    c.force_login(user)
    return c


@pytest.fixture
def manager_client(program_manager):
    from django.test import Client

    return _client_for(Client, program_manager)


@pytest.fixture
def leader_client(leader):
    from django.test import Client

    return _client_for(Client, leader)


@pytest.fixture
def admin_client_(administrator):
    from django.test import Client

    return _client_for(Client, administrator)


@pytest.fixture
def outsider_client(outsider):
    from django.test import Client

    return _client_for(Client, outsider)


# With CRM_REQUIRE_SERVICES=1 (set by .ci/run), a skipped `services` or
# `browser` test is a failure: CI must prove it ran against the real services.
REQUIRED_MARKERS = ("services", "browser")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if (
        os.environ.get("CRM_REQUIRE_SERVICES") == "1"
        and report.skipped
        and any(item.get_closest_marker(m) for m in REQUIRED_MARKERS)
    ):
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid} was skipped, but CRM_REQUIRE_SERVICES=1 requires it to run."


@pytest.fixture
def csrf_manager_client(program_manager):
    """A program manager whose client checks CSRF tokens like a browser would."""
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(program_manager)
    return c


@pytest.fixture
def sample_rows(db):
    """One linked row of each partners model, for tests that visit every page."""
    from types import SimpleNamespace

    from tests.factories import (
        ContactFactory,
        InteractionFactory,
        OrganizationFactory,
        SupportDeliveryFactory,
        SupportRequestFactory,
        TagFactory,
    )

    organization = OrganizationFactory(name="Sample partner")
    tag = TagFactory(name="Sample tag")
    organization.tags.add(tag)  # carried, so a tag's deletion is refused
    support_request = SupportRequestFactory(organization=organization)
    return SimpleNamespace(
        organization=organization,
        contact=ContactFactory(organization=organization),
        interaction=InteractionFactory(organization=organization, confidential_notes="Sample secret note."),
        request=support_request,
        delivery=SupportDeliveryFactory(request=support_request),
        tag=tag,
    )


# Which sample row fills in each URL of partners/urls.py ("org" = organization_pk).
URL_ARGS = {
    "organization_list": {},
    "organization_create": {},
    "organization_bulk": {},
    "organization_detail": {"pk": "organization"},
    "organization_edit": {"pk": "organization"},
    "contact_create": {"organization_pk": "organization"},
    "contact_list": {},
    "contact_detail": {"pk": "contact"},
    "contact_edit": {"pk": "contact"},
    "interaction_list": {},
    "interaction_start": {},
    "interaction_create": {"organization_pk": "organization"},
    "interaction_detail": {"pk": "interaction"},
    "interaction_edit": {"pk": "interaction"},
    "request_list": {},
    "request_create": {"organization_pk": "organization"},
    "request_detail": {"pk": "request"},
    "request_edit": {"pk": "request"},
    "delivery_list": {},
    "delivery_create": {"organization_pk": "organization"},
    "delivery_edit": {"pk": "delivery"},
    "follow_up_done": {"pk": "interaction"},
    "follow_up_snooze": {"pk": "interaction"},
    "follow_up_reassign": {"pk": "interaction"},
    "calendar_feed": {},
    "follow_up_calendar": {"token": "=" + "x" * 43},  # "=": the value itself, not a sample row
    "organization_delete": {"pk": "organization"},
    "contact_delete": {"pk": "contact"},
    "interaction_delete": {"pk": "interaction"},
    "request_delete": {"pk": "request"},
    "delivery_delete": {"pk": "delivery"},
    "deletion_undo": {"pk": "=1"},  # a DeletedRecord's id; tests/partners/test_delete_and_undo.py makes real ones
    "organization_merge": {"pk": "organization"},
    "contact_merge": {"pk": "contact"},
    "tag_list": {},
    "tag_create": {},
    "tag_edit": {"pk": "tag"},
    "tag_delete": {"pk": "tag"},
}


@pytest.fixture
def partner_urls(sample_rows) -> dict[str, str]:
    """Every URL in partners/urls.py, by name, filled in with the sample rows.
    A URL added to partners/urls.py without an entry in URL_ARGS fails here,
    so the access tests cannot silently miss a page."""
    from django.urls import reverse

    from partners.urls import urlpatterns

    names = {pattern.name for pattern in urlpatterns}
    assert names == set(URL_ARGS), f"URL_ARGS is out of date: {names ^ set(URL_ARGS)}"
    return {
        name: reverse(f"partners:{name}", kwargs={k: _url_arg(sample_rows, v) for k, v in args.items()})
        for name, args in URL_ARGS.items()
    }


def _url_arg(sample_rows, spec: str):
    return spec.removeprefix("=") if spec.startswith("=") else getattr(sample_rows, spec).pk


def _is_write(name: str) -> bool:
    return name.endswith(("_create", "_edit", "_done", "_snooze", "_reassign", "_delete", "_merge")) or name in (
        "interaction_start",
        "calendar_feed",
        "deletion_undo",
    )


@pytest.fixture
def read_urls(partner_urls) -> dict[str, str]:
    """The list and detail pages: leadership may read them."""
    return {name: url for name, url in partner_urls.items() if not _is_write(name)}


@pytest.fixture
def write_urls(partner_urls) -> dict[str, str]:
    """The create and edit pages: program managers only."""
    return {name: url for name, url in partner_urls.items() if _is_write(name)}


QUERY_COUNTS = pytest.StashKey[list]()


@pytest.fixture
def record_query_counts(request):
    """Keeps (page, queries with few rows, queries with many rows) for the
    summary printed at the end of the run."""
    counts = request.config.stash.setdefault(QUERY_COUNTS, [])
    return lambda page, few, many: counts.append((page, few, many))


@pytest.fixture
def assert_constant_queries(record_query_counts):
    """Checks that a page costs the same number of SQL queries with 5 rows as
    with 50. `add_rows(n)` adds n more rows of whatever the page lists."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(client, url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    def check(client, url: str, page: str, add_rows, few: int = 5, many: int = 50):
        add_rows(few)
        client.get(url)  # warm caches (content types, permissions) outside the measurement
        with_few = count(client, url)
        add_rows(many - few)
        with_many = count(client, url)
        record_query_counts(page, with_few, with_many)
        assert with_few == with_many, f"{page}: {with_few} queries with {few} rows, {with_many} with {many}"

    return check


def pytest_terminal_summary(terminalreporter, config):
    counts = config.stash.get(QUERY_COUNTS, [])
    if counts:
        terminalreporter.section("SQL queries per page (5 rows / 50 rows)")
        for page, few, many in sorted(counts):
            terminalreporter.write_line(f"{page:<28} {few:>3} / {many:>3}")


@pytest.fixture
def assert_bad_input():
    """Checks the product rule for a refused form: a 400, the form shown
    again with the error next to `field` (the error list the input points at)."""

    def check(response, field: str):
        assert response.status_code == 400, response.status_code
        assert field in response.context["form"].errors, response.context["form"].errors
        html = response.content.decode()
        assert f'id="id_{field}_error"' in html
        assert "Nothing has been saved yet." in html

    return check


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: start every test from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen_clock():
    """Stops the clock for a test that counts requests against a per-minute
    rate limit, so that it cannot straddle two windows."""
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller

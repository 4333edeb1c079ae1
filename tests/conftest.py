"""Shared fixtures: one user per role, and clients logged in as them."""

import os

import pytest

from tests.factories import UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROGRAM_MANAGERS = "Program managers"
LEADERSHIP = "Leadership"


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

"""Proof that the suite ran on the real services. On a laptop without them these
are skipped with the reason; in CI (CRM_REQUIRE_SERVICES=1) a skip fails the run."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_the_suite_runs_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(f"DATABASE_URL points at {connection.vendor}, not PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        assert cursor.fetchone()[0]

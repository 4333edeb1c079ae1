"""Security settings: production passes `check --deploy`, refuses weak keys, and
every response carries the security headers. Logs never carry secrets."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from crm.settings import base as base_settings
from partners.models import Contact, Interaction
from tests.factories import OrganizationFactory

BASE_DIR = Path(settings.BASE_DIR)
LONG_RANDOM_KEY = "pY7#kq2!Lw9_ZrT4vB1x@Nf6hJ3m$Cd8sQe5uG0a%Wz-Xo^Ry*Ii(Kl)Vn+Mb=Tc"
TEST_FERNET_KEY = "q3mTZ1p0n6qf6yN1m0f2bWl0k3pK9Q2m4Vx7s8d1a2E="


def run_manage(tmp_path, *args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh process with production settings, as a server starts."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "crm.settings.production",
        "SECRET_KEY": LONG_RANDOM_KEY,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy-check.db'}",
        "FIELD_ENCRYPTION_KEYS": TEST_FERNET_KEY,
        "TRUSTED_PROXIES": "1",  # behind the TLS proxy the production settings expect
        "ORGANIZATION_NAME": "Safer Nights Outreach",
    }
    env |= env_overrides
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class TestProductionSettings:
    def test_check_deploy_passes_with_no_warnings(self, tmp_path):
        result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")

        assert result.returncode == 0, result.stderr + result.stdout
        assert "System check identified no issues" in result.stdout
        assert "WARNING" not in result.stderr + result.stdout

    def test_check_deploy_would_catch_a_weakened_setting(self, tmp_path):
        result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="false")

        assert result.returncode != 0
        assert "security.W008" in result.stderr

    def test_check_deploy_asks_for_the_organizations_name(self, tmp_path):
        result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", ORGANIZATION_NAME="")

        assert result.returncode != 0
        assert "surveys.W001" in result.stderr

    def test_check_deploy_asks_for_the_proxies_behind_a_proxy(self, tmp_path):
        result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", TRUSTED_PROXIES="0")

        assert result.returncode != 0
        assert "core.W001" in result.stderr

    @pytest.mark.parametrize(
        "secret_key",
        [
            "dev-only-insecure-key-change-me",
            "short-but-random-8fj3k2",
            "test-secret-key-not-for-production-" + "x" * 30,
            "ab" * 40,  # long, but hardly random
        ],
    )
    def test_refuses_a_weak_or_known_secret_key(self, tmp_path, secret_key):
        result = run_manage(tmp_path, "check", SECRET_KEY=secret_key)

        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "Set SECRET_KEY to a long random value" in result.stderr

    def test_refuses_to_start_without_an_encryption_key(self, tmp_path):
        result = run_manage(tmp_path, "check", FIELD_ENCRYPTION_KEYS="")

        assert result.returncode != 0
        assert "Set FIELD_ENCRYPTION_KEYS" in result.stderr


def test_passwords_are_hashed_with_argon2_first():
    assert base_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = import_string(base_settings.PASSWORD_HASHERS[0])()
    # The argon2 library is installed, so the hasher really works.
    assert hasher.encode("correct-horse-battery", hasher.salt()).startswith("argon2$")


@pytest.mark.django_db
class TestResponseHeaders:
    def test_login_page_carries_the_security_headers(self, client):
        response = client.get(reverse("login"))

        assert response.status_code == 200
        csp = response.headers["Content-Security-Policy"]
        directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
        assert "'unsafe-inline'" not in csp
        assert "'unsafe-eval'" not in csp
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"][0] == "'self'"
        assert directives["object-src"] == ["'none'"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["X-Frame-Options"] == "DENY"

    def test_logged_in_pages_carry_them_too(self, manager_client):
        response = manager_client.get(reverse("partners:organization_list"))

        assert response.status_code == 200
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"

    def test_session_cookie_is_http_only_and_same_site_lax(self, client, program_manager):
        response = client.post(
            reverse("login"), {"username": "manager", "password": "correct-horse-battery"}, REMOTE_ADDR="10.0.0.1"
        )

        assert response.status_code == 302
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert base_settings.SESSION_COOKIE_HTTPONLY is True
        assert base_settings.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.django_db
def test_logs_carry_no_notes_and_no_email_addresses(manager_client, caplog):
    notes = "She asked us never to phone before noon."
    email = "night.shift.rosa@example.org"
    organization = OrganizationFactory()
    caplog.set_level(logging.INFO)

    contact_response = manager_client.post(
        reverse("partners:contact_create", args=[organization.pk]),
        {"name_or_alias": "Rosa", "email": email, "language": "en", "consent_to_surveys": "on"},
    )
    interaction_response = manager_client.post(
        reverse("partners:interaction_create", args=[organization.pk]),
        {"kind": "meeting", "happened_on": "2024-02-20", "summary": "Planning.", "confidential_notes": notes},
    )
    # A refused form and a forbidden page log warnings; those must be clean too.
    manager_client.post(reverse("partners:interaction_create", args=[organization.pk]), {"confidential_notes": notes})
    manager_client.post(reverse("partners:request_edit", args=[10**6]), {"description": notes})

    assert (contact_response.status_code, interaction_response.status_code) == (302, 302)
    assert Contact.objects.get().email == email
    assert Interaction.objects.get().confidential_notes == notes
    assert caplog.records, "the 404 above should have been logged"
    logged = caplog.text + "".join(str(record.args) for record in caplog.records)
    assert "noon" not in logged
    assert email not in logged
    assert "night.shift" not in logged

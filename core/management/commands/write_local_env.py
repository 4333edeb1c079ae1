"""Writes a `.env` for running on this machine: a fresh secret key and a
fresh key for encrypted fields (DEBUG stays off; `make dev` turns it on).
Never overwrites an existing file, since losing the field key would make
saved confidential notes unreadable."""

import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create .env with local development secrets if it does not exist."

    def handle(self, *args, **options):
        path = Path(settings.BASE_DIR) / ".env"
        if path.exists():
            self.stdout.write(f"{path.name} already exists; leaving it as it is.")
            return
        path.write_text(
            "# Made by `manage.py write_local_env` for this machine only. Do not commit.\n"
            f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
            f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}\n"
        )
        path.chmod(0o600)
        self.stdout.write(f"Wrote {path.name} with new local keys.")

"""A text field stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256).

A database dump, a backup or a raw SQL read shows only ciphertext. The keys come
from `settings.FIELD_ENCRYPTION_KEYS`; the first encrypts, all decrypt, so keys
can be rotated. Encrypted values cannot be searched or sorted in SQL, which is
what we want for confidential notes.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty. Generate a key with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
        )
    return MultiFernet([Fernet(key.encode()) for key in keys])


def encrypt(text: str) -> str:
    token = _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(text.encode())
    return PREFIX + token.decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("Value is not encrypted; refusing to read plain text as a secret.")
    try:
        plain = _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(stored[len(PREFIX) :].encode())
    except InvalidToken as exc:
        raise ValueError("Cannot decrypt: the value was written with a key we no longer have.") from exc
    return plain.decode()


class EncryptedTextField(models.TextField):
    """Encrypts on the way into the database and decrypts on the way out.
    The empty string stays empty so that "no notes" costs nothing."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

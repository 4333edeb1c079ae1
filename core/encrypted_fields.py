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
from django.db.models.lookups import Exact, IsNull
from django.utils.crypto import salted_hmac

PREFIX = "fernet:"
GENERATE_A_KEY = (
    "Generate a key with `python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`."
)


class DecryptionError(ValueError):
    """A stored value that cannot be read with the configured keys."""


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    # Cached per tuple of keys, so changed settings (a rotation, a test's
    # override_settings) take effect without clearing anything.
    if not keys:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS is empty. {GENERATE_A_KEY}")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except (ValueError, TypeError, AttributeError) as exc:
            # Never echo the key itself: error pages and logs are not secret.
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe base64 bytes). "
                + GENERATE_A_KEY
            ) from exc
    return MultiFernet(fernets)


def _configured() -> MultiFernet:
    keys = settings.FIELD_ENCRYPTION_KEYS
    if isinstance(keys, str):
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be a list of keys, not a string.")
    return _fernet(tuple(keys))


def encrypt(text: str) -> str:
    return PREFIX + _configured().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise DecryptionError("Value is not encrypted; refusing to read plain text as a secret.")
    try:
        plain = _configured().decrypt(stored[len(PREFIX) :].encode())
    except InvalidToken as exc:
        raise DecryptionError(
            "Cannot decrypt: the value was written with a key that is not in FIELD_ENCRYPTION_KEYS "
            "(a key was removed before everything written with it was re-saved)."
        ) from exc
    return plain.decode()


def encrypt_bytes(data: bytes) -> bytes:
    """A file's bytes, encrypted as text fields are (attachments)."""
    return _configured().encrypt(data)


def decrypt_bytes(stored: bytes) -> bytes:
    try:
        return _configured().decrypt(bytes(stored))
    except InvalidToken as exc:
        raise DecryptionError("Cannot decrypt: written with a key that is not in FIELD_ENCRYPTION_KEYS.") from exc


def blind_index(value: str, purpose: str) -> str:
    """A keyed hash (HMAC-SHA256, 64 hex characters) of `value`, so that an
    encrypted column can still be matched for equality ("is this address already
    a recipient?") through a digest column beside it. Keyed with SECRET_KEY and
    salted per purpose, so one value gives unrelated digests in different
    columns; rotating the encryption keys does not change it."""
    return salted_hmac(f"core.encrypted_fields.blind_index:{purpose}", value, algorithm="sha256").hexdigest()


class EmptyOnlyExact(Exact):
    """`notes=""` works ("no notes"); comparing with any other text is refused,
    because a fresh encryption never equals what is stored."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise ValueError("Encrypted text cannot be searched; only an empty value can be matched.")
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """Encrypts on the way into the database and decrypts on the way out.
    The empty string stays empty so that "no notes" costs nothing. Only
    `isnull` and `exact=""` lookups are allowed; anything else would silently
    match nothing, or hint at the content."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_lookup(self, lookup_name):
        return {"exact": EmptyOnlyExact, "isnull": IsNull}.get(lookup_name)

    def get_transform(self, lookup_name):
        return None

"""Private survey links (core/tokens.py: 256 random bits, only the hash
stored), the shared link of a round, and printed one-time codes."""

import hashlib
import hmac
import secrets

from django.conf import settings

from core.tokens import TOKEN_BYTES, hash_token, new_token

__all__ = ["TOKEN_BYTES", "hash_token", "new_token", "shared_token", "new_code", "typed_code"]


def shared_token(round_id: int) -> str:
    """The shared link of a round (printed on a poster). It is derived with a
    server secret rather than stored, so it can be shown again at any time
    while the database still holds only its hash."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"shared-survey-link:{round_id}".encode(), hashlib.sha256)
    return digest.hexdigest()[:43]


# Short codes people read and type: no 0/O, 1/I/L or other look-alikes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code() -> str:
    """Eight characters from CODE_ALPHABET: about 2^40 codes."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def typed_code(text: str) -> str | None:
    """A code as someone typed it (any case, spaces or dashes between
    groups), in its stored form; None when it cannot be a code."""
    code = "".join(text.split()).replace("-", "").upper()
    if len(code) != CODE_LENGTH or any(character not in CODE_ALPHABET for character in code):
        return None
    return code

"""Secret links: a token is 256 bits from the OS's secure random source;
the database keeps only its SHA-256, so a leaked dump or backup opens
nothing. A plain hash is enough: 256 random bits cannot be guessed. Survey
links, portal sign-in links and calendar feeds all use these."""

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> tuple[str, str]:
    """A fresh (raw token, hash) pair. Only the hash may be stored."""
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    return raw, hash_token(raw)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()

"""Production: PostgreSQL, Redis, HTTPS. `manage.py check --deploy` passes with
these settings and no warnings."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import FIELD_ENCRYPTION_KEYS, SECRET_KEY, env

DEBUG = False

# Refuse to start rather than run with a key anyone can read in this repository.
KNOWN_KEY_PREFIXES = ("dev-only", "django-insecure", "test-secret-key")
if SECRET_KEY.startswith(KNOWN_KEY_PREFIXES) or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value in production.")
# Without a key, saving the first confidential note would fail; fail at start instead.
if not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "Set FIELD_ENCRYPTION_KEYS in production (see `manage.py write_local_env` for how a key is made)."
    )

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

"""Settings for the test suite: fast hashing, in-memory email, a fixed key."""

from .base import *  # noqa: F403

SECRET_KEY = "test-secret-key-not-for-production-" + "x" * 30
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A fixed Fernet key (32 url-safe base64 bytes) so that tests can decrypt.
FIELD_ENCRYPTION_KEYS = ["q3mTZ1p0n6qf6yN1m0f2bWl0k3pK9Q2m4Vx7s8d1a2E="]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = True
# Serve static files from the apps, so tests need no collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Unit tests run tasks in-process; the `services` tests start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
SITE_URL = "http://testserver"

"""Settings for the benchmark suite (`make bench`): production-like code paths
(DEBUG off, Redis cache, the full middleware stack) on loopback, with fixed
keys so a fresh machine needs no `.env`, and the public pages' rate limit
raised so that one load generator on 127.0.0.1 measures the app, not the
limiter. The limiter itself still runs (one Redis increment per request)."""

from .base import *  # noqa: F403
from .base import LOGGING, env

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver", "[::1]"]
SECRET_KEY = env("SECRET_KEY", default="bench-only-key-" + "b" * 50)
# A fixed Fernet key (32 url-safe base64 bytes): generated notes stay readable
# between the generator run and the page timings.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=["YmVuY2gtb25seS1mZXJuZXQta2V5LTMyLWJ5dGVzISE="])
ROOT_URLCONF = "bench.urls"

# Pages render `{% static %}` without a prior collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# One load generator is one address hammering a few links; the product's
# own limits are in surveys/views/limits.py.
SURVEY_RATE_LIMIT = SURVEY_LINK_RATE_LIMIT = SURVEY_SHARED_LINK_RATE_LIMIT = "100000000/m"

# A log line per request would be part of what is measured.
LOGGING["root"]["level"] = env("LOG_LEVEL", default="WARNING")
LOGGING["loggers"]["django"]["level"] = "WARNING"

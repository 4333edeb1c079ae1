"""Settings shared by every mode. Everything that differs between machines
comes from the environment (or a `.env` file beside manage.py)."""

from pathlib import Path
from typing import Any

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Full-text and trigram search on PostgreSQL; on SQLite it only registers
    # lookups that are never used (search/backends.py picks by vendor).
    "django.contrib.postgres",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    # Before accounts, whose admin replaces django-otp's device pages.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The project's apps, lowest layer first (pyproject.toml's import contracts).
    "core",
    "audit",
    "accounts",
    "partners",
    "attachments",
    "surveys",
    "reporting",
    "digests",
    "portal",
    "search",
    # The project package: no models of its own, only the migrations that made
    # the tables audit, accounts and digests now own.
    "crm",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy everywhere, no-store on every page (core/middleware.py).
    "core.middleware.ResponseHeaders",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in partner (request.portal), kept out of every staff page.
    "portal.middleware.PortalMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # request.user.is_verified(), then the two-factor gate (accounts/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Connections kept between requests and tasks (checked before reuse): opening
# one per request cost a web worker more CPU than the survey page itself
# (docs/performance.md).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: PostgreSQL compiles a query whose *estimated* cost
    # is high, and the correlated subqueries of the partner figures look
    # costly to it while running in milliseconds. On the bench dataset the
    # dashboard's overdue-partners query ran in 18 ms and was compiled for
    # 672 ms (docs/performance.md). Behind a pooler that refuses startup
    # options, set `jit = off` in postgresql.conf instead.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run`'s database, shared by the web server and the worker's two
    # processes. A transaction that reads and then writes fails at once with
    # "database is locked" when another process writes meanwhile; starting
    # every transaction IMMEDIATE takes the write lock up front and waits
    # (`timeout` seconds) instead.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new and upgraded passwords are hashed with it.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# How many proxies of our own stand in front of the app (a TLS-terminating
# nginx: 1). The client's address is read in one place, core/client_address.py,
# for the survey pages' rate limits, the login lockout and the audit trail.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("TRUSTED_PROXIES is the number of proxies in front of the app: 0 or more.")
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
RATELIMIT_IP_META_KEY = "core.client_address.client_address"

# Failed logins: locked after 5 tries for the same user from the same address, for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Successful logins are in our own audit trail, with a keyed hash of the
# address; axes' own log would keep every staff member's address in clear.
AXES_DISABLE_ACCESS_LOG = True

# Two-factor login (accounts/). Required for every account when this is
# on or when an administrator turns it on in the admin (Two-factor policy).
CRM_REQUIRE_TWO_FACTOR = env.bool("CRM_REQUIRE_TWO_FACTOR", default=False)
# Wrong codes in a row before the session is signed out and the account's
# second step is locked for TWO_FACTOR_LOCKOUT_MINUTES, even for a right code.
TWO_FACTOR_FAILURE_LIMIT = env.int("TWO_FACTOR_FAILURE_LIMIT", default=5)
TWO_FACTOR_LOCKOUT_MINUTES = 60
# django-otp also waits 1, 2, 4, 8... seconds after each wrong code.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_ISSUER = "Partnership CRM"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions end after 8 hours, or when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Gone when the browser closes, like the session: a respondent's phone keeps
# no year-long trace of the survey site.
CSRF_COOKIE_AGE = None

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Confidential interaction notes are encrypted with these Fernet keys. The first
# encrypts; all of them decrypt, so a key can be rotated by putting a new one first.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "sent-emails"))
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="feedback@localhost")
# Who the survey emails come from, in their sender and their text.
DEMO_ORGANIZATION_NAME = "Demo Outreach Project"
ORGANIZATION_NAME = env("ORGANIZATION_NAME", default="").strip() or DEMO_ORGANIZATION_NAME
# The currency every amount is in (ISO 4217: USD, EUR, MXN...), shown with
# its symbol in the page's language (core/money.py).
CURRENCY = env("CURRENCY", default="USD").strip().upper()
# How long a record deleted as a mistake can be put back (partners/mistakes.py).
UNDO_MINUTES = env.int("UNDO_MINUTES", default=30)
# The largest file that may be attached to a partner, interaction or delivery.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# No interaction, request or delivery is dated before this year (core/dates.py).
ORGANIZATION_FOUNDED_YEAR = env.int("ORGANIZATION_FOUNDED_YEAR", default=1990)
# Where "Leave this page" on the respondent's pages goes: a site nobody
# would wonder about on a shared phone.
QUICK_EXIT_URL = env("QUICK_EXIT_URL", default="https://www.google.com/search?q=weather")

# Security headers. Nothing is loaded from another site and no inline script runs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "data-table"}

# Logs carry ids and outcomes, never note text, email addresses or tokens.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_tokens": {"()": "core.logging_filters.RedactSurveyTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Replace Django's own handlers so every line goes through the filter.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Public links in emails are built from this address.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Background work. With REDIS_URL set, Redis is the broker; without it, an
# embedded filesystem broker in var/ lets one laptop run the whole product.
REDIS_URL = env("REDIS_URL", default="")
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
        # Longer than any task, retry countdown included, so Redis never hands
        # a task that is still running to a second worker.
        "visibility_timeout": 60 * 60,
    }
else:
    _queue = VAR_DIR / "celery" / "queue"
    _processed = VAR_DIR / "celery" / "processed"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(_processed),
        # kombu's default is ./control, in whatever folder the worker started.
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Keep a worker's database connection between tasks (see crm/celery.py).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# A sending claimed longer ago than this, and still not marked sent, belongs to
# a worker that died: its outcome is unknown (see surveys/services/sending.py).
SEND_LEASE_SECONDS = env.int("SEND_LEASE_SECONDS", default=5 * 60)
# An email that meets errors before the mail server took it (the server down,
# slow or full) is tried again, after pauses growing to this long, for this
# many hours before it counts as failed (core/outbox.py).
SEND_RETRY_HOURS = env.int("SEND_RETRY_HOURS", default=24)
SEND_LONGEST_PAUSE_SECONDS = env.int("SEND_LONGEST_PAUSE_SECONDS", default=30 * 60)

# The release rule (docs/privacy.md). A closed round's answers by private link
# are released as a unit only when at least this many people answered.
SURVEY_MIN_RESPONSES = env.int("SURVEY_MIN_RESPONSES", default=5)
# Answers through a round's shared link (poster) are their own unit, with
# their own, higher minimum: anyone holding the link can add answers.
SURVEY_MIN_SHARED_RESPONSES = env.int("SURVEY_MIN_SHARED_RESPONSES", default=10)
# At most this many shared-link answers per round and day.
SURVEY_SHARED_ANSWERS_PER_DAY = env.int("SURVEY_SHARED_ANSWERS_PER_DAY", default=100)
# Days program managers have to withhold a free-text answer that names
# someone before a unit is released to everyone who reads results.
SURVEY_REVIEW_DAYS = env.int("SURVEY_REVIEW_DAYS", default=3)


# The public survey pages' budgets a minute (surveys/views/limits.py): per
# client address, per private link, per round on its shared address.
SURVEY_RATE_LIMIT = "120/m"
SURVEY_LINK_RATE_LIMIT = "10/m"
SURVEY_SHARED_LINK_RATE_LIMIT = "120/m"

# The partner portal (portal/sessions.py): a sign-in link is good once and
# for this many minutes (an invitation's for this many hours); a session
# lasts this many hours. Asking for a sign-in link: this often per address
# typed and per client.
PORTAL_LINK_MINUTES = env.int("PORTAL_LINK_MINUTES", default=30)
PORTAL_INVITE_HOURS = env.int("PORTAL_INVITE_HOURS", default=72)
PORTAL_SESSION_HOURS = env.int("PORTAL_SESSION_HOURS", default=8)
PORTAL_LINK_REQUESTS_PER_EMAIL = "5/h"
PORTAL_LINK_REQUESTS_PER_CLIENT = "20/h"


def redis_caches(url: str) -> dict:
    """The caches on Redis. Never waiting long on a Redis that is away; the
    survey pages' rate limit ("rate_limit") lets people through when Redis
    is away (logged, as "crm.rate_limit_cache") instead of answering 500: a
    respondent's answers matter more than the limit for a minute."""
    options = {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    backend = "django_redis.cache.RedisCache"
    return {
        "default": {"BACKEND": backend, "LOCATION": url, "OPTIONS": options},
        "rate_limit": {"BACKEND": backend, "LOCATION": url, "OPTIONS": options | {"IGNORE_EXCEPTIONS": True}},
    }


if REDIS_URL:
    # Shared by all web workers, so rate limits hold across processes.
    # django-redis rather than Django's own backend: Django's builds a new
    # redis client (copying its ~170 response callbacks) for every cache call,
    # and the rate limiter makes two on every survey page and submission;
    # django-redis keeps one client per server (about half the CPU per call).
    CACHES = redis_caches(REDIS_URL)
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "crm.rate_limit_cache"
    RATELIMIT_USE_CACHE = "rate_limit"
# A cache that fails (answers nothing) lets the request through.
RATELIMIT_FAIL_OPEN = True

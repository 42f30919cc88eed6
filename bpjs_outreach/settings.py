"""Settings for bpjs-outreach, driven by environment variables.

With no environment at all the app runs on a local SQLite file with Celery tasks executed eagerly
in-process, so a newcomer needs nothing but Python. `DATABASE_URL` and `REDIS_URL` switch to
PostgreSQL and a real Celery broker, result backend and cache.
"""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from xstatic.pkg import leaflet as xstatic_leaflet

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env(
    "DJANGO_SECRET_KEY",
    default="dev-only-insecure-secret-key-change-me-in-production-0123456789",
)
if not DEBUG and SECRET_KEY.startswith("dev-only"):
    raise environ.ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "bootstrap",
    "csp",
    "axes",
    "core",
    "accounts",
    "regions",
    "agencies",
    "employers",
    "participants",
    "campaigns",
    "coverage",
    "worker_lists",
    "notifications",
    "home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.SessionLifetimeMiddleware",
    "core.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a login refused for lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bpjs_outreach.urls"
WSGI_APPLICATION = "bpjs_outreach.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.permissions.abilities_context",
            ],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes first: it refuses a login attempt while its username or address is locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute force: 5 failed logins lock the username, and separately the client address, for 15
# minutes (each list item is its own lockout key; a nested list would lock the pair instead).
# A successful login clears the username's count.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind reverse proxies REMOTE_ADDR is the proxy's, and locking it would lock everybody out; the
# client address is then read from X-Forwarded-For (core/client_ip.py).
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language: Bahasa Indonesia first, English available; Indonesian number formatting (1.234.567).
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("leaflet", xstatic_leaflet.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
    # Uploaded lists wait here for the worker; the database by default, because the web and the
    # worker may run on different hosts (see worker_lists/staging.py).
    "worker_list_staging": {
        "BACKEND": env(
            "WORKER_LIST_STAGING_BACKEND", default="worker_lists.staging.DatabaseStagingStorage"
        )
    },
}

# Redis: Celery broker, result backend and cache. Without it tasks run eagerly in-process.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it ends, and a worker process that dies returns it to the queue.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Publishing gives up after about a second when the broker is down: the caller logs it and the
# sweeper queues the list later (worker_lists.services.worker_list_sweep).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
# The longest task: one worker list. Hard limit kills the child (prefork), soft limit lets the
# task fail the list cleanly first. Longest seen: a 1M-row list in about a minute.
WORKER_LIST_TASK_TIME_LIMIT_S = env.int("WORKER_LIST_TASK_TIME_LIMIT_S", default=30 * 60)
# Redis re-delivers an unacknowledged message after the visibility timeout: it must exceed the
# longest task plus its retries, or a running list is delivered twice. Crashed runs do not wait
# for it: the sweeper finds them within a minute.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT_S", default=2 * 60 * 60),
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_BEAT_SCHEDULE: dict = {}
# Coverage snapshots of the current month, recomputed nightly (Asia/Jakarta).
CELERY_BEAT_SCHEDULE["coverage-compute-daily"] = {
    "task": "coverage.compute",
    "schedule": crontab(hour=2, minute=15),
}
# Worker lists: queue again what the broker lost and what a crashed worker left (see
# worker_lists.services.worker_list_sweep); delete staged files of finished lists.
WORKER_LIST_SWEEP_INTERVAL_S = env.float("WORKER_LIST_SWEEP_INTERVAL_S", default=30.0)
CELERY_BEAT_SCHEDULE["worker-lists-purge"] = {
    "task": "worker_lists.purge_expired",
    "schedule": crontab(hour=3, minute=30),
}
CELERY_BEAT_SCHEDULE["worker-lists-sweep"] = {
    "task": "worker_lists.sweep",
    "schedule": WORKER_LIST_SWEEP_INTERVAL_S,
    # A sweep that waited past the next one is pointless (the worker was down): drop it.
    "options": {"expires": WORKER_LIST_SWEEP_INTERVAL_S},
}

# Warnings past their deadline lapse (and their branch is told) early each morning.
CELERY_BEAT_SCHEDULE["sanction-lapse-daily"] = {
    "task": "campaigns.sanction_lapse_overdue",
    "schedule": crontab(hour=0, minute=30),
}
# Collective leave days not yet in the `holidays` library (ISO dates), see core/workdays.py.
EXTRA_NON_WORKING_DAYS = env.list("EXTRA_NON_WORKING_DAYS", default=[])

# Email (notifications): printed to the console in the embedded setup; SMTP once EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="bpjs-outreach <noreply@localhost>")
# Links in emails point here.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "agencies.authentication.AgencyApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "agencies.authentication.ApiKeyRateThrottle",
        "core.throttling.SessionUserRateThrottle",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per API key and scope (agencies.authentication.ApiKeyRateThrottle): a view names its scope
    # in `api_key_throttle_scope`; polling a list's status and reading its rows ("read") never
    # spend the budget for submitting lists ("submit").
    "DEFAULT_THROTTLE_RATES": {
        "api_key": env("API_KEY_THROTTLE_RATE", default="120/minute"),
        "api_key_submit": env("API_KEY_SUBMIT_THROTTLE_RATE", default="120/minute"),
        "api_key_read": env("API_KEY_READ_THROTTLE_RATE", default="600/minute"),
        "session_user": env("API_SESSION_THROTTLE_RATE", default="120/minute"),
    },
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "bpjs-outreach API",
    "DESCRIPTION": "API for partner agencies of the BPJS Ketenagakerjaan coverage campaign.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Request and response components apart: a multipart file is then `format: binary`, and
    # request-only constraints (minLength) are stated.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api_schema.document_error_responses",
    ],
}

# Content-Security-Policy: scripts, styles, images and connections from this origin only; no
# inline script, event handler or style attribute (templates use static/js/ and data-* attributes).
# The coverage map draws GeoJSON with Leaflet and uses no tile server, so no map host is allowed.
# Swagger UI and Redoc need inline code: a relaxed policy on exactly those views (see urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
# Staff sessions end after 60 minutes idle and 8 hours after login (core.middleware.
# SessionLifetimeMiddleware moves the idle expiry forward, once a minute at most, and enforces the
# absolute limit, for which Django has no setting).
SESSION_COOKIE_AGE = 60 * 60
SESSION_ABSOLUTE_AGE = 8 * 60 * 60
SESSION_IDLE_REFRESH_SECONDS = 60
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Uploaded files (partner worker lists are staged here until processed).
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

# Partner worker lists: the largest accepted request body (file upload or JSON), in bytes.
WORKER_LIST_MAX_UPLOAD_BYTES = env.int("WORKER_LIST_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
# JSON bodies are parsed whole in the web process, so they get a smaller limit than files.
WORKER_LIST_MAX_JSON_BYTES = env.int("WORKER_LIST_MAX_JSON_BYTES", default=20 * 1024 * 1024)
# Rows parsed, validated and loaded per batch; progress is reported after each batch.
WORKER_LIST_BATCH_ROWS = env.int("WORKER_LIST_BATCH_ROWS", default=20_000)
# A list still `queued` this long after it was handed to the broker is queued again (the
# broker was down at submission, or restarted without its queue).
WORKER_LIST_REQUEUE_AFTER_S = env.int("WORKER_LIST_REQUEUE_AFTER_S", default=60)
# Personal data retention: the rows of a list (NIKs, names, birth dates) are deleted this many
# months after it was submitted; its counts remain. The uploaded file goes as soon as the list
# is processed. Daily, by the `worker-lists-purge` beat entry.
WORKER_LIST_RETENTION_MONTHS = env.int("WORKER_LIST_RETENTION_MONTHS", default=24)
# The cells of a list as the partner typed them (every cell of an invalid row, the partner's own
# extra columns of every row, the file's header), kept so the report and the "fix these rows"
# file give back the file as it was sent. Personal data kept for a short window only: this many
# days after submission the same daily purge empties them, and the report falls back to the
# template's columns with the checked values.
WORKER_LIST_SOURCE_CELLS_DAYS = env.int("WORKER_LIST_SOURCE_CELLS_DAYS", default=30)
# Runs that may claim one list (retries and re-queues after crashes included) before it fails.
WORKER_LIST_MAX_ATTEMPTS = env.int("WORKER_LIST_MAX_ATTEMPTS", default=5)

# Reference data shipped with the project (copied from shared/data; see SOURCES.md there).
REFERENCE_DATA_DIR = BASE_DIR / "regions" / "data"

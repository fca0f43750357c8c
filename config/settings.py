"""Settings for the VNPT partnerships portal.

Every value comes from an environment variable with a safe default, so that
`make run` works on a fresh machine with SQLite and eager Celery tasks, and a
production deployment sets `DATABASE_URL`, `SECRET_KEY` and `CELERY_BROKER_URL`.
"""

import datetime
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.date_formats import DATE_INPUT_FORMATS

from .env import envbool, envfloat, envint, envlist, envstr, redis_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
# A form from before a sign-in in another tab: the portal's page, not Django's bare one.
CSRF_FAILURE_VIEW = "core.csrf.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # The portal's apps, lower to higher: each imports only those above it in this list.
    "core",
    "provinces",
    "partnerships",
    "milestones",
    "progress",
    "dashboards",
    "notifications",
    "demo",
]

MIDDLEWARE = [
    "core.requests.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The API's language is its requests' Accept-Language, before the cookie.
    "core.languages.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Inside the language, user and messages above: its page is rendered with them.
    "core.methods.NotAllowedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.busy.DatabaseBusyMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["core.templatetags.formatting"],
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.accounts",
                "dashboards.context_processors.portal_nav",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
    # The dashboards' tables and charts, the bulk of their pages (`dashboards.drawing`).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "dashboards.drawing.Environment",
            "trim_blocks": True,
            "lstrip_blocks": True,
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # A connection is reused for a minute, and checked before each request reuses it,
        # so a database restart costs one failed check, not one failed request.
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite lets one writer in at a time. A transaction that reads then writes would be
    # refused ("database is locked") when another writer got in between; begun IMMEDIATE
    # it takes the write lock first, and a writer waits up to SQLITE_BUSY_TIMEOUT seconds
    # for its turn. WAL lets pages be read while someone writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_BUSY_TIMEOUT", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that does not answer fails the request after this many seconds, instead
    # of holding it (and its gunicorn thread) until nginx gives up. Options in
    # DATABASE_URL (`?sslmode=require`) are kept.
    DATABASES["default"]["OPTIONS"] = {
        "connect_timeout": envint("DATABASE_CONNECT_TIMEOUT", 5),
        **DATABASES["default"].get("OPTIONS", {}),
    }
# PostgreSQL: a request waiting this many seconds for a row or table lock another holds
# gives up, and the user is told to try again (core/busy.py); 0 waits as long as it takes.
# Requests only: the worker's jobs wait their turn.
DATABASE_LOCK_TIMEOUT = envfloat("DATABASE_LOCK_TIMEOUT", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "provinces.auth.PortalMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out sign-in before the password is even hashed.
AUTHENTICATION_BACKENDS = [
    "provinces.auth.PortalAxesBackend",
    "provinces.auth.DemoAwareModelBackend",
]
# Argon2id (RFC 9106's second recommended setting: 3 passes over 64 MiB) costs a sign-in
# somewhat less CPU than Django's PBKDF2 default (0.75 times, bench/password_hashing.py)
# and a guessing GPU far more, for the memory each guess needs. Passwords stored with
# PBKDF2 still work and are hashed again with Argon2 at their next sign-in.
PASSWORD_HASHERS = [
    "provinces.auth.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Guessing passwords: after LOGIN_FAILURE_LIMIT failed sign-ins for one account, or from
# one address for that many different accounts (core.accounts.LoginFailures), further
# attempts are refused for LOGIN_LOCKOUT_MINUTES (each new failure starts the wait again);
# an administrator can unlock earlier (Axes in the admin).
AXES_HANDLER = "core.accounts.LoginFailures"
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
# Failures are what the lock needs; a row for every successful sign-in is not.
AXES_DISABLE_ACCESS_LOG = True

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "portal@vnpt-partnerships.local")
# Read by the SMTP backend (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
# Read by the file backend (django.core.mail.backends.filebased.EmailBackend): a
# directory that keeps every message, for a test server without a mail server.
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
# A mail server that does not answer holds one notice back, not the whole outbox run.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
# Links in e-mail need the portal's address; requests know it, a scheduled job does not.
PORTAL_URL = envstr("PORTAL_URL", "http://127.0.0.1:8000").rstrip("/")
# "Forgot your password?" sends a link by e-mail where the portal can send mail: not with
# the console backend, unless DEBUG is on and the mail is read from the log.
PASSWORD_RESET_BY_EMAIL = envbool(
    "PASSWORD_RESET_BY_EMAIL",
    DEBUG or not EMAIL_BACKEND.endswith((".console.EmailBackend", ".dummy.EmailBackend")),
)

# The dashboards' rendered pages. Without CACHE_URL each process keeps its own; with a
# redis:// URL every web process and worker share one, so a page rendered ahead by the
# warming job (DASHBOARD_WARMING) is the one every reader gets.
# The cache only saves work: when Redis is down or slow, a read is a miss and a write is
# dropped (django-redis's IGNORE_EXCEPTIONS), after at most CACHE_TIMEOUT_SECONDS, so
# the pages are rendered afresh instead of failing.
CACHE_URL = redis_url("CACHE_URL")
CACHE_TIMEOUT_SECONDS = envfloat("CACHE_TIMEOUT_SECONDS", 0.5)
# A Redis that hangs rather than refuses would cost each of a page's cache calls, and
# each job queued, its whole timeout: after one such call the process leaves that Redis
# alone for this many seconds (core/breaker.py), the cache missing, the jobs pending.
REDIS_SKIP_SECONDS = envfloat("REDIS_SKIP_SECONDS", 30)


def redis_cache(url: str, **extra) -> dict:
    """A cache at the Redis `url`; tests/test_redis_hung.py points one at a Redis that hangs."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "CLIENT_CLASS": "core.breaker.BreakerClient",
            "IGNORE_EXCEPTIONS": True,
            "LOG_IGNORED_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": CACHE_TIMEOUT_SECONDS,
            "SOCKET_TIMEOUT": CACHE_TIMEOUT_SECONDS,
        },
        **extra,
    }


CACHES = {
    "default": redis_cache(CACHE_URL)
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The API's request counts (REST_FRAMEWORK's throttles), kept apart from the pages.
    # With Redis down the count is lost and requests are let through: a slower API for
    # a minute is better than none.
    "throttle": redis_cache(CACHE_URL, KEY_PREFIX="throttle")
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"},
}

# Python collects its youngest objects after every 700 net allocations. A dashboard
# render allocates tens of thousands that live until the page is written, so each
# collection walked them again: 8 % of a render's time, 0.5 % at this threshold.
# 0 keeps Python's own.
GC_THRESHOLD = envint("GC_THRESHOLD", 50_000)

# With no broker the portal runs its jobs in-process, so the embedded default needs no Redis.
CELERY_BROKER_URL = redis_url(
    "CELERY_BROKER_URL", schemes=("redis", "rediss", "redis+socket", "sentinel")
)
# After each recompute a worker renders the national page, the comparison and the
# changed agreement's and province's pages in Vietnamese; without a worker this
# would run inside the approving user's request, so it is off by default then.
DASHBOARD_WARMING = envbool("DASHBOARD_WARMING", bool(CELERY_BROKER_URL))
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = envbool("CELERY_TASK_EAGER_PROPAGATES", False)
CELERY_RESULT_BACKEND = envstr("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A short publish timeout keeps an approval responsive when the broker is down or hangs
# (a publish is one LPUSH): one try, of about a second. Each retry added two seconds'
# pause and another timeout; what is not queued is owed in a pending row or made up by
# the scheduled jobs. The worker's wait for jobs (BRPOP) runs in its event loop, which
# this timeout does not cut short.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": envint("CELERY_PUBLISH_MAX_RETRIES", 0),
    "socket_connect_timeout": envfloat("CELERY_SOCKET_CONNECT_TIMEOUT", 1),
    "socket_timeout": envfloat("CELERY_SOCKET_TIMEOUT", 1),
    # A job whose worker died is delivered again after this many seconds: longer than the
    # longest retry wait (600 s) plus a full rebuild, far shorter than Redis's default hour.
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 1200),
}
# The full rebuild keeps "overdue" current as days pass and repairs anything a
# lost message missed; the pending sweep catches up within a minute once a
# broker that was down comes back.
CELERY_BEAT_SCHEDULE = {
    "recompute-progress": {
        "task": "progress.tasks.recompute_all",
        "schedule": envint("PROGRESS_RECOMPUTE_SECONDS", 3600),
    },
    "recompute-pending-progress": {
        "task": "progress.tasks.recompute_pending",
        "schedule": envint("PROGRESS_PENDING_SECONDS", 60),
    },
    # Sends what is due in the outbox: notices whose job was lost with the broker, and
    # retries after a mail server failure.
    "send-notifications": {
        "task": "notifications.tasks.send_due_notifications",
        "schedule": envint("NOTIFICATION_SEND_SECONDS", 60),
    },
    # Finds the day's deadlines and waiting reviews. Every run after NOTIFICATION_HOUR
    # (Vietnam time) may write the day's notices; each person gets at most one of each a day.
    "queue-daily-notifications": {
        "task": "notifications.tasks.queue_daily_notifications",
        "schedule": envint("NOTIFICATION_SCHEDULE_SECONDS", 900),
    },
}

# Portal rules that operators tune without a code change.
REPORT_DUE_DAYS = envint("REPORT_DUE_DAYS", 20)
# Every approval and every scheduled rebuild leaves a RecomputeRun; successful ones are
# forgotten after this many days, failed ones kept.
RECOMPUTE_RUNS_KEEP_DAYS = envint("RECOMPUTE_RUNS_KEEP_DAYS", 30)
# A run still "running" after this many seconds was interrupted (its worker died): the
# pending sweep marks it failed. Far above the longest full rebuild seen (seconds).
RECOMPUTE_INTERRUPTED_SECONDS = envint("RECOMPUTE_INTERRUPTED_SECONDS", 1800)
# Notifications (notifications/): the hour of the day, in Vietnam, from which the day's
# reminders and digests go out; how often a notice that failed is tried again (doubling
# from NOTIFICATION_RETRY_SECONDS up to an hour) before the admin shows it as failed.
NOTIFICATION_HOUR = envint("NOTIFICATION_HOUR", 7)
NOTIFICATION_RETRY_SECONDS = envint("NOTIFICATION_RETRY_SECONDS", 60)
NOTIFICATION_MAX_ATTEMPTS = envint("NOTIFICATION_MAX_ATTEMPTS", 30)
# Delivered notices are forgotten after this many days (a year: the last four quarters'
# reminders stay in everyone's list); failed ones stay until the admin deals with them.
NOTIFICATIONS_KEEP_DAYS = envint("NOTIFICATIONS_KEEP_DAYS", 365)
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Bulk imports: a template for every agreement of a province is a few hundred kilobytes
# and a few hundred rows; a file over either bound is refused before it is checked.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 5000)
DEMO_PASSWORD = "demo"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that a request without credentials is answered 401 with a
        # WWW-Authenticate header that tells a system how to authenticate.
        "core.throttling.ThrottledTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "core.api.CollatedOrderingFilter",
    ],
    # Per user or token; wrong tokens per address (core/throttling.py). Every operation
    # needs credentials, so there is no anonymous rate. Counted in the "throttle" cache,
    # shared by every process when CACHE_URL is set.
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": envstr("API_THROTTLE_USER", "600/minute"),
        "failed_token": envstr("API_THROTTLE_FAILED_TOKEN", "20/minute"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_VERSION": "v1",
    # Every error in JSON, in the shape of the refusals: never Django's HTML pages.
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    # Day first, as the forms and the import read them (core/date_formats.py). DRF's
    # "iso-8601" adds only forms nobody types (20260205, 2026-W06-4) to 2026-02-05, and
    # named YYYY-MM-DD a second time in the refusal's list of forms.
    "DATE_INPUT_FORMATS": list(DATE_INPUT_FORMATS),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "VNPT partnerships portal API",
    "DESCRIPTION": "Agreements between VNPT and Vietnam's provinces, their KPIs and progress.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its documentation are for signed-in users and systems with a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI is served from the sidecar package, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several models have a `status`; each choice set gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "AgreementStateEnum": "partnerships.models.AgreementState",
        "CommitmentStatusEnum": "milestones.models.CommitmentStatus",
        "ProgressStatusEnum": "progress.models.ProgressStatus",
        "ReportStatusEnum": "milestones.models.ReportStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One line a record, with the request (or job) it belongs to: see core/requests.py.
    "filters": {"request_id": {"()": "core.requests.RequestIdFilter"}},
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "line",
        }
    },
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # Django gives its own logger a console handler too; one printer is enough.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        # A lock-out is a warning; axes' line for every sign-in is not worth keeping.
        "axes": {"level": "WARNING"},
        # WeasyPrint logs each step of every pack, and each screen-only rule of the portal's
        # stylesheets it skips; only its errors say something about a pack.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
if CELERY_TASK_ALWAYS_EAGER:
    # Jobs run inside the request then; a line per finished job only buries the request log.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}

# Behind nginx (deploy/nginx/portal.conf) the request reaches gunicorn over HTTP; the
# proxy says whether the browser used HTTPS, and which address it came from.
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Sessions signed with a previous key stay valid while the key is rotated.
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS")

# With DEBUG off the portal is served over HTTPS only, unless told otherwise; `make run`
# (DEBUG on) serves plain http://127.0.0.1:8000.
if not DEBUG:
    SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", True)
    # Off only where something in front already redirects plain HTTP (nginx does, too).
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    # Browsers then refuse plain HTTP to the portal for a year; 0 turns it off.
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # Only makes the site eligible for the browsers' built-in HTTPS list; it is not a request.
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy (django-csp): the portal's pages load scripts, styles, images
# and fonts from the portal only, with no inline script or style; the API documentation
# alone adds inline styles (config/api_urls.py).
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
# Features no page of the portal uses are refused to every page and anything it embeds.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

"""Settings of the Stabilization & Recovery portal.

One module for every environment: development, tests and production differ
only by environment variables (see `.env.example` and the README).
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from minusma_sr import environment

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` file is optional; real environment variables take precedence.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core --------------------------------------------------------------------

DEBUG = environment.read_bool(env, "DJANGO_DEBUG", default=False)
SECRET_KEY = environment.secret_key(env.str("DJANGO_SECRET_KEY", default=""), debug=DEBUG)
ALLOWED_HOSTS = environment.allowed_hosts(env.list("DJANGO_ALLOWED_HOSTS", default=[]), debug=DEBUG)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The portal's address as people reach it, for links in e-mails.
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000")

# The publisher of the open-data file (/open/iati.xml, /projects/iati.xml): its
# registered IATI organisation identifier, which prefixes every activity's
# identifier, and name. With DEBUG off, start-up refuses the example identifier
# (minusma_sr/checks.py).
IATI_ORGANISATION_ID = env.str("IATI_ORGANISATION_ID", default="XI-EXAMPLE-SR")
IATI_ORGANISATION_NAME = env.str(
    "IATI_ORGANISATION_NAME",
    default="MINUSMA — Section Stabilisation et Relèvement",
)

# The floor page of `make bench` (docs/performance.md), mounted only for it.
BENCH_FLOOR = environment.read_bool(env, "DJANGO_BENCH_FLOOR", default=False)

ROOT_URLCONF = "minusma_sr.urls"
WSGI_APPLICATION = "minusma_sr.wsgi.application"
PORTAL_VERSION = "0.1.0"

# --- Applications ------------------------------------------------------------
# The portal's own apps, lowest first: an app imports only from those above it
# in this list (see docs/architecture.md).

PORTAL_APPS = [
    "core",
    "accounts",
    "reviews",
    "regions",
    "coordination",
    "funding",
    "projects",
    "portfolio",
    "tooling",
    "minusma_sr",
]

INSTALLED_APPS = [
    # Django admin, for administrators only (accounts/admin_site.py).
    "accounts.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "axes",
    # Two-factor sign-in: authenticator apps and recovery codes (accounts/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    *PORTAL_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML and downloads compressed (gzip), except pages holding a secret of
    # their own (BREACH, docs/security.md). After whitenoise, whose static files
    # are compressed already; before everything that writes the body.
    "core.middleware.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Renews a signed-in session for its idle expiry, at most every few minutes.
    "core.middleware.renew_session",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the second factor was given in this session.
    "django_otp.middleware.OTPMiddleware",
    # A session whose second factor is pending reaches only its step's pages.
    "accounts.two_factor.second_factor_required",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signed-in pages and downloads: Cache-Control: private, no-store.
    "core.middleware.private_no_store",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change that history keeps.
    "simple_history.middleware.HistoryRequestMiddleware",
    # A database still locked after the busy timeout: 503, "try again".
    "minusma_sr.middleware.BusyDatabaseMiddleware",
    # Axes must come last: it answers locked-out sign-in attempts.
    "axes.middleware.AxesMiddleware",
]

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
                "minusma_sr.context_processors.portal",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------

DATABASES = {
    "default": environment.database_config(
        env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=environment.read_int(env, "DATABASE_CONN_MAX_AGE", default=60),
    )
}
# Behind a pooler in transaction mode (PgBouncer), a cursor cannot outlive its
# transaction: exports then read their rows in chunks without server-side cursors.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = environment.read_bool(
    env, "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions --------------------------------------------------------
# Nothing lives in one process's memory: with REDIS_URL the cache and the
# sessions are in Redis, without it both are in the database; sign-in failures
# and lockouts are in the database (AXES_HANDLER). Several processes, on
# several machines, can serve the same person (docs/deployment.md).

REDIS_URL = environment.redis_url(env.str("REDIS_URL", default=""))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
        },
        # Sums over many rows, kept until their data change (core/cached_figures.py).
        "figures": {
            "BACKEND": "core.cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "figures",
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        },
        # Without a cache every process shares, figures are summed at each
        # reading.
        "figures": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Sessions end after this many idle minutes. A request renews the session once
# a tenth of that time has passed since its last renewal
# (core.middleware.renew_session), rather than rewriting it at every request.
SESSION_COOKIE_AGE = environment.read_int(env, "SESSION_IDLE_MINUTES", default=30, minimum=1) * 60
SESSION_RENEW_AFTER = SESSION_COOKIE_AGE // 10
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Authentication -----------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's, with the user of each request kept in the figures cache.
    "accounts.backends.PortalBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: a user name is locked for one address after repeated
# failures, for a cool-off period, never for ever and never by address alone.
AXES_FAILURE_LIMIT = environment.read_int(env, "LOGIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(
    minutes=environment.read_int(env, "LOGIN_COOLOFF_MINUTES", default=15, minimum=1)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures are counted in the database that every process shares.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# Two-factor sign-in (accounts/two_factor.py): required for these roles, by
# their value ("administrator" stands for superusers), optional for everyone
# else. Failed codes count as failed sign-ins above.
TWO_FACTOR_ROLES = env.list(
    "TWO_FACTOR_ROLES", default=["administrator", "fund_manager", "user_manager"]
)
# The name authenticator apps show next to the person's user name.
OTP_TOTP_ISSUER = "Portail S&R MINUSMA"
# Django admin lists people's devices without their secrets or QR codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# How long the link of an invitation to the portal (`accounts.people`) stays valid.
INVITATION_DAYS = environment.read_int(env, "INVITATION_DAYS", default=7, minimum=1, maximum=30)

# --- History ---------------------------------------------------------------
# Reasons given for a change (a decision's status comment) may be long.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Security -------------------------------------------------------------------
# HTTPS settings default to on whenever DEBUG is off; DJANGO_HTTPS=false (in
# the environment or `.env`) lets `make serve` run production-like on plain
# http://127.0.0.1. With DEBUG off, start-up stops on any warning of
# `check --deploy` that is not silenced below (minusma_sr/startup.py).

HTTPS = environment.read_bool(env, "DJANGO_HTTPS", default=not DEBUG)
# Behind a load balancer that terminates TLS: believe its X-Forwarded-Proto
# header only if it sets the header on every request and nothing else can
# reach the application (otherwise a client could claim HTTPS over plain HTTP).
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if environment.read_bool(env, "DJANGO_TRUST_X_FORWARDED_PROTO", default=False)
    else None
)
SECURE_SSL_REDIRECT = HTTPS
# A load balancer's health check reaches each machine over plain HTTP; it must
# get the answer, not a redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a commitment for the whole domain; the mission decides it.
    "security.W021",
]
if not HTTPS:
    # DJANGO_HTTPS=false was set on purpose (it is never the default with DEBUG
    # off): these four checks only repeat that there is no HSTS, no redirect to
    # HTTPS and no secure-only cookie.
    SILENCED_SYSTEM_CHECKS += ["security.W004", "security.W008", "security.W012", "security.W016"]

# No inline script or style anywhere, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The service worker (served at /sw.js) and the web app manifest.
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Figures --------------------------------------------------------------------------
# A plan priority whose coverage (approved ÷ estimated cost, in percent) is
# under this threshold is a gap (docs/figures.md).
COVERAGE_GAP_THRESHOLD = environment.read_int(
    env, "COVERAGE_GAP_THRESHOLD", default=50, minimum=1, maximum=100
)

# --- Money ----------------------------------------------------------------------------
# How many days after today a pledge, deposit, approval, tranche or expenditure
# may be dated (funding.services): 0, the default, records money once it has
# happened, never ahead.
MONEY_FUTURE_DAYS = environment.read_int(env, "MONEY_FUTURE_DAYS", default=0, maximum=366)

# --- Reminders ------------------------------------------------------------------------
# `manage.py send_reminders` (portfolio/reminders.py), run daily by cron: an
# e-mail these many days before a report or decision is due (e.g. "14,7"), on
# the due date and every week while it is overdue (a day the command did not
# run is made up at the next run); the weekly digest goes on this day of the
# week (1 Monday … 7 Sunday).
REMINDER_DAYS_BEFORE = environment.read_int_list(env, "REMINDER_DAYS_BEFORE", default=[7])
REMINDER_DIGEST_WEEKDAY = environment.read_int(
    env, "REMINDER_DIGEST_WEEKDAY", default=1, minimum=1, maximum=7
)

# --- Internationalisation -------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# English dates day before month, 24-hour times (core/formats/en/formats.py);
# French ones are Django's.
FORMAT_MODULE_PATH = ["core.formats"]
TIME_ZONE = "Africa/Bamako"
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Files that browsers ask for at the site's root whatever the page
# (/favicon.ico), served there by whitenoise on every page, signed in or not,
# and on the error pages (tooling/icons.py draws the icon).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Never served as such, in any mode: uploaded files reach a browser only
# through the views that check who may read them (core.files.serve).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Attached files: PDF, Word, Excel and images, checked by content.
UPLOAD_MAX_BYTES = environment.read_int(env, "UPLOAD_MAX_MB", default=10, minimum=1) * 1024 * 1024
# A request body other than its files (form fields) over 2.5 MB is refused
# (400) before it is parsed; the files themselves are limited by
# UPLOAD_MAX_BYTES, and the reverse proxy refuses any body just above it
# (`client_max_body_size`, docs/deployment.md).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# An uploaded file larger than this is spooled to a temporary file on disk
# instead of being held in the process's memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
# Where `manage.py backup` writes its archives (kept private: 0700, files 0600).
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "backups")))

STORAGES = {
    # Uploaded files: in MEDIA_ROOT unless another backend is named, such as an
    # object store through django-storages when several machines serve the
    # portal (docs/deployment.md).
    "default": environment.storage_backend(
        env.str("DJANGO_DEFAULT_STORAGE", default="django.core.files.storage.FileSystemStorage"),
        env.str("DJANGO_DEFAULT_STORAGE_OPTIONS", default=""),
    ),
    "staticfiles": {
        # Hashed names only where static files are collected (production).
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail ------------------------------------------------------------------------

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = environment.read_int(env, "EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = environment.read_bool(env, "EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portail-sr@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Logging -------------------------------------------------------------------------

# Security events (sign-ins, lockouts, refusals, exports, role changes) go to
# the `security` logger as one JSON object per line (accounts/security_log.py),
# on standard error like the rest, and only there: a collector can tell them
# apart from the plain lines by their first character. A refusal (403) is
# that one line, without Django's own warning and its traceback.

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "refusals_recorded_elsewhere": {"()": "core.log_filters.RefusalsRecordedElsewhere"}
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json_lines": {"()": "accounts.security_log.JsonLinesFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "security": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json_lines",
        },
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["refusals_recorded_elsewhere"]},
        "security": {"handlers": ["security"], "level": "INFO", "propagate": False},
    },
}


# --- The read API (portfolio/api/, tokens in accounts/api_auth.py) ---------------------

# Requests per token (or per person signed in by session) and per period.
API_RATE = "600/hour"

REST_FRAMEWORK = {
    # The token first: a request without credentials is answered 401 with
    # `WWW-Authenticate: Bearer`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.api_auth.ReadOnly",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api_auth.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_RATE},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MINUSMA stabilization & recovery portal API",
    "DESCRIPTION": (
        "Read-only access to plans, projects, results, money and coordination, "
        "scoped by the same rules as the portal's pages. Authenticate with a personal "
        "token (`Authorization: Bearer <token>`) made on your profile page. "
        f"At most {API_RATE} requests per token."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Signed in, as the API itself: nothing of the portal is public but /open/.
    "SERVE_PERMISSIONS": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.api_auth.ReadOnly",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "OAS_VERSION": "3.1.0",
    "ENUM_NAME_OVERRIDES": {
        "PillarEnum": "regions.models.Pillar",
        "PlanStatusEnum": "regions.models.RegionalPlan.Status",
        "ProjectStatusEnum": "projects.models.Project.Status",
        "DecisionStatusEnum": "coordination.models.Decision.Status",
    },
}

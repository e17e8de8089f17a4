"""The platform's one settings module, driven by the environment (see config/env.py and docs/operations.md).

Modes: development (default; also the test suite), demo (`make demo`), production (real data).
Production refuses to start without a secret key and allowed hosts, and never enables demo conveniences.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from config.env import ConfigurationError, Mode, env_bool, env_int, env_list, env_mode, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SAFEGUARDING_VAR_DIR", str(BASE_DIR / "var")))

MODE = env_mode()
PRODUCTION = MODE == Mode.PRODUCTION
# Demo conveniences (printed passwords, `demo-otp`) exist only in demo mode; production can't switch them on.
DEMO_MODE = MODE == Mode.DEMO

DEBUG = env_bool("SAFEGUARDING_DEBUG", default=MODE == Mode.DEVELOPMENT) and not PRODUCTION

_INSECURE_KEY = "insecure-development-key-never-use-in-production-0123456789abcdef"
SECRET_KEY = env_str("SAFEGUARDING_SECRET_KEY", "" if PRODUCTION else _INSECURE_KEY)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _INSECURE_KEY):
    raise ConfigurationError("SAFEGUARDING_SECRET_KEY must be set to a random value of 50+ characters")

# The access log's hash chain is an HMAC keyed with this secret, kept outside the database (with the other
# secrets, and backed up with them) so that someone who can rewrite the table cannot re-compute the chain.
# Changing it makes every existing event fail `accesslog verify`: there is no key rotation yet.
_INSECURE_ACCESSLOG_KEY = "insecure-development-access-log-key-never-use-in-production"
ACCESSLOG_KEY = env_str("SAFEGUARDING_ACCESSLOG_KEY", "" if PRODUCTION else _INSECURE_ACCESSLOG_KEY)
if PRODUCTION and (len(ACCESSLOG_KEY) < 32 or ACCESSLOG_KEY == _INSECURE_ACCESSLOG_KEY):
    raise ConfigurationError(
        "SAFEGUARDING_ACCESSLOG_KEY must be set to a random value of 32+ characters, kept outside the "
        "database"
    )

ALLOWED_HOSTS = env_list(
    "SAFEGUARDING_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigurationError("SAFEGUARDING_ALLOWED_HOSTS must name the host names the platform serves")
CSRF_TRUSTED_ORIGINS = env_list("SAFEGUARDING_CSRF_TRUSTED_ORIGINS", [])

PARTNERSHIP_NAME = env_str("SAFEGUARDING_PARTNERSHIP_NAME", "Walsall Safeguarding Partnership (demo)")
PARTNERSHIP_SHORT_NAME = env_str("SAFEGUARDING_PARTNERSHIP_SHORT_NAME", "WSP")
# The council's three-digit DfE local authority code, for census headers (Walsall, the demo's council: 335).
LA_CODE = env_str("SAFEGUARDING_LA_CODE", "335" if MODE != Mode.PRODUCTION else "")
# Path under static/ or an absolute URL of the partnership's own logo; empty shows the name only.
PARTNERSHIP_LOGO = env_str("SAFEGUARDING_PARTNERSHIP_LOGO", "")
SUPPORT_EMAIL = env_str("SAFEGUARDING_SUPPORT_EMAIL", "safeguarding.partnership@example.org")
SITE_URL = env_str("SAFEGUARDING_SITE_URL", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "safeguarding.core",
    "safeguarding.accounts",
    "safeguarding.access",
    "safeguarding.accesslog",
    "safeguarding.api",
    "safeguarding.children",
    "safeguarding.population",
    "safeguarding.frontdoor",
    "safeguarding.census",
    "safeguarding.indicators",
    "safeguarding.demo",
    "safeguarding.reviews",
    "safeguarding.actions",
    "safeguarding.briefings",
    "safeguarding.audits",
]

MIDDLEWARE = [
    "safeguarding.core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safeguarding.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Every page needs sign-in unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "safeguarding.core.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
# SQLite is the embedded default (WAL, busy timeout, IMMEDIATE transactions so writers queue rather than
# fail); DATABASE_URL selects PostgreSQL for production and CI.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    # SQLite cannot create the folder its file lives in: make it, so any first command (migrate, seed,
    # import) works on a fresh checkout or a new SAFEGUARDING_VAR_DIR, not only `demo` and `serve`.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "safeguarding.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                    " PRAGMA busy_timeout=20000;"
                ),
            },
            "TEST": {"NAME": ""},  # in-memory for tests
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People and sign-in ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "safeguarding.accounts.backends.EmailBackend",
]
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
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:signed-out"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2  # a reset link works for two hours

# Lockout (django-axes): after this many failures for one email from one address, sign-in is refused until
# the cool-off ends or an administrator unlocks it.
AXES_FAILURE_LIMIT = env_int("SAFEGUARDING_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("SAFEGUARDING_LOCKOUT_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "safeguarding.accounts.backends.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# How many reverse proxies stand in front of the platform. With one or more, the client's address is read
# from X-Forwarded-For (core.middleware.ClientAddressMiddleware) for the lockout and the access log.
PROXY_COUNT = env_int("SAFEGUARDING_PROXY_COUNT", 0)

OTP_TOTP_ISSUER = PARTNERSHIP_SHORT_NAME
RECOVERY_CODE_COUNT = 10

# --- Sessions and security headers ----------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
IDLE_TIMEOUT_MINUTES = env_int("SAFEGUARDING_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
# The cookie's age is renewed on every request, so a session ends after this long without activity.
SESSION_COOKIE_AGE = IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SAFEGUARDING_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SAFEGUARDING_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SAFEGUARDING_HSTS_PRELOAD", default=True)
    if not SECURE_HSTS_PRELOAD:
        # An operator who chose not to preload has decided; don't warn on every deploy check.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if env_bool("SAFEGUARDING_BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=()"

# --- Files, e-mail, time --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private-files")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION

EMAIL_BACKEND = env_str(
    "SAFEGUARDING_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("SAFEGUARDING_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("SAFEGUARDING_EMAIL_PORT", 25)
EMAIL_USE_TLS = env_bool("SAFEGUARDING_EMAIL_TLS", default=PRODUCTION)
DEFAULT_FROM_EMAIL = env_str("SAFEGUARDING_FROM_EMAIL", "no-reply@safeguarding.example.org")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

# --- Platform rules -------------------------------------------------------------------------------------
# Partnership aggregates below this count are shown as "fewer than N" (core.suppression).
SMALL_NUMBER_THRESHOLD = env_int("SAFEGUARDING_SMALL_NUMBER_THRESHOLD", 5, minimum=1)
# How many days before its due date an agency's lead is reminded of a data return not yet submitted.
DATA_RETURN_REMINDER_DAYS = env_int("SAFEGUARDING_DATA_RETURN_REMINDER_DAYS", 7, minimum=1)
# Action owners are reminded this many days before an action is due, and an action with no update for
# ACTIONS_STALE_DAYS days is flagged as stale in the tracker and reminded ("drift", issue 6).
ACTIONS_REMIND_DAYS = env_int("SAFEGUARDING_ACTIONS_REMIND_DAYS", 10, minimum=1)
ACTIONS_STALE_DAYS = env_int("SAFEGUARDING_ACTIONS_STALE_DAYS", 30, minimum=1)
BREAK_GLASS_MINUTES = env_int("SAFEGUARDING_BREAK_GLASS_MINUTES", 60, minimum=5)
# The months after a review starts by which its report should be published (Working Together 2018: 6).
LCSPR_PUBLICATION_MONTHS = env_int("SAFEGUARDING_LCSPR_PUBLICATION_MONTHS", 6, minimum=1)
# The local standard for deciding on a safeguarding adult review referral or a non-notifiable child's case
# (no national timescale; the local-review-decision clock in core.clocks).
REVIEW_DECISION_WORKING_DAYS = env_int("SAFEGUARDING_REVIEW_DECISION_WORKING_DAYS", 20, minimum=1)
# The largest CIN census or Annex A file accepted (a county's census is tens of MB; 200 MB leaves room).
CENSUS_MAX_FILE_BYTES = env_int("SAFEGUARDING_CENSUS_MAX_FILE_BYTES", 200 * 1024 * 1024, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("SAFEGUARDING_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

"""Settings for the SEND Information, Advice and Support case-management system.

One file for every environment. ``PPS_ENV`` chooses the mode:
- ``development`` (default): imports with no environment at all, using clearly
  marked development keys and local SQLite files under ``var/``;
- ``production``: refuses to start unless real secrets and keys are supplied.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from pps.env import env_bool, env_int, env_list, env_secret, env_str
from pps.proxies import throttle_address_settings

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("PPS_DATA_DIR", str(BASE_DIR / "var")))

PPS_ENV = env_str("PPS_ENV", "development")
if PPS_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("PPS_ENV must be 'development' or 'production'.")
PRODUCTION = PPS_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
# With DEBUG on, users still get the service's error pages, never Django's
# technical ones (stack, local values, URL list); a developer can ask for those
# (pps/error_pages.py).
PPS_DEBUG_TECHNICAL_PAGES = DEBUG and env_bool("PPS_DEBUG_TECHNICAL_PAGES", default=False)

# Development-only values. They are public (they are in this file), so production
# refuses them; see the checks at the end of this module.
_DEV_SECRET_KEY = "development-only-secret-key-not-for-production-use-0123456789abcdef"
_DEV_MASTER_KEYS = "dev1:ZGV2ZWxvcG1lbnQtb25seS1tYXN0ZXIta2V5LTMyYiE="
_DEV_BLIND_INDEX_KEY = "ZGV2ZWxvcG1lbnQtb25seS1ibGluZC1pbmRleC1rZXk="

SECRET_KEY = env_secret("DJANGO_SECRET_KEY") or _DEV_SECRET_KEY
# Master keys wrap each case's data key: "id:base64key" pairs, comma separated.
# The first is current (used to wrap); the others only unwrap until rotate_keys
# has re-wrapped everything. Deliberately separate from SECRET_KEY.
PPS_MASTER_KEYS = env_secret("PPS_MASTER_KEYS") or _DEV_MASTER_KEYS
PPS_BLIND_INDEX_KEY = env_secret("PPS_BLIND_INDEX_KEY") or _DEV_BLIND_INDEX_KEY

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "pps",
    "pps.keystore",
    "pps.security",
    "cases",
    "consent",
    "disclosure",
    "retention",
    "governance",
    # After "pps": its db_worker command (the package's, plus a heartbeat) wins.
    "django_tasks_db",
]
if not PRODUCTION:
    # The demo data behind `make run` and the performance benchmark: tools for
    # developers, never installed where real families' information is held.
    INSTALLED_APPS += ["demo", "benchmarks"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files, straight after the HTTPS redirect and HSTS: they need no
    # session, user or CSRF check.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # /healthz answers here, before anything that reads or writes a session,
    # requires a sign-in or redirects (pps/health.py).
    "pps.health.HealthCheckMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "pps.security.middleware.TwoFactorRequiredMiddleware",
    "pps.security.middleware.SessionLifetimeMiddleware",
    "pps.middleware.IdleSessionLockMiddleware",
    "pps.policy.gate.PolicyAcknowledgementMiddleware",
    "pps.middleware.NoStoreMiddleware",
    "pps.security.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # The service's 404, 405 and (DEBUG on) 500 pages instead of Django's own.
    "pps.error_pages.ServiceErrorPagesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "pps.security.middleware.ClearErrorPagesMiddleware",
    "pps.security.idempotency.IdempotentPostMiddleware",
    # Last, as django-axes requires: turns a throttled sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pps.urls"
WSGI_APPLICATION = "pps.wsgi.application"

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
                "django.template.context_processors.csp",
                "pps.context_processors.session_settings",
            ],
        },
    },
]


def _sqlite(path: Path) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue
            # instead of failing half-way; secure_delete overwrites freed pages so
            # purged plaintext does not linger in the file.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                # Incremental auto-vacuum lets the purge give freed pages back at a
                # cost that follows what it deleted, not the file's size (RET-6).
                # It takes effect only in a new, empty file, so it comes first.
                "PRAGMA auto_vacuum=INCREMENTAL;"
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA secure_delete=ON;"
                # A 64 MiB page cache per connection (SQLite's default is 2 MiB): at
                # 100,000 cases a common surname's matches are thousands of lookups
                # scattered over the cases table, which the default cache re-read
                # from the file system on every search.
                "PRAGMA cache_size=-65536;"
            ),
        },
        # Kept open between requests, as for PostgreSQL, so that cache stays warm
        # and no request pays for opening the file and setting it up again.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "TEST": {"NAME": None},
    }


def _database(url_var: str, sqlite_file: str) -> dict:
    url = env_str(url_var)
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if config["ENGINE"] == "django.db.backends.sqlite3":
            return _sqlite(Path(config["NAME"]))
        # A server that does not answer fails the request (and /healthz) in
        # seconds rather than hanging a worker; the URL may set its own.
        config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
        return config
    return _sqlite(DATA_DIR / sqlite_file)


# Wrapped per-case data keys live in their own database ("keystore") so that a
# copy of the case database alone reveals nothing, and destroying a data key
# makes every copy of that case's ciphertext unreadable (crypto-shredding).
DATABASES = {
    "default": _database("DATABASE_URL", "pps.sqlite3"),
    "keystore": _database("KEYSTORE_DATABASE_URL", "keystore.sqlite3"),
}
DATABASE_ROUTERS = ["pps.keystore.router.KeystoreRouter"]

# Background jobs (OPS-2): Django's tasks framework, queued in the case database
# (the router keeps everything but the key store there) and run by
# `manage.py db_worker` (django-tasks-db).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "pps.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a throttled account or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "pps.security.backends.ServiceModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",  # argon2id
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# Length and blocklists, no composition rules (ASVS 6.2); see pps/security/passwords.py.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "pps.security.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "pps.security.passwords.ServiceWordsValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour, once

# Two-factor authentication (django-otp): TOTP for everyone, recovery codes as
# the fallback. Secrets are never shown in the admin site.
OTP_TOTP_ISSUER = env_str("PPS_TOTP_ISSUER", "SENDIASS case management")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A code is accepted one 30-second step either side of the server clock (the
# device's tolerance of 1). The window does not follow a phone's own drift:
# syncing would let it walk a step further with every code from a fast phone.
OTP_TOTP_SYNC = False
# Time allowed between the password and the second step, and the window for
# which a re-authentication ("sudo") unlocks dangerous actions.
PPS_TWO_FACTOR_STEP_MINUTES = 10
PPS_SUDO_MINUTES = env_int("PPS_SUDO_MINUTES", 10)

# Sign-in throttling (django-axes): by account and, separately, by address.
# A pause, never a permanent lock, and the pause is not extended by further
# attempts, so nobody can keep a colleague locked out by guessing.
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env_int("PPS_SIGN_IN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("PPS_SIGN_IN_PAUSE_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "pps.security.views.signin_paused"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token", "code"]
AXES_VERBOSE = False
# Behind the production reverse proxy (Caddy: 1) the client's address comes
# from X-Forwarded-For (pps/proxies.py).
AXES_IPWARE_PROXY_COUNT, AXES_IPWARE_META_PRECEDENCE_ORDER = throttle_address_settings(
    env_int("PPS_PROXY_COUNT", 1 if PRODUCTION else 0)
)

# guardian: no anonymous user row; object permissions use direct foreign keys.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Absolute lifetime of a session; the idle lock (ACC-8) is usually much shorter.
SESSION_COOKIE_AGE = env_int("PPS_SESSION_MAX_HOURS", 10) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The page script takes the CSRF token from the form, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
PPS_IDLE_TIMEOUT_MINUTES = env_int("PPS_IDLE_TIMEOUT_MINUTES", 15)
PPS_UPLOAD_MAX_BYTES = env_int("PPS_UPLOAD_MAX_MB", 10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # form fields; files are capped above

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # A health check from the machine itself (monitoring, systemd) may use plain
    # HTTP to gunicorn; the answer holds nothing to protect.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# The service works in English only and has nothing to translate; British
# formats (dates, input formats) still come from LANGUAGE_CODE. With translation
# on, every date, URL and value a template shows looked up the active language
# (a sixth of a list page's time), to produce the same English text.
USE_I18N = False
USE_TZ = True

# Static files are served by WhiteNoise from the app's own origin (so the CSP's
# 'self' covers them). Production serves what `collectstatic` put in
# STATIC_ROOT: hashed names (cached for a year, immutable) and gzip/brotli
# copies. Development and tests read the source folders directly, so neither
# needs `collectstatic` (the manifest storage would refuse every page without it).
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("PPS_STATIC_ROOT", str(DATA_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# Nothing on another origin needs these files.
WHITENOISE_ALLOW_ALL_ORIGINS = False

if PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("SMTP_HOST", "localhost"),
                "port": env_int("SMTP_PORT", 587),
                "username": env_str("SMTP_USER"),
                "password": env_secret("SMTP_PASSWORD"),
                "use_tls": True,
                "timeout": 20,
            },
        }
    }
else:
    # Development writes each email to a file in var/demo-mail/ (the demo sends PDFs that would
    # bury the console in base64); tests use Django's memory backend.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(DATA_DIR / "demo-mail")},
        }
    }
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "no-reply@localhost")

# Logs carry no personal data: request bodies and query strings are never
# logged, and 404s (which name only opaque ids) are kept at WARNING.
# Exception messages can quote a value, so tracebacks are logged without them
# (pps/security/logging.py); the development server's request lines lose their
# query strings (a search for a surname), and requests for /healthz are not logged.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "redacted": {
            "()": "pps.security.logging.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        }
    },
    "filters": {
        "no_query_strings": {"()": "pps.security.logging.DropQueryStrings"},
        "no_health_checks": {"()": "pps.security.logging.DropHealthChecks"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "redacted",
            "filters": ["no_health_checks", "no_query_strings"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own handlers (console in DEBUG, mail_admins) bypass ours.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # weasyprint reports every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
    },
}
ADMINS: list = []

if PRODUCTION:
    _missing = [
        name
        for name, value, dev_value in [
            ("DJANGO_SECRET_KEY", SECRET_KEY, _DEV_SECRET_KEY),
            ("PPS_MASTER_KEYS", PPS_MASTER_KEYS, _DEV_MASTER_KEYS),
            ("PPS_BLIND_INDEX_KEY", PPS_BLIND_INDEX_KEY, _DEV_BLIND_INDEX_KEY),
        ]
        if value == dev_value
    ]
    if _missing:
        raise ImproperlyConfigured(
            "Production needs real secrets; set " + ", ".join(_missing) + " (or their *_FILE)."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs DJANGO_ALLOWED_HOSTS.")

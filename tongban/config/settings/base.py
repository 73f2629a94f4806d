"""Settings shared by every environment.

Everything that differs between machines comes from the environment through
``tongban.core.env``; ``dev``, ``test`` and ``prod`` only override. Every variable read here
appears in docs/configuration.md, generated from the ``help=`` texts below.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from tongban.core.env import env

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = BASE_DIR / "var"

# --- secrets and hosts -------------------------------------------------------------------

SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    "",
    help="Django's secret key: signs sessions, password reset links and CSRF tokens.",
    required_in_production=True,
    secret=True,
)
DEBUG = env.bool(
    "DJANGO_DEBUG",
    False,
    help="Show Django's debug pages. Only for a developer's machine; never in production.",
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    ["localhost", "127.0.0.1", "[::1]"],
    help="Host names this deployment answers to (e.g. `www.haichuan.gov.example`).",
    required_in_production=True,
)
CSRF_TRUSTED_ORIGINS = env.list(
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    [],
    help="Origins allowed to post forms when behind a proxy on another origin "
    "(e.g. `https://www.haichuan.gov.example`).",
)
DEMO_MODE = env.bool(
    "TONGBAN_DEMO_MODE",
    False,
    help="Run with the fictional demo city: demo data, demo accounts printed at start-up, the "
    "demo SMS outbox. Always on in the development settings; never in production.",
)

# --- applications ------------------------------------------------------------------------

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    # Sign-up stays ours (tongban.accounts); allauth signs people in and runs MFA and passkeys.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The OpenID Connect provider for other departments' systems (ADR 7).
    "allauth.idp.oidc",
    # Tongban's apps, from the lowest layer up (DESIGN.md §4).
    "tongban.core",
    "tongban.audit",
    "tongban.notifications",
    "tongban.organization",
    "tongban.registries",
    "tongban.accounts",
    "tongban.workflow",
    "tongban.certificates",
    "tongban.catalog",
    "tongban.cases",
    "tongban.alerts",
    "tongban.appointments",
    "tongban.web",
]

MIDDLEWARE = [
    "tongban.core.metrics.RequestMetricsMiddleware",
    "tongban.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "tongban.core.headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tongban.accounts.middleware.SessionIdleTimeoutMiddleware",
    "tongban.accounts.middleware.StaffSecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tongban.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "tongban.config.urls"
WSGI_APPLICATION = "tongban.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tongban" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tongban.web.context_processors.portal",
                "tongban.notifications.context_processors.inbox",
                "tongban.accounts.context_processors.identity",
                "tongban.alerts.context_processors.banner",
            ],
        },
    },
]

# --- data --------------------------------------------------------------------------------

DATABASE_URL = env.str(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'tongban.sqlite3'}",
    shown_default="`sqlite:///<project>/var/tongban.sqlite3`",
    help="Where the data lives: `sqlite:///path` for the embedded default, "
    "`postgres://user:password@host:5432/name` at scale.",
    required_in_production=True,
    secret=True,
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write lock at
    # the start of a transaction, so two writers queue instead of failing with "locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str(
    "REDIS_URL",
    "",
    help="Redis for the cache, sessions' cache and rate limits (e.g. `redis://127.0.0.1:6379/0`). "
    "Empty: an in-process memory cache, fine for one process.",
    secret=True,
)
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- personal data -----------------------------------------------------------------------

FIELD_ENCRYPTION_KEYS = env.list(
    "FIELD_ENCRYPTION_KEYS",
    [],
    help="Keys that encrypt personal identifiers at rest, as `key_id:base64-key` items "
    "(32-byte AES-256 keys). The first encrypts; the others still decrypt, so a key can be "
    "rotated by putting a new one first and running `manage.py encryption_rotate`. "
    "Generate one with `manage.py encryption_key`.",
    required_in_production=True,
    secret=True,
)
FIELD_BLIND_INDEX_KEY = env.str(
    "FIELD_BLIND_INDEX_KEY",
    "",
    help="HMAC key (base64, 32 bytes) for blind indexes: exact lookups of encrypted values "
    "(e.g. find an account by ID number) without decrypting. Changing it requires "
    "`manage.py encryption_rotate --reindex`.",
    required_in_production=True,
    secret=True,
)

# --- audit -------------------------------------------------------------------------------

AUDIT_RETENTION_DAYS = env.int(
    "TONGBAN_AUDIT_RETENTION_DAYS",
    1095,
    help="How many days audit events (including every read of someone's personal data) are "
    "kept before the daily purge deletes them. At least 184 (six months, Cybersecurity Law "
    "Art. 21); a smaller value is refused at start-up.",
    # 184 days: the longest six calendar months. Kept equal to
    # tongban.audit.constants.RETENTION_MINIMUM_DAYS (settings load before the apps).
    minimum=184,
)

# --- background work ---------------------------------------------------------------------

CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL",
    "",
    help="Broker for Celery workers and beat (`redis://…` or `amqp://…`). Empty: tasks run "
    "in the web process (eagerly) and periodic jobs in its in-process runner.",
    secret=True,
)
CELERY_RESULT_BACKEND = (
    env.str(
        "CELERY_RESULT_BACKEND",
        "",
        help="Where Celery keeps task results (e.g. `redis://127.0.0.1:6379/1`). Empty: none kept.",
        secret=True,
    )
    or None
)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic jobs. Beat runs them at scale; `manage.py serve` runs them in-process otherwise.
CELERY_BEAT_SCHEDULE = {
    "calendar-sync": {
        "task": "tongban.core.tasks.calendar_sync",
        "schedule": crontab(hour="3", minute="17"),
    },
    "audit-events-seal": {
        "task": "tongban.audit.tasks.audit_events_seal",
        "schedule": 60.0,
    },
    "audit-events-purge": {
        "task": "tongban.audit.tasks.audit_events_purge",
        "schedule": crontab(hour="4", minute="7"),
    },
    # Deemed acceptance (Administrative Licensing Law Art. 32) is decided by the date in
    # China, so hourly is plenty; the job is idempotent.
    "cases-deemed-accepted-apply": {
        "task": "tongban.cases.tasks.cases_deemed_accepted_apply",
        "schedule": crontab(minute="5"),
    },
    # Due-soon warnings and escalation of overdue cases (each step once).
    "cases-clocks-escalate": {
        "task": "tongban.cases.tasks.clocks_escalate",
        "schedule": 900.0,
    },
    "cases-drafts-expire": {
        "task": "tongban.cases.tasks.drafts_expire",
        "schedule": crontab(hour="2", minute="41"),
    },
    # The yearly pension qualification check: each day, files the silent check of the
    # retirees whose confirmation ran out (at most once a year each; idempotent). Early, so
    # the rules have read the night's registry data before retirees look.
    "cases-pension-checks-start-due": {
        "task": "tongban.cases.tasks.pension_checks_start_due",
        "schedule": crontab(hour="5", minute="37"),
    },
    "workflow-task-deadlines-check": {
        "task": "tongban.workflow.tasks.task_deadlines_check",
        "schedule": 300.0,
    },
    "cases-certificates-retry-due": {
        "task": "tongban.cases.tasks.case_certificates_retry_due",
        "schedule": 300.0,
    },
    "notifications-deliveries-retry": {
        "task": "tongban.notifications.tasks.deliveries_retry_due",
        "schedule": 30.0,
    },
    "notifications-delivery-failures-summarize": {
        "task": "tongban.notifications.tasks.delivery_failures_summarize",
        "schedule": crontab(hour="8", minute="3"),
    },
    "appointments-slots-generate": {
        "task": "tongban.appointments.tasks.slots_generate",
        "schedule": crontab(minute="23"),
    },
    "appointments-reminders-send": {
        "task": "tongban.appointments.tasks.reminders_send",
        "schedule": 900.0,
    },
    "appointments-no-shows-record": {
        "task": "tongban.appointments.tasks.no_shows_record",
        "schedule": 900.0,
    },
}
PERIODIC_RUNNER = env.bool(
    "TONGBAN_PERIODIC_RUNNER",
    not CELERY_BROKER_URL,
    help="Run periodic jobs in a thread of the web process started by `manage.py serve`. "
    "On by default when no broker is configured; turn it off when Celery beat runs them.",
)

# --- notifications -----------------------------------------------------------------------

SITE_URL = env.str(
    "TONGBAN_SITE_URL",
    "http://localhost:8000",
    help="The portal's public address, for links in e-mail and other messages that leave the "
    "site (e.g. `https://www.haichuan.gov.example`).",
)
# E-mail goes out through Django's SMTP backend when a host is set; without one (the embedded
# default) each message is written as a file under var/mail, never to the log.
EMAIL_HOST = env.str(
    "EMAIL_HOST",
    "",
    help="SMTP server that sends the platform's e-mail (e.g. `smtp.haichuan.gov.example`). "
    "Empty: messages are written to files under `var/mail` instead of being sent.",
)
EMAIL_PORT = env.int("EMAIL_PORT", 587, help="Port of the SMTP server.", minimum=1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "", help="User name for the SMTP server, if any.")
EMAIL_HOST_PASSWORD = env.str(
    "EMAIL_HOST_PASSWORD", "", help="Password for the SMTP server, if any.", secret=True
)
EMAIL_USE_TLS = env.bool(
    "EMAIL_USE_TLS",
    True,
    help="Talk to the SMTP server with STARTTLS. Turn off only for a server on the same host.",
)
EMAIL_TIMEOUT = env.int(
    "EMAIL_TIMEOUT",
    20,
    help="Seconds to wait for the SMTP server before the delivery is retried later.",
    minimum=1,
)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL",
    "Tongban <noreply@localhost>",
    help="Sender of the platform's e-mail, e.g. `海川市政务服务 <noreply@haichuan.gov.example>`.",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
SMS_GATEWAY = env.str(
    "TONGBAN_SMS_GATEWAY",
    "demo",
    help="Plug-in that sends SMS through an operator's gateway, which only sends templates "
    "approved in advance. `demo` keeps messages in the demo outbox page and sends nothing.",
)
WEB_PUSH_ENABLED = env.bool(
    "TONGBAN_WEB_PUSH",
    False,
    help="Offer web push notifications on installed portals. When on, production needs "
    "`TONGBAN_VAPID_PRIVATE_KEY`; the development and test settings turn it on with "
    "throwaway keys.",
)
VAPID_PRIVATE_KEY = env.str(
    "TONGBAN_VAPID_PRIVATE_KEY",
    "",
    help="The VAPID key that signs web pushes: a P-256 private key as 32 bytes in base64url "
    "(the public key browsers subscribe with is derived from it). Generate one with "
    "`manage.py vapid_key`. Changing it invalidates every browser's subscription.",
    secret=True,
)
VAPID_SUBJECT = env.str(
    "TONGBAN_VAPID_SUBJECT",
    "mailto:noreply@localhost",
    help="Contact that push services see in each push (`mailto:` or `https:` address of the "
    "operator).",
)
# Browsers hand over push endpoints on the push services' public HTTPS hosts; anything else
# would let a user make the server post to an address of their choice. Tests flip this to
# reach their local endpoint.
WEB_PUSH_ALLOW_LOCAL_ENDPOINTS = False

# --- certificates --------------------------------------------------------------------------

CERTIFICATE_SIGNING_ALGORITHM = env.str(
    "TONGBAN_CERTIFICATE_SIGNING_ALGORITHM",
    "Ed25519",
    help="Algorithm of new issuer keys for e-certificates: `Ed25519` or `ES256` (P-256). "
    "Existing keys keep theirs; rotate a department's key to switch it.",
)
CERTIFICATE_VERIFY_RATE_LIMIT = env.int(
    "TONGBAN_CERTIFICATE_VERIFY_RATE_LIMIT",
    60,
    help="Certificate verifications (page and API) one client address may make per minute "
    "before each further one waits a growing delay.",
    minimum=1,
)
APPOINTMENTS_PUBLIC_RATE_LIMIT = env.int(
    "TONGBAN_APPOINTMENTS_PUBLIC_RATE_LIMIT",
    120,
    help="Requests one client address may make per minute to the public appointment pages "
    "and slot search before each further one waits a growing delay.",
    minimum=1,
)
APPOINTMENTS_KIOSK_RATE_LIMIT = env.int(
    "TONGBAN_APPOINTMENTS_KIOSK_RATE_LIMIT",
    20,
    help="Check-ins by ID number or QR one kiosk (client address) may attempt per minute "
    "before each further one waits a growing delay; slows guessing of ID numbers.",
    minimum=1,
)
CERTIFICATE_PRESENTATION_SECONDS = env.int(
    "TONGBAN_CERTIFICATE_PRESENTATION_SECONDS",
    300,
    help="How long a QR code a holder shows (亮证) stays valid, in seconds.",
    minimum=30,
)

# --- files -------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(
    env.str(
        "STATIC_ROOT",
        str(VAR_DIR / "static"),
        shown_default="`<project>/var/static`",
        help="Folder `collectstatic` fills and the web process serves static files from.",
    )
)
MEDIA_ROOT = Path(
    env.str(
        "MEDIA_ROOT",
        str(VAR_DIR / "media"),
        shown_default="`<project>/var/media`",
        help="Folder for uploaded materials and issued documents in the embedded default. "
        "Never inside the web root: files are served only through authorised views.",
    )
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- language and time -------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tongban" / "locale"]
USE_I18N = True
# Every date a person sees and every deadline counts in China Standard Time.
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- security ----------------------------------------------------------------------------

# Argon2id hashes new passwords; the others still check old hashes and are upgraded on login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS",
    31536000,
    help="HSTS max-age sent in production (seconds). Only takes effect with the production "
    "settings, which also redirect to HTTPS.",
    minimum=0,
)
USE_X_FORWARDED_PROTO = env.bool(
    "TONGBAN_BEHIND_TLS_PROXY",
    False,
    help="Trust the `X-Forwarded-Proto` header of a TLS-terminating proxy in front of the web "
    "nodes. Turn on only when such a proxy strips that header from clients.",
)
if USE_X_FORWARDED_PROTO:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Pages post through htmx with the token from the page (hx-headers), so no script needs to
# read the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tongban.web.views.csrf_failure"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
# Scripts run only from our own origin or with the per-response nonce: no inline script, no
# eval (htmx is configured without it), nothing from a CDN. Styles only from our files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Features no page of the platform uses are off for every origin. Opening one (the camera
# for scanning a certificate's QR code, say) is a deliberate change here.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "fullscreen": ["self"],
    "publickey-credentials-get": ["self"],
}

# --- identity: sign-in, MFA, passkeys, sessions ---------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
ACCOUNT_ADAPTER = "tongban.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
# Sign-up is Tongban's own (one identifier, proven by a code, and a password); these fields
# tell allauth what an account has. Neither identifier is required alone, so allauth's
# check that one login method is a required sign-up field is silenced below.
ACCOUNT_SIGNUP_FIELDS = ["email", "phone", "password1*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
# A password alone is not enough: without TOTP or a passkey, a code is sent to the verified
# mobile number or e-mail address (the adapter decides per login).
# Code-only sign-in stays off: a code is one factor.
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_LOGIN_BY_CODE_REQUIRED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300
# Six digits, as every Chinese app sends them (and as phones offer to fill them in).
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Failed logins slow down with growing delays (tongban.core.ratelimit) instead of allauth's
# fixed lockout window, which would let anyone lock a known account out.
ACCOUNT_RATE_LIMITS = {"login_failed": False}
ACCOUNT_FORMS = {"login": "tongban.accounts.forms.LoginForm"}
MFA_ADAPTER = "tongban.accounts.adapters.MfaAdapter"

# Single sign-on for other departments' systems: allauth's OpenID Connect provider, with
# Tongban's claims, pairwise subjects and remembered consent (tongban.accounts.oidc, ADR 7).
SSO_ENABLED = env.bool(
    "TONGBAN_SSO",
    False,
    help="Offer single sign-on (OpenID Connect) to registered department systems. When on, "
    "production needs `TONGBAN_OIDC_PRIVATE_KEY`; the development and test settings turn it "
    "on with a throwaway key.",
)
IDP_OIDC_PRIVATE_KEY = env.str(
    "TONGBAN_OIDC_PRIVATE_KEY",
    "",
    help="The RSA private key (PEM, 2048 bits or more) that signs id_tokens; its public half "
    "is published at `/.well-known/jwks.json`. Generate one with `openssl genrsa 3072`. "
    "Changing it makes clients refetch the JWKS.",
    secret=True,
)
IDP_OIDC_ADAPTER = "tongban.accounts.oidc.adapter.OIDCAdapter"
IDP_OIDC_ACCESS_TOKEN_EXPIRES_IN = 15 * 60
IDP_OIDC_AUTHORIZATION_CODE_EXPIRES_IN = 60
IDP_OIDC_ROTATE_REFRESH_TOKEN = True
IDP_OIDC_REFRESH_TOKEN_EXPIRES_IN = 30 * 24 * 3600
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_PASSKEY_SIGNUP_ENABLED = False
MFA_WEBAUTHN_USER_VERIFICATION = "required"
MFA_TOTP_ISSUER = "Tongban"
MFA_FORMS = {"authenticate": "tongban.accounts.forms.MfaAuthenticateForm"}
SILENCED_SYSTEM_CHECKS = ["account.W001"]
WEBAUTHN_RP_ID = env.str(
    "TONGBAN_WEBAUTHN_RP_ID",
    "",
    help="The WebAuthn relying party id passkeys are bound to: the portal's host name "
    "(e.g. `www.haichuan.gov.example`). Empty: the host of the request (`localhost` in "
    "development; passkeys need `localhost`, not an IP address). Changing it invalidates "
    "every registered passkey.",
)
WEBAUTHN_RP_NAME = env.str(
    "TONGBAN_WEBAUTHN_RP_NAME",
    "通办 Tongban",
    help="The name people see when their device asks to use a passkey for the portal.",
)
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool(
    "TONGBAN_WEBAUTHN_ALLOW_INSECURE_ORIGIN",
    False,
    help="Accept passkeys from origins that are not HTTPS. Only for development on "
    "`http://localhost`; never in production.",
)
SESSION_IDLE_MINUTES_STAFF = env.int(
    "TONGBAN_SESSION_IDLE_MINUTES_STAFF",
    30,
    help="Minutes without activity after which a staff member's session ends.",
    minimum=5,
)
SESSION_IDLE_MINUTES_CITIZEN = env.int(
    "TONGBAN_SESSION_IDLE_MINUTES_CITIZEN",
    120,
    help="Minutes without activity after which a citizen's session ends.",
    minimum=5,
)
# Pages warn this long before the session ends and offer to stay signed in (WCAG 2.2.1).
SESSION_IDLE_WARNING_SECONDS = 120

# --- operations --------------------------------------------------------------------------

METRICS_ALLOWED_NETWORKS = env.list(
    "TONGBAN_METRICS_ALLOWED_NETWORKS",
    [],
    help="Networks (CIDR) from which `/metrics` may be read without a token, e.g. the "
    "monitoring subnet `10.0.8.0/24`; everyone else gets 404. Never list the address of a "
    "reverse proxy that forwards public traffic (127.0.0.1 when nginx runs on the same "
    "machine). The development settings allow loopback.",
)
METRICS_TOKEN = env.str(
    "TONGBAN_METRICS_TOKEN",
    "",
    help="Bearer token that also opens `/metrics` (`Authorization: Bearer …`) from any "
    "address. Empty: only the allowed networks can read it.",
    secret=True,
)

# --- logging -----------------------------------------------------------------------------

LOG_LEVEL = env.str(
    "LOG_LEVEL",
    "INFO",
    help="Lowest level written to the log: `DEBUG`, `INFO`, `WARNING` or `ERROR`. Logs are "
    "JSON lines on standard error with the request id; personal data never goes into them.",
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tongban.core.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "tongban.core.logging.JsonFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
        "celery": {"handlers": ["stderr"], "level": LOG_LEVEL, "propagate": False},
    },
}

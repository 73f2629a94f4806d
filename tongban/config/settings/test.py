"""The test suite: fast hashing, no outside services unless a test asks for them."""

import os
import tempfile
from pathlib import Path

from tongban.config.settings.base import *  # noqa: F403
from tongban.config.throwaway import throwaway_rsa_private_key

DEBUG = False
DEMO_MODE = False
SECRET_KEY = "test-only-insecure-key-5e1c0a7d9b3f4e2a8c6d0b1f3e5a7c9d"  # noqa: S105
FIELD_ENCRYPTION_KEYS = ["test1:dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy1sb24="]
FIELD_BLIND_INDEX_KEY = "dGVzdC1vbmx5LWJsaW5kLWluZGV4LWtleS0zMi1ieXQ="
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WEB_PUSH_ENABLED = True
VAPID_PRIVATE_KEY = "_PiOZNSJK6TdoH66NoRLBT4FLjIjkojUEZ2IFFxEnhU"
SSO_ENABLED = True
IDP_OIDC_PRIVATE_KEY = throwaway_rsa_private_key()
CELERY_TASK_ALWAYS_EAGER = True
PERIODIC_RUNNER = False
# Each xdist worker gets its own media folder so parallel tests never share files.
MEDIA_ROOT = Path(tempfile.gettempdir()) / f"tongban-test-media-{os.getpid()}"
STATIC_ROOT = MEDIA_ROOT.parent / "tongban-test-static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOG_LEVEL = "WARNING"
LOGGING["root"] = {"handlers": ["stderr"], "level": LOG_LEVEL}  # noqa: F405
# The browser journeys register passkeys on http://localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
# The live server of the browser tests answers each request on a thread of its own: a
# connection kept open for reuse would outlive its thread, and enough of them exhaust
# PostgreSQL's connection limit while the concurrency tests open fifty more.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

"""A developer's machine and `make run`: the embedded default with the demo city."""

from tongban.config.settings.base import *  # noqa: F403
from tongban.config.throwaway import throwaway_rsa_private_key
from tongban.core.env import env

DEBUG = DEBUG if env.is_set("DJANGO_DEBUG") else True  # noqa: F405
DEMO_MODE = True

# Development-only keys. They protect nothing: anyone can read them here.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-0b6f2b6e4c1d4b8f9a7e3c5d2f1a0e9b"  # noqa: F405
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [  # noqa: F405
    "dev1:ZGV2LW9ubHktZmllbGQta2V5LTMyLWJ5dGVzLWxvbmc="
]
FIELD_BLIND_INDEX_KEY = FIELD_BLIND_INDEX_KEY or "ZGV2LW9ubHktYmxpbmQtaW5kZXgta2V5LTMyLWJ5dGU="  # noqa: F405
# `curl localhost:8000/metrics` works on a developer's machine without a token.
METRICS_ALLOWED_NETWORKS = METRICS_ALLOWED_NETWORKS or ["127.0.0.0/8", "::1/128"]  # noqa: F405
# A throwaway VAPID key: subscriptions made against it work on this machine only.
WEB_PUSH_ENABLED = WEB_PUSH_ENABLED if env.is_set("TONGBAN_WEB_PUSH") else True  # noqa: F405
VAPID_PRIVATE_KEY = VAPID_PRIVATE_KEY or "Imt8N4ka830y-6oPxCEyjWIUYyqyfGnb4WojAQV826w"  # noqa: F405
# A throwaway key signs id_tokens: clients trust it until the process restarts.
SSO_ENABLED = SSO_ENABLED if env.is_set("TONGBAN_SSO") else True  # noqa: F405
IDP_OIDC_PRIVATE_KEY = IDP_OIDC_PRIVATE_KEY or throwaway_rsa_private_key()  # noqa: F405
# Passkeys on http://localhost (a secure context for the browser, but not HTTPS).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = (
    MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN  # noqa: F405
    if env.is_set("TONGBAN_WEBAUTHN_ALLOW_INSECURE_ORIGIN")
    else True
)

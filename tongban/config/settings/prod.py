"""Production: refuses to start without its secrets, and turns on every transport protection."""

from django.core.exceptions import ImproperlyConfigured

from tongban.config.settings.base import *  # noqa: F403
from tongban.core.env import env

_missing = sorted(
    variable.name
    for variable in env.variables.values()
    if variable.required_in_production and not env.is_set(variable.name)
)
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: "
        + ", ".join(_missing)
        + " (see docs/configuration.md)."
    )
# Single sign-on is optional: its signing key is required only where it is switched on.
if SSO_ENABLED and not IDP_OIDC_PRIVATE_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "TONGBAN_SSO is on: set TONGBAN_OIDC_PRIVATE_KEY (see docs/configuration.md)."
    )
# Web push is optional: its key is required only where it is switched on.
if WEB_PUSH_ENABLED and not VAPID_PRIVATE_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "TONGBAN_WEB_PUSH is on: set TONGBAN_VAPID_PRIVATE_KEY (see docs/configuration.md)."
    )

if MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN:  # noqa: F405
    raise ImproperlyConfigured("TONGBAN_WEBAUTHN_ALLOW_INSECURE_ORIGIN is for development only.")

DEBUG = False
DEMO_MODE = False
SECURE_SSL_REDIRECT = True
# The load balancer's health checks and the Prometheus scraper talk to each node directly
# over the private network, in plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

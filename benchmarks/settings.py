"""Production settings as deployed, plus the baseline views. Only `make bench` uses this.

Everything else is ``tongban.config.settings.prod`` unchanged: the same middleware, HSTS,
secure cookies and HTTPS redirect. The harness runs the server the way production runs behind
a TLS-terminating proxy (``TONGBAN_BEHIND_TLS_PROXY=true``) and has the load generator send
``X-Forwarded-Proto: https``, as that proxy would; so no request is redirected and nothing
is switched off for the measurement.
"""

from tongban.config.settings.prod import *  # noqa: F403
from tongban.config.settings.prod import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
ROOT_URLCONF = "benchmarks.urls"

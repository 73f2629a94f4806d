"""ASGI entry point, for tooling that needs one. Production serves over WSGI (DESIGN.md §3)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.config.settings.prod")

application = get_asgi_application()

"""WSGI entry point: `granian --interface wsgi tongban.config.wsgi:application`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.config.settings.prod")

application = get_wsgi_application()

"""The WSGI application for production servers (gunicorn idm.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idm.settings")
application = get_wsgi_application()

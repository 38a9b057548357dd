"""WSGI entry point: the front page cache, then Django (see core/page_cache.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")

from newsdesk.core.page_cache import FrontCache  # noqa: E402

application = FrontCache(get_wsgi_application())

"""Fixtures for every app's tests."""

import pytest
from django.core.cache import cache
from django.utils import translation

from newsdesk.core import page_cache


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    """Each test gets its own media, mail and page cache directories."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.OUTBOX_DIR = tmp_path / "mail"
    if settings.PAGE_CACHE["BACKEND"] == "file":
        settings.PAGE_CACHE = {**settings.PAGE_CACHE, "LOCATION": str(tmp_path / "pages")}
    page_cache.reset_store()
    cache.clear()
    # A request under /de/ leaves German active in the thread; start each test in English.
    translation.activate("en")
    yield
    page_cache.reset_store()

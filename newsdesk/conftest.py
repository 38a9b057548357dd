"""Fixtures for every app's tests."""

import pytest
from django.core.cache import cache
from django.test.utils import override_settings
from django.utils import translation

from newsdesk.core import page_cache


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """MD5 instead of PBKDF2 for the tests' passwords: the default hasher's million iterations
    cost half a second for every user a factory makes (most tests make several), and no test
    is about the strength of the hash. override_settings also empties the hashers' cache."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


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

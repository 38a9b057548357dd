"""Fixtures for every app's tests."""

import functools

import pytest
from django.core.cache import cache
from django.db import connection
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


@pytest.fixture(autouse=True, scope="session")
def _cover_art_painted_once():
    """Every article saved without a cover gets generated art: four fifths of the time the
    tests' article factory takes. The art is byte-identical for identical arguments (see
    articles/tests/test_images.py, which calls cover_art itself), so the write path gets each
    picture painted once per process and then the same bytes again."""
    from newsdesk.articles import actions as article_actions
    from newsdesk.articles import cover_art

    painted = functools.lru_cache(maxsize=128)(cover_art.generate_cover_art)

    def generate_cover_art(*, seed, palette, **size):
        return painted(seed=seed, palette=tuple(palette), **size)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(article_actions, "generate_cover_art", generate_cover_art)
        yield


@pytest.fixture(autouse=True, scope="session")
def _quick_rendition_encoders():
    """The renditions (made after commit, so in every transactional test that saves an
    article) with the encoders' least effort: the same formats and sizes, bigger files, a
    third of the time (WebP's method 4 was half of what such a test spent)."""
    from newsdesk.articles import images

    quick = {
        **images._ENCODERS,
        "avif": ("AVIF", {**images._ENCODERS["avif"][1], "speed": 10}),
        "webp": ("WEBP", {**images._ENCODERS["webp"][1], "method": 0}),
    }
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "_ENCODERS", quick)
        yield


@pytest.fixture(autouse=True, scope="session")
def _fast_flush_on_postgresql():
    """After each transactional test the database is emptied (Django's flush). On PostgreSQL
    that is one TRUNCATE of every table, which makes new files for each table and index:
    about a second, more than most tests take. DELETE of the few rows a test leaves is a
    fraction of it; the foreign keys Django makes are deferred, so the order does not matter.
    Flushes that also reset sequences or cascade keep Django's TRUNCATE."""
    if connection.vendor != "postgresql":
        yield
        return
    operations = type(connection.ops)
    truncate = operations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # One round trip: psycopg sends a query without parameters as it is. The names are
        # Django's own tables, quoted.
        deletes = " ".join(f"DELETE FROM {self.quote_name(t)};" for t in tables)  # noqa: S608
        return [f"SET CONSTRAINTS ALL DEFERRED; {deletes}"] if tables else []

    operations.sql_flush = sql_flush
    yield
    operations.sql_flush = truncate


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

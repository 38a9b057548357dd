"""Shared by the search tests: an empty index per test, and articles made the real way."""

import io

import pytest
from PIL import Image as PILImage

from newsdesk.accounts.models import User
from newsdesk.articles.images import save_uploaded_image
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.discovery import search


class Newsroom:
    """Publishes articles through the real actions; their index entries are written by the
    after-commit task, as in production. One author, section and cover are shared unless a
    test passes its own (a password hash and cover renditions per article would make these
    tests take minutes)."""

    def __init__(self):
        self._author = self._section = self._cover = None
        self._writers = 0

    def writer(self, display_name: str) -> User:
        self._writers += 1
        return User.objects.create_user(
            f"writer{self._writers}@example.org", display_name=display_name
        )

    def publish(self, **fields):
        if "author" not in fields:
            self._author = self._author or self.writer("Search Desk")
            fields["author"] = self._author
        if "section" not in fields:
            self._section = self._section or SectionFactory()
            fields["section"] = self._section
        if "cover" not in fields:
            self._cover = self._cover or save_uploaded_image(data=_png(), alt="A blue square")
            fields["cover"] = self._cover
        fields.setdefault("body", "Ein Text ohne besondere Wörter.\n")
        fields.setdefault("lead", "")
        return article(**fields)


@pytest.fixture(name="newsroom")
def newsroom_fixture(transactional_db):
    """A Newsroom on a database whose search index starts empty. Django empties its own tables
    between transactional tests but not the search tables (plain SQL, no model)."""
    search.clear()
    return Newsroom()


def found_titles(text, **options) -> list[str]:
    return [r.article.title for r in search.search(text, **options).results]


def _png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (320, 200), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()

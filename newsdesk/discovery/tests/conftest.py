"""Fixtures shared by the related-articles tests."""

import pytest

from newsdesk.accounts.tests.factories import UserFactory


@pytest.fixture
def tfidf(settings):
    """The lexical backend: fast and deterministic, no model in the test process."""
    settings.RELATED_BACKEND = "tfidf"


@pytest.fixture
def author(db):
    # One contributor for all articles of a test: hashing a password per article is slow.
    return UserFactory()

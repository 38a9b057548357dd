"""Authors, sections, tags and newsletters: public ones only, paged like articles."""

import pytest
from django.test import Client
from django.utils.dateparse import parse_datetime

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.newsletter.models import Newsletter
from newsdesk.newsletter.tests.factories import IssueFactory, NewsletterFactory

pytestmark = pytest.mark.django_db


def data(url: str, **params) -> list[dict]:
    response = Client().get(url, params)
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_authors_are_those_with_a_published_article():
    published = article(author=UserFactory(display_name="Anna Autorin", bio="Schreibt."))
    article(published=False, author=UserFactory(display_name="Nur Entwurf"))
    assert [(a["display_name"], a["bio"]) for a in data("/api/v1/authors/")] == [
        ("Anna Autorin", "Schreibt.")
    ]
    assert data("/api/v1/authors/")[0]["url"].endswith(f"/authors/{published.author.slug}/")


def test_tags_are_those_of_a_published_article():
    article(tags=[TagFactory(name="Öffentlich", slug="oeffentlich")])
    article(published=False, tags=[TagFactory(name="Geheim", slug="geheim")])
    assert [t["slug"] for t in data("/api/v1/tags/")] == ["oeffentlich"]


def test_sections_in_the_sites_order():
    SectionFactory(slug="zweite", position=2)
    SectionFactory(slug="erste", position=1)
    assert [s["slug"] for s in data("/api/v1/sections/")] == ["erste", "zweite"]


def test_newsletters_show_their_public_archive_only():
    Newsletter.objects.all().delete()  # the ones the migrations create
    letter = NewsletterFactory(name="A letter", slug="a-letter", section=SectionFactory())
    NewsletterFactory(name="B retired", slug="b-retired", is_active=False)
    sent = IssueFactory(newsletter=letter, sent=True)
    IssueFactory(newsletter=letter)  # a draft issue is not in the archive
    [only] = data("/api/v1/newsletters/")
    assert only["slug"] == "a-letter" and only["issues_sent"] == 1
    sent.refresh_from_db()  # as stored (PostgreSQL keeps microseconds, SQLite too)
    assert parse_datetime(only["last_sent_at"]) == sent.sent_at
    assert only["archive_url"].endswith("/newsletters/a-letter/")
    assert only["section"] == letter.section.slug
    assert "from_email" not in only


@pytest.mark.parametrize("url", ["/api/v1/authors/", "/api/v1/tags/", "/api/v1/newsletters/"])
def test_lists_take_no_filters_they_do_not_have(url):
    response = Client().get(url, {"lang": "de"})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("url", ["/api/v1/authors/", "/api/v1/tags/", "/api/v1/newsletters/"])
def test_lists_refuse_a_repeated_parameter(url):
    response = Client().get(url, {"limit": ["1", "100"]})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "limit: may be given only once"

"""A taken-down article's URL answers 451 Unavailable For Legal Reasons (RFC 7725)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import article
from newsdesk.core import page_cache
from newsdesk.editorial.actions import restore_article, take_down_article
from newsdesk.editorial.grounds import Ground

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Geheimer Titel des Berichts"
LEAD = "Ein Vorspann, der nicht mehr erscheinen darf."
BODY = "## Abschnitt\n\nDieser Satz stammt aus einem fremden Buch.\n"
EDITOR_NOTE = "Gemeldet von Frau Beispiel, beispiel@example.net"


@pytest.fixture
def taken_down():
    a = article(slug="entfernt", title=TITLE, lead=LEAD, body=BODY)
    return take_down_article(
        article=a,
        editor=UserFactory(editor=True),
        ground=Ground.COPYRIGHT,
        case="R-2026-0815",
        note=EDITOR_NOTE,
    )


def test_a_taken_down_article_answers_451_with_the_notice(client, taken_down):
    """The notice names the kind of complaint, the date and the case; the Link header names
    this site as the one blocking it."""
    response = client.get(taken_down.get_absolute_url())
    assert response.status_code == 451
    assert response["Link"] == f'<{settings.SITE_URL}/>; rel="blocked-by"'
    html = response.content.decode()
    entry = taken_down.audit.get(action="take_down")
    with translation.override("de"):
        assert str(Ground.COPYRIGHT.label) in html
    assert "R-2026-0815" in html
    assert f'datetime="{timezone.localtime(entry.created_at).isoformat()}"' in html
    assert '<meta name="robots" content="noindex">' in html


def test_the_notice_leaks_neither_the_article_nor_the_reporter(client, taken_down):
    html = client.get(taken_down.get_absolute_url()).content.decode()
    for secret in (TITLE, LEAD, "fremden Buch", "Abschnitt", "Beispiel", "example.net"):
        assert secret not in html
    assert taken_down.author.display_name not in html
    assert 'rel="author"' not in html and "og:title" not in html


def test_the_451_page_is_never_stored_in_the_page_cache(client, taken_down):
    url = taken_down.get_absolute_url()
    client.get(url)
    response = client.get(url)
    assert response.status_code == 451 and "X-Page-Cache" not in response
    assert page_cache.get_store().get(page_cache.page_key(url, "")) is None


def test_a_wrong_language_prefix_still_redirects_to_the_one_url(client, taken_down):
    with translation.override("en"):
        wrong = reverse("articles:detail", kwargs={"slug": taken_down.slug})
    assert wrong.startswith("/en/")
    response = client.get(wrong)
    assert response.status_code == 301 and response["Location"] == taken_down.get_absolute_url()
    assert client.get(response["Location"]).status_code == 451


def test_head_requests_get_the_same_status(client, taken_down):
    response = client.head(taken_down.get_absolute_url())
    assert response.status_code == 451 and response["Link"].endswith('rel="blocked-by"')


@pytest.mark.parametrize(
    "state",
    [
        Article.Status.DRAFT,
        Article.Status.SUBMITTED,
        Article.Status.UNPUBLISHED,
        Article.Status.REJECTED,
        Article.Status.SCHEDULED,
    ],
)
def test_articles_in_other_states_are_simply_not_found(client, state):
    a = article(slug=f"state-{state}", published=False)
    Article.objects.filter(pk=a.pk).update(status=state)
    response = client.get(a.get_absolute_url())
    assert response.status_code == 404 and "Link" not in response


def test_unknown_slugs_are_not_found(client):
    assert client.get("/de/articles/gibt-es-nicht/").status_code == 404


def test_restoring_brings_the_article_back_at_once(client, taken_down):
    url = taken_down.get_absolute_url()
    assert client.get(url).status_code == 451
    restore_article(article=taken_down, editor=UserFactory(editor=True), case="R-2026-0815")
    response = client.get(url)
    assert response.status_code == 200 and TITLE in response.content.decode()
    assert "Link" not in response

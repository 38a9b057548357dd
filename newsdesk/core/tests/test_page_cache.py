"""The front page cache, driven through the real WSGI application of newsdesk/wsgi.py."""

import io
from wsgiref.util import setup_testing_defaults

import pytest

from newsdesk.accounts.actions import update_profile
from newsdesk.articles.actions import save_article
from newsdesk.articles.tests.factories import article
from newsdesk.core import page_cache
from newsdesk.editorial.actions import unpublish_article

pytestmark = pytest.mark.django_db(transaction=True)


def wsgi_get(path, *, cookie="", method="GET", query=""):
    from newsdesk.wsgi import application

    path, _, inline_query = path.partition("?")
    environ = {
        "PATH_INFO": path,
        "QUERY_STRING": query or inline_query,
        "REQUEST_METHOD": method,
        "wsgi.input": io.BytesIO(),
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "127.0.0.1"
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = status
        captured["headers"] = dict(headers)

    body = b"".join(application(environ, start_response))
    return captured["status"], captured["headers"], body.decode()


def test_anonymous_pages_are_served_from_the_front_cache():
    """The second anonymous request for a page never reaches Django, headers included."""
    a = article(slug="cached-story")
    status, headers, body = wsgi_get(a.get_absolute_url())
    assert status.startswith("200") and headers["X-Page-Cache"] == "miss"
    status, headers, cached = wsgi_get(a.get_absolute_url())
    assert headers["X-Page-Cache"] == "hit" and cached == body
    assert "Content-Security-Policy" in headers and "Set-Cookie" not in headers
    assert wsgi_get(a.get_absolute_url(), method="HEAD")[2] == ""


def test_a_change_purges_exactly_the_pages_that_show_the_article():
    a = article(slug="first", title="Erster Titel")
    other = article(slug="other", title="Anderer Bericht")
    for path in (a.get_absolute_url(), "/de/", other.get_absolute_url(), "/en/"):
        wsgi_get(path)
    save_article(
        article=a, author=a.author, editor=a.author, title="Neuer Titel", body=a.body,
        language="de", section=a.section, tags=[],
    )  # fmt: skip
    status, headers, body = wsgi_get(a.get_absolute_url())
    assert headers["X-Page-Cache"] == "miss" and "Neuer Titel" in body
    assert wsgi_get("/de/")[1]["X-Page-Cache"] == "miss"
    # The English home page does not show a German article: it stays cached.
    assert wsgi_get("/en/")[1]["X-Page-Cache"] == "hit"


def test_unpublishing_removes_the_article_everywhere_at_once():
    a = article(slug="to-remove", title="Bald verschwunden")
    other = article(slug="neighbour", title="Nachbar", section=a.section)
    wsgi_get(a.get_absolute_url())
    assert "Bald verschwunden" in wsgi_get(other.get_absolute_url())[2]
    assert "Bald verschwunden" in wsgi_get("/de/")[2]
    unpublish_article(article=a, by=a.author)
    assert wsgi_get(a.get_absolute_url())[0].startswith("404")
    assert "Bald verschwunden" not in wsgi_get("/de/")[2]
    assert "Bald verschwunden" not in wsgi_get(other.get_absolute_url())[2]


def test_a_new_byline_purges_the_authors_pages():
    a = article(slug="byline")
    wsgi_get(a.get_absolute_url())
    update_profile(user=a.author, display_name="Neuer Name", bio="")
    assert "Neuer Name" in wsgi_get(a.get_absolute_url())[2]


def test_visitors_with_a_session_bypass_the_cache():
    a = article(slug="personal")
    wsgi_get(a.get_absolute_url())
    assert wsgi_get(a.get_absolute_url())[1]["X-Page-Cache"] == "hit"
    headers = wsgi_get(a.get_absolute_url(), cookie="sessionid=abc")[1]
    assert "X-Page-Cache" not in headers


def test_pages_with_personal_content_are_never_stored(client):
    """A logged-in editor's page (with a CSRF token in it) is not stored for anyone."""
    from newsdesk.accounts.tests.factories import UserFactory

    a = article(slug="logged-in")
    client.force_login(UserFactory())
    response = client.get(a.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert page_cache.get_store().get(page_cache.page_key(a.get_absolute_url(), "")) is None


def test_unknown_query_strings_are_not_stored():
    a = article(slug="query")
    assert wsgi_get(a.get_absolute_url() + "?utm_source=x")[1].get("X-Page-Cache") is None
    assert wsgi_get("/de/", query="page=1")[1]["X-Page-Cache"] == "miss"
    assert wsgi_get("/de/", query="page=1")[1]["X-Page-Cache"] == "hit"


def test_renaming_a_section_or_tag_refreshes_the_pages():
    from newsdesk.articles.tests.factories import TagFactory

    tag = TagFactory(name="Altname", slug="altname")
    a = article(slug="renamed", tags=[tag])
    wsgi_get(a.get_absolute_url())
    tag.name = "Neuname"
    tag.save()
    assert "Neuname" in wsgi_get(a.get_absolute_url())[2]
    a.section.name = "Umbenannt"
    a.section.save()
    assert "Umbenannt" in wsgi_get("/de/")[2]

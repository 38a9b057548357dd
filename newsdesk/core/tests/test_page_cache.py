"""The front page cache, driven through the real WSGI application of newsdesk/wsgi.py."""

import io
import os
import re
from wsgiref.util import setup_testing_defaults

import pytest

from newsdesk.accounts.actions import update_profile
from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles import views
from newsdesk.articles.actions import save_article
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.core import page_cache
from newsdesk.core.tests.test_page_cache_stores import REDIS_URL, redis_store
from newsdesk.editorial.actions import take_down_article, unpublish_article
from newsdesk.newsletter.tests.factories import NewsletterFactory

pytestmark = pytest.mark.django_db(transaction=True)


def wsgi_get(path, *, cookie="", method="GET", query="", host="127.0.0.1", extra=None, app=None):
    """One request through the real WSGI application (newsdesk/wsgi.py unless ``app``)."""
    if app is None:
        from newsdesk.wsgi import application as app  # builds the app from settings when imported

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
    environ["HTTP_HOST"] = host
    environ.update(extra or {})
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"] = status
        captured["headers"] = dict(headers)

    body = b"".join(app(environ, start_response))
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
    a = article(slug="logged-in")
    client.force_login(UserFactory())
    response = client.get(a.get_absolute_url(), HTTP_HOST="127.0.0.1")
    assert "X-Page-Cache" not in response
    assert page_cache.get_store().get(page_cache.page_key(a.get_absolute_url(), "")) is None


def test_unknown_query_strings_are_not_stored():
    a = article(slug="query")
    assert wsgi_get(a.get_absolute_url() + "?utm_source=x")[1].get("X-Page-Cache") is None
    # Page 1 of a list is the URL without the parameter; "?page=1" only redirects there.
    assert wsgi_get("/de/", query="page=1")[1].get("X-Page-Cache") is None
    assert wsgi_get("/de/")[1]["X-Page-Cache"] == "miss"
    assert wsgi_get("/de/")[1]["X-Page-Cache"] == "hit"


def test_renaming_a_section_or_tag_refreshes_the_pages():
    tag = TagFactory(name="Altname", slug="altname")
    a = article(slug="renamed", tags=[tag])
    wsgi_get(a.get_absolute_url())
    tag.name = "Neuname"
    tag.save()
    assert "Neuname" in wsgi_get(a.get_absolute_url())[2]
    a.section.name = "Umbenannt"
    a.section.save()
    assert "Umbenannt" in wsgi_get("/de/")[2]


@pytest.fixture(params=["file", "redis"])
def backend(request, settings):
    """The page cache on the file store, then on the real Redis (a key prefix of its own)."""
    if request.param == "redis":
        isolated = redis_store()
        settings.PAGE_CACHE = {"BACKEND": "redis", "LOCATION": REDIS_URL, "ENABLED": True}
        page_cache.reset_store()
        page_cache.get_store().prefix = isolated.prefix
        yield request.param
        for key in isolated.redis.scan_iter(isolated.prefix + "*"):
            isolated.redis.delete(key)
    else:
        yield request.param


def during_the_render(monkeypatch, change):
    """Run ``change`` inside the article view, after it has read the article and before it
    renders: a miss paused in the view while an editor acts."""
    original = views.related_for

    def related_then_change(*args, **kwargs):
        related = original(*args, **kwargs)
        change()
        return related

    monkeypatch.setattr(views, "related_for", related_then_change)


class PurgeDuringRenderTests:
    def test_a_page_unpublished_during_its_render_is_not_stored(self, backend, monkeypatch):
        """The render finishes with the old article, but the store refuses it: the next reader
        gets the 404, not the unpublished article from the cache."""
        a = article(slug="racing", title="Gleich weg")
        during_the_render(monkeypatch, lambda: unpublish_article(article=a, by=a.author))
        status, headers, body = wsgi_get(a.get_absolute_url())
        assert status.startswith("200") and "Gleich weg" in body
        assert "X-Page-Cache" not in headers
        key = page_cache.page_key(a.get_absolute_url(), "")
        assert page_cache.get_store().get(key) is None
        monkeypatch.undo()
        assert wsgi_get(a.get_absolute_url())[0].startswith("404")

    def test_a_page_taken_down_during_its_render_is_not_stored(self, backend, monkeypatch):
        """A takedown while the page renders: the next reader gets the 451 notice."""
        a = article(slug="reported", title="Strittig")
        editor = UserFactory(editor=True)
        during_the_render(
            monkeypatch,
            lambda: take_down_article(article=a, editor=editor, ground="copyright", case="C-1"),
        )
        assert wsgi_get(a.get_absolute_url())[0].startswith("200")
        monkeypatch.undo()
        status, headers, body = wsgi_get(a.get_absolute_url())
        assert status.startswith("451") and "Strittig" not in body

    def test_a_page_edited_during_its_render_is_not_stored(self, backend, monkeypatch):
        """An edit while the page renders: the next reader gets the new title, freshly rendered."""
        a = article(slug="edited", title="Alter Titel")

        def edit():
            save_article(
                article=a, author=a.author, editor=a.author, title="Neuer Titel", body=a.body,
                language="de", section=a.section, tags=[],
            )  # fmt: skip

        during_the_render(monkeypatch, edit)
        assert "Alter Titel" in wsgi_get(a.get_absolute_url())[2]
        monkeypatch.undo()
        status, headers, body = wsgi_get(a.get_absolute_url())
        assert headers["X-Page-Cache"] == "miss" and "Neuer Titel" in body
        assert wsgi_get(a.get_absolute_url())[1]["X-Page-Cache"] == "hit"

    def test_a_purge_of_other_pages_does_not_keep_a_page_out(self, backend, monkeypatch):
        """Only the page's own tags count: a change elsewhere during the render stores it."""
        a = article(slug="calm", title="Ruhig")
        during_the_render(monkeypatch, lambda: page_cache.purge({"home:en", "article:999999"}))
        assert wsgi_get(a.get_absolute_url())[1]["X-Page-Cache"] == "miss"
        assert wsgi_get(a.get_absolute_url())[1]["X-Page-Cache"] == "hit"


class CanonicalPageTests:
    @pytest.fixture(autouse=True)
    def _short_pages(self, monkeypatch):
        monkeypatch.setattr(views, "PAGE_SIZE", 2)  # three articles make two pages

    def test_only_existing_pages_under_their_canonical_url_are_stored(self):
        """40 made-up page numbers store nothing: page 1 has no parameter, page n is ?page=n,
        other spellings redirect, other values are not found, and pages of views that do not
        paginate ignore the parameter without being stored."""
        section = SectionFactory(slug="viel")
        for i in range(3):
            a = article(slug=f"s{i}", section=section)
        url = "/de/sections/viel/"
        status, headers, _ = wsgi_get(url, query="page=2")
        assert status.startswith("200") and headers["X-Page-Cache"] == "miss"
        assert wsgi_get(url, query="page=2")[1]["X-Page-Cache"] == "hit"
        assert wsgi_get(url, query="page=1")[1]["Location"] == url
        assert wsgi_get(url, query="page=02")[1]["Location"] == f"{url}?page=2"
        for value in ("0", "3", "999999", "x", "-1", "2.0", "", "2&page=2"):
            assert wsgi_get(url, query=f"page={value}")[0].startswith("404"), value
        before = _stored_pages()
        for n in range(10):  # 40 requests in all
            for path in (url, a.get_absolute_url(), "/de/", "/feed.rss"):
                headers = wsgi_get(path, query=f"page={n + 3}")[1]
                assert "X-Page-Cache" not in headers, (path, n)
        assert _stored_pages() == before

    def test_the_pager_links_to_canonical_urls(self):
        """ "Newer" on page 2 links to the list itself, never to ?page=1."""
        section = SectionFactory(slug="blaettern")
        for i in range(3):
            article(slug=f"b{i}", section=section)
        first = wsgi_get("/de/sections/blaettern/")[2]
        assert 'href="/de/sections/blaettern/?page=2" rel="next"' in first
        second = wsgi_get("/de/sections/blaettern/", query="page=2")[2]
        assert 'href="/de/sections/blaettern/" rel="prev"' in second

    def test_the_newsletter_archive_has_canonical_pages_too(self):
        NewsletterFactory(slug="archiv")
        url = "/en/newsletters/archiv/"
        assert wsgi_get(url, query="page=1")[1]["Location"] == url
        assert wsgi_get(url, query="page=2")[0].startswith("404")
        assert wsgi_get(url, query="page=abc")[0].startswith("404")
        assert wsgi_get(url)[1]["X-Page-Cache"] == "miss"


def _stored_pages() -> int:
    store = page_cache.get_store()
    if isinstance(store, page_cache.RedisStore):
        names = (k.decode()[len(store.prefix) :] for k in store.redis.scan_iter(store.prefix + "*"))
        return sum(1 for name in names if re.fullmatch(r"[0-9a-f]{40}", name))
    return sum(len(files) for _root, _dirs, files in os.walk(store.pages))


class OriginTests:
    def test_a_foreign_host_is_never_answered_from_the_cache(self):
        """Django refuses a Host that is not the site's; so does the cache. Hosts Django
        accepts (loopback) keep pages of their own; a port does not make another page."""
        a = article(slug="origin")
        assert wsgi_get(a.get_absolute_url())[1]["X-Page-Cache"] == "miss"
        assert wsgi_get(a.get_absolute_url())[1]["X-Page-Cache"] == "hit"
        status, headers, _ = wsgi_get(a.get_absolute_url(), host="evil.example")
        assert status.startswith("400") and "X-Page-Cache" not in headers
        assert wsgi_get(a.get_absolute_url(), host="localhost")[1]["X-Page-Cache"] == "miss"
        assert wsgi_get(a.get_absolute_url(), host="localhost:81")[1]["X-Page-Cache"] == "hit"

    def test_under_https_only_https_requests_for_the_site_use_the_cache(self, settings):
        """Under an https SITE_URL, plain HTTP gets Django's redirect and a foreign Host its 400,
        although the page is cached for the site."""
        from django.core.wsgi import get_wsgi_application

        settings.SITE_URL = "https://news.example"
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "news.example"]
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        settings.SECURE_SSL_REDIRECT = True
        app = page_cache.FrontCache(get_wsgi_application())  # a stack built on these settings
        a = article(slug="secure")
        https = {"HTTP_X_FORWARDED_PROTO": "https"}

        def get(**kwargs):
            return wsgi_get(a.get_absolute_url(), app=app, **kwargs)

        assert get(host="news.example", extra=https)[1]["X-Page-Cache"] == "miss"
        assert get(host="news.example", extra=https)[1]["X-Page-Cache"] == "hit"
        status, headers, _ = get(host="news.example")
        assert status.startswith("301") and headers["Location"].startswith("https://news.example")
        status, headers, _ = get(host="news.example", extra={"HTTP_X_FORWARDED_PROTO": "http"})
        assert status.startswith("301") and "X-Page-Cache" not in headers
        assert get(host="evil.example", extra=https)[0].startswith("400")
        assert get(host="127.0.0.1", extra=https)[1]["X-Page-Cache"] == "miss"
        assert get(host="NEWS.example.:443", extra=https)[1]["X-Page-Cache"] == "hit"

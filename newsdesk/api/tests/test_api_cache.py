"""Public API reads in the page cache, driven through the real WSGI application (FrontCache in
front of Django, as granian runs it): stored for anonymous clients only, purged by every change
of what they show before the change's action returns, validators answered from the store, and
no client's rate-limit state handed to another."""

import json
import pickle

import pytest

from newsdesk.accounts.actions import create_token
from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.api import views
from newsdesk.articles.actions import save_article
from newsdesk.articles.tests.factories import article
from newsdesk.core import page_cache
from newsdesk.core.tests.test_page_cache import backend, wsgi_get  # noqa: F401 - a fixture
from newsdesk.editorial.actions import publish_article, take_down_article, unpublish_article
from newsdesk.editorial.grounds import Ground

pytestmark = pytest.mark.django_db(transaction=True)
# Every test on the file store and on the real Redis (core/tests/test_page_cache.py), except
# those about which queries are stored, which the view decides alike for both.
on_both_stores = pytest.mark.usefixtures("backend")

LIST = "/api/v1/articles/"


def titles(body: str) -> list[str]:
    return [item["title"] for item in json.loads(body)["data"]]


def stored(path: str, query: str = "") -> tuple | None:
    blob = page_cache.get_store().get(page_cache.page_key(path, query))
    return None if blob is None else pickle.loads(blob)  # noqa: S301 - our own store


def token_for(user) -> str:
    return create_token(user=user, name="ci", scopes=["submissions:write"], expires_in_days=30)[1]


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@on_both_stores
def test_the_second_anonymous_read_comes_from_the_store():
    a = article(slug="gespeichert", title="Aus dem Speicher")
    for path, query in ((LIST, "limit=20"), (LIST, ""), (f"{LIST}{a.pk}/", "")):
        status, headers, body = wsgi_get(path, query=query)
        assert status == "200 OK" and headers["X-Page-Cache"] == "miss"
        assert headers["RateLimit-Policy"] == '"anonymous";q=600;w=60'
        assert stored(path, query) is not None
        status, hit_headers, hit = wsgi_get(path, query=query)
        assert status == "200 OK" and hit_headers["X-Page-Cache"] == "hit" and hit == body
        assert hit_headers["ETag"] == headers["ETag"]
        assert hit_headers["Last-Modified"] == headers["Last-Modified"]
        assert hit_headers["Content-Type"] == "application/json"
        assert "RateLimit" not in hit_headers and "RateLimit-Policy" not in hit_headers
    assert titles(wsgi_get(LIST, query="limit=20")[2]) == ["Aus dem Speicher"]
    assert json.loads(wsgi_get(f"{LIST}gespeichert/")[2])["id"] == a.pk


@on_both_stores
def test_a_token_request_is_never_answered_from_the_store_nor_stored(settings):
    settings.API_TOKEN_RATE = "5/d"
    article(slug="mit-token")
    token = token_for(UserFactory())
    # Nothing stored yet: the token's answer is not stored for anyone.
    status, headers, _body = wsgi_get(LIST, query="limit=20", extra=bearer(token))
    assert status == "200 OK" and "X-Page-Cache" not in headers
    assert headers["RateLimit-Policy"] == '"token";q=5;w=86400'
    assert headers["RateLimit"].startswith('"token";r=4;t=')
    assert stored(LIST, "limit=20") is None
    # Stored for anonymous clients: the token still reaches Django, and its own count.
    assert wsgi_get(LIST, query="limit=20")[1]["X-Page-Cache"] == "miss"
    assert wsgi_get(LIST, query="limit=20")[1]["X-Page-Cache"] == "hit"
    status, headers, _body = wsgi_get(LIST, query="limit=20", extra=bearer(token))
    assert status == "200 OK" and "X-Page-Cache" not in headers
    assert headers["RateLimit"].startswith('"token";r=3;t=')
    # A bad token is a 401 from Django, never the stored list.
    status, headers, body = wsgi_get(LIST, query="limit=20", extra=bearer("ndt_0000000000_no"))
    assert status.startswith("401") and json.loads(body)["status"] == 401
    status, headers, _body = wsgi_get(LIST, query="limit=20", extra={"HTTP_AUTHORIZATION": "x"})
    assert status.startswith("401") and "X-Page-Cache" not in headers


def test_a_session_cookie_bypasses_the_store():
    article(slug="mit-sitzung")
    wsgi_get(LIST)
    assert wsgi_get(LIST)[1]["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in wsgi_get(LIST, cookie="sessionid=abc")[1]


@on_both_stores
def test_a_publication_shows_in_the_list_at_once():
    article(slug="erster", title="Erster Bericht")
    draft = article(slug="zweiter", title="Zweiter Bericht", published=False, language="en")
    for query in ("", "limit=20", "lang=de&limit=20"):
        wsgi_get(LIST, query=query)
        assert wsgi_get(LIST, query=query)[1]["X-Page-Cache"] == "hit"
    publish_article(article=draft, by=UserFactory(editor=True))
    for query in ("", "limit=20"):
        status, headers, body = wsgi_get(LIST, query=query)
        assert headers["X-Page-Cache"] == "miss"
        assert titles(body) == ["Zweiter Bericht", "Erster Bericht"]
    # An English article is not in the German list, which a publication purged all the same.
    assert titles(wsgi_get(LIST, query="lang=de&limit=20")[2]) == ["Erster Bericht"]


@on_both_stores
def test_an_edit_shows_in_the_list_and_the_article_at_once():
    a = article(slug="bearbeitet", title="Alter Titel")
    paths = ((LIST, "limit=20"), (f"{LIST}{a.pk}/", ""), (f"{LIST}bearbeitet/", ""))
    for path, query in paths:
        wsgi_get(path, query=query)
        assert wsgi_get(path, query=query)[1]["X-Page-Cache"] == "hit"
    save_article(
        article=a, author=a.author, editor=a.author, title="Neuer Titel", body=a.body,
        language="de", section=a.section, tags=[],
    )  # fmt: skip
    assert titles(wsgi_get(LIST, query="limit=20")[2]) == ["Neuer Titel"]
    for path in (f"{LIST}{a.pk}/", f"{LIST}bearbeitet/"):
        status, headers, body = wsgi_get(path)
        assert headers["X-Page-Cache"] == "miss" and json.loads(body)["title"] == "Neuer Titel"


@on_both_stores
def test_a_takedown_is_451_and_gone_from_the_list_at_once():
    a = article(slug="entfernt", title="Bald entfernt")
    other = article(slug="bleibt", title="Bleibt stehen")
    for path, query in ((LIST, "limit=20"), (LIST, ""), (f"{LIST}{a.pk}/", "")):
        wsgi_get(path, query=query)
        assert wsgi_get(path, query=query)[1]["X-Page-Cache"] == "hit"
    wsgi_get(f"{LIST}entfernt/")
    take_down_article(article=a, editor=UserFactory(editor=True), ground=Ground.COPYRIGHT)
    for path in (f"{LIST}{a.pk}/", f"{LIST}entfernt/"):
        for _ in range(2):  # and never stored
            status, headers, body = wsgi_get(path)
            assert status.startswith("451") and "X-Page-Cache" not in headers
            assert headers["Content-Type"] == "application/problem+json"
            assert json.loads(body)["status"] == 451
    for query in ("limit=20", ""):
        assert titles(wsgi_get(LIST, query=query)[2]) == ["Bleibt stehen"]
    # Unpublishing purges alike: an empty list, then a 404.
    unpublish_article(article=other, by=other.author)
    assert titles(wsgi_get(LIST, query="limit=20")[2]) == []
    assert wsgi_get(f"{LIST}bleibt/")[0].startswith("404")


@on_both_stores
def test_conditional_requests_get_a_304_from_the_store():
    a = article(slug="bedingt")
    for path in (LIST, f"{LIST}{a.pk}/"):
        _status, headers, _body = wsgi_get(path)
        etag, modified = headers["ETag"], headers["Last-Modified"]
        for condition in (
            {"HTTP_IF_NONE_MATCH": etag},
            {"HTTP_IF_NONE_MATCH": f'"other", W/{etag}'},
            {"HTTP_IF_NONE_MATCH": "*"},
            {"HTTP_IF_MODIFIED_SINCE": modified},
        ):
            status, headers, body = wsgi_get(path, extra=condition)
            assert status == "304 Not Modified" and body == ""
            assert headers["X-Page-Cache"] == "hit" and headers["ETag"] == etag
            assert headers["Last-Modified"] == modified and "Content-Type" not in headers
            assert "RateLimit" not in headers
        # A stale ETag wins over a matching date (RFC 9110 13.2.2): the full stored answer.
        stale = {"HTTP_IF_NONE_MATCH": '"stale"', "HTTP_IF_MODIFIED_SINCE": modified}
        status, headers, body = wsgi_get(path, extra=stale)
        assert status == "200 OK" and headers["X-Page-Cache"] == "hit" and body
        older = {"HTTP_IF_MODIFIED_SINCE": "Mon, 01 Jan 2024 00:00:00 GMT"}
        assert wsgi_get(path, extra=older)[0] == "200 OK"
        # A precondition (If-Match) is Django's to judge: 412, not from the store.
        status, headers, _body = wsgi_get(path, extra={"HTTP_IF_MATCH": '"stale"'})
        assert status.startswith("412") and "X-Page-Cache" not in headers


@on_both_stores
def test_one_clients_rate_limit_never_reaches_another(settings):
    settings.API_ANONYMOUS_RATE = "1/d"
    settings.TRUSTED_PROXY_COUNT = 1
    article(slug="gezaehlt")
    first = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    status, headers, _body = wsgi_get(LIST, query="limit=10", extra=first)
    assert headers["X-Page-Cache"] == "miss" and headers["RateLimit"].startswith(
        '"anonymous";r=0;t='
    )
    names = {name.lower() for name, _value in stored(LIST, "limit=10")[1]}
    assert not names & {"ratelimit", "ratelimit-policy", "retry-after", "set-cookie", "vary"}
    # The first client is limited where Django answers (a query the store does not keep) ...
    status, headers, _body = wsgi_get(LIST, query="limit=7", extra=first)
    assert status.startswith("429") and int(headers["Retry-After"]) >= 1
    assert stored(LIST, "limit=7") is None
    # ... and another client gets the stored list with neither its count nor its Retry-After.
    second = {"HTTP_X_FORWARDED_FOR": "198.51.100.8"}
    status, headers, _body = wsgi_get(LIST, query="limit=10", extra=second)
    assert status == "200 OK" and headers["X-Page-Cache"] == "hit"
    assert not {"RateLimit", "RateLimit-Policy", "Retry-After"} & set(headers)


@pytest.mark.parametrize(
    "query",
    [
        "limit=020",  # spelled otherwise than the Link headers spell it
        "offset=0&limit=20",  # not in order
        "limit=7",  # not a stored page size
        "limit=20&offset=5",  # not a whole page
        "limit=20&offset=40",  # past the end (3 articles)
        "lang=fr",  # not an interface language
        "lang=de&limit=20&section=politik",  # a filter
        "q=haushalt",
        "utm_source=x",
        "limit=20&limit=20",  # a 400
    ],
)
def test_other_queries_are_answered_but_never_stored(query):
    for slug in ("eins", "zwei", "drei"):
        article(slug=slug)
    status, headers, _body = wsgi_get(LIST, query=query)
    assert "X-Page-Cache" not in headers
    assert stored(LIST, query) is None
    assert wsgi_get(LIST, query=query)[0] == status


def test_the_canonical_pages_of_the_list_are_stored():
    for slug in ("eins", "zwei", "drei"):
        article(slug=slug)
    for query in ("limit=10", "offset=0", "lang=en&limit=10", "limit=10&offset=0"):
        assert wsgi_get(LIST, query=query)[1]["X-Page-Cache"] == "miss", query
    # The next link of a full page is stored too (two pages of 10 need 11 articles).
    for n in range(8):
        article(slug=f"mehr-{n}")
    _status, _headers, body = wsgi_get(LIST, query="limit=10")
    next_url = json.loads(body)["meta"]["pagination"]["next"]
    assert next_url.endswith("/api/v1/articles/?limit=10&offset=10")
    assert wsgi_get(LIST, query="limit=10&offset=10")[1]["X-Page-Cache"] == "miss"
    assert wsgi_get(LIST, query="limit=10&offset=10")[1]["X-Page-Cache"] == "hit"


def test_a_hit_never_enters_django(django_assert_num_queries):
    article(slug="ohne-abfrage")
    wsgi_get(LIST)
    with django_assert_num_queries(0):
        assert wsgi_get(LIST)[1]["X-Page-Cache"] == "hit"


@on_both_stores
def test_a_takedown_during_the_lists_render_keeps_that_list_out(monkeypatch):
    """The render finishes with the article in it, but the store refuses the list: the next
    client gets the list without it, not the one rendered before the takedown."""
    a = article(slug="mittendrin", title="Mitten im Abruf")
    original = views.paginated

    def take_down_then_paginate(*args, **kwargs):
        # After the page's articles were read and serialised, before the answer is made.
        take_down_article(article=a, editor=UserFactory(editor=True), ground=Ground.SPAM)
        return original(*args, **kwargs)

    monkeypatch.setattr(views, "paginated", take_down_then_paginate)
    status, headers, body = wsgi_get(LIST, query="limit=20")
    assert titles(body) == ["Mitten im Abruf"] and "X-Page-Cache" not in headers
    assert stored(LIST, "limit=20") is None
    monkeypatch.setattr(views, "paginated", original)
    assert titles(wsgi_get(LIST, query="limit=20")[2]) == []


def test_the_first_clients_language_is_not_stored_for_everyone():
    article(slug="sprache")
    status, headers, body = wsgi_get(LIST, extra={"HTTP_ACCEPT_LANGUAGE": "de"})
    assert headers["X-Page-Cache"] == "miss" and headers["Content-Language"] == "en"
    status, headers, hit = wsgi_get(LIST, extra={"HTTP_ACCEPT_LANGUAGE": "en"})
    assert headers["X-Page-Cache"] == "hit" and headers["Content-Language"] == "en"
    assert hit == body and "Vary" not in headers

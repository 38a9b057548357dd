"""A takedown removes the article from every public place at once, in every worker process,
and a restore brings it back everywhere.

Driven through the real WSGI application with its front page cache (newsdesk/wsgi.py). A second
worker process (a real subprocess with its own FrontCache on the same shared store) must never
answer with a stored page that still shows the article.
"""

import functools
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from wsgiref.util import setup_testing_defaults

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.editorial.actions import restore_article, take_down_article
from newsdesk.editorial.grounds import Ground
from newsdesk.newsletter.tests.factories import IssueFactory, NewsletterFactory

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Zitronenfalter im Stadtpark gesichtet"


class World:
    """The article to take down and, made only when a page needs them, its neighbours."""

    def __init__(self):
        self.section = SectionFactory()
        self.tag = TagFactory(name="Schmetterlinge", slug="schmetterlinge")
        self.author = UserFactory(display_name="Erika Falter")
        self.target = article(
            slug="zitronenfalter",
            title=TITLE,
            author=self.author,
            section=self.section,
            tags=[self.tag],
        )

    @functools.cached_property
    def neighbour(self):
        """Same section and tag: the target is in its related block."""
        return article(
            slug="nachbar",
            title="Tagpfauenauge am Fluss",
            section=self.section,
            tags=[self.tag],
        )

    @functools.cached_property
    def shared_tag(self):
        """The tag with another published article on it, so that its page and feed outlive the
        takedown (a tag only unpublished articles have is not public)."""
        assert self.neighbour.tags.filter(pk=self.tag.pk).exists()
        return self.tag

    @functools.cached_property
    def tag_neighbour(self):
        """Another section, same tag: the target is in its related block through the tag."""
        return article(slug="tag-nachbar", title="Kleiner Fuchs im Garten", tags=[self.tag])

    @functools.cached_property
    def translation(self):
        """An English version: the target is in its language switcher. In another section, so
        that only the translation family links the two cached pages."""
        return article(
            slug="brimstone",
            title="Brimstone butterfly seen in the park",
            language="en",
            translation_of=self.target,
        )

    @functools.cached_property
    def prolific_author(self):
        """The author with a second published article: their page outlives the takedown (an
        author page exists only while one of their articles is public)."""
        article(slug="noch-einer", title="Admiral auf der Wiese", author=self.author)
        return self.author

    @functools.cached_property
    def newsletter_issue(self):
        newsletter = NewsletterFactory(language="de")
        return IssueFactory(newsletter=newsletter, sent=True, with_articles=[self.target])


@dataclass(frozen=True)
class Page:
    name: str  # URL name for reverse()
    kwargs: Callable[[World], dict] = lambda w: {}
    language: str = "de"
    query: str = ""
    # Stored in the page cache (search results are not).
    cached: bool = True

    def url(self, world: World) -> str:
        with translation.override(self.language):
            path = reverse(self.name, kwargs=self.kwargs(world))
        return f"{path}?{self.query}" if self.query else path


PAGES = {
    "home": Page("articles:home"),
    "section": Page("articles:section", lambda w: {"slug": w.section.slug}),
    "tag": Page("articles:tag", lambda w: {"slug": w.shared_tag.slug}),
    "author": Page("articles:author", lambda w: {"slug": w.prolific_author.slug}),
    "related_block": Page("articles:detail", lambda w: {"slug": w.neighbour.slug}),
    "related_block_by_tag": Page("articles:detail", lambda w: {"slug": w.tag_neighbour.slug}),
    "language_switcher": Page(
        "articles:detail", lambda w: {"slug": w.translation.slug}, language="en"
    ),
    "newsletter_issue": Page(
        "newsletter:issue",
        lambda w: {"slug": w.newsletter_issue.newsletter.slug, "pk": w.newsletter_issue.pk},
    ),
    "site_feed_rss": Page("site_feed_rss"),
    "site_feed_atom": Page("site_feed_atom"),
    "language_feed": Page("articles:feed_rss"),
    "section_feed": Page("articles:section_feed_atom", lambda w: {"slug": w.section.slug}),
    "tag_feed": Page("articles:tag_feed_rss", lambda w: {"slug": w.shared_tag.slug}),
    "author_feed": Page("articles:author_feed_rss", lambda w: {"slug": w.prolific_author.slug}),
    "sitemap": Page("sitemap_section", lambda w: {"section": "articles"}),
    "news_sitemap": Page("news_sitemap"),
    "search": Page("discovery:search", query="q=Zitronenfalter", cached=False),
}


def wsgi_get(path: str) -> tuple[str, dict, str]:
    """One anonymous GET through newsdesk/wsgi.py, front cache included."""
    from newsdesk.wsgi import application  # builds the app from settings when imported

    path, _, query = path.partition("?")
    environ = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": "GET"}
    environ["wsgi.input"] = io.BytesIO()
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "127.0.0.1"
    captured = {}

    def start_response(status, headers, exc_info=None):
        captured["status"], captured["headers"] = status, dict(headers)

    body = b"".join(application(environ, start_response))
    return captured["status"], captured["headers"], body.decode()


# Another worker process: its own FrontCache on the same store. What the store does not hold
# goes on to Django there, which this process stands in for with a plain 404.
WORKER = """
import io, json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
from django.conf import settings
settings.PAGE_CACHE = json.loads(sys.argv[1])
from newsdesk.core.page_cache import FrontCache

def rest_of_django(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not in the page cache"]

app = FrontCache(rest_of_django)
for line in sys.stdin:
    path, _, query = line.strip().partition("?")
    answer = {}
    def start_response(status, headers, exc_info=None):
        answer["status"] = status
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query}
    environ.update({"HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http"})  # the site's origin
    body = b"".join(app(environ, start_response))
    print(json.dumps({"status": answer["status"], "body": body.decode()}), flush=True)
"""


class OtherWorker:
    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, json.dumps(settings.PAGE_CACHE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "newsdesk.settings"},
        )

    def get(self, path: str) -> str | None:
        """The page as that process serves it from the cache, or None if it is not cached."""
        self.process.stdin.write(path + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        return answer["body"] if answer["status"].startswith("200") else None

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def other_worker():
    worker = OtherWorker()
    yield worker
    worker.close()


def shows(body: str, world: World) -> bool:
    return world.target.get_absolute_url() in body


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_takedown_and_restore_are_effective_everywhere_at_once(page, other_worker):
    world = World()
    url = page.url(world)
    status, _headers, body = wsgi_get(url)
    assert status.startswith("200") and shows(body, world), "the page shows the article first"
    cached = wsgi_get(url)[1].get("X-Page-Cache") == "hit"
    assert cached == page.cached
    if cached:
        assert shows(other_worker.get(url), world)

    take_down_article(
        article=world.target, editor=UserFactory(editor=True), ground=Ground.COPYRIGHT, case="R-1"
    )
    status, _headers, body = wsgi_get(url)
    assert status.startswith("200") and not shows(body, world)
    assert not shows(other_worker.get(url) or "", world)

    restore_article(article=world.target, editor=UserFactory(editor=True), case="R-1")
    status, _headers, body = wsgi_get(url)
    assert status.startswith("200") and shows(body, world)
    again = other_worker.get(url)
    assert again is None or shows(again, world)


def test_the_article_url_itself_follows_in_every_process(other_worker):
    """The article page: 200 and cached, then 451 everywhere (never a stored 200), then back."""
    world = World()
    url = world.target.get_absolute_url()
    wsgi_get(url)
    assert wsgi_get(url)[1]["X-Page-Cache"] == "hit" and TITLE in other_worker.get(url)
    take_down_article(
        article=world.target, editor=UserFactory(editor=True), ground=Ground.SPAM, case="R-2"
    )
    status, headers, body = wsgi_get(url)
    assert status.startswith("451") and TITLE not in body and "X-Page-Cache" not in headers
    assert other_worker.get(url) is None
    restore_article(article=world.target, editor=UserFactory(editor=True))
    assert TITLE in wsgi_get(url)[2]

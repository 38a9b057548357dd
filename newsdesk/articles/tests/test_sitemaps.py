"""sitemap.xml and its parts, the Google News sitemap and robots.txt, as a crawler reads them."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.sitemaps import ArticleSitemap
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.core.tests.test_page_cache import wsgi_get
from newsdesk.editorial.actions import take_down_article, unpublish_article

SITE = "http://127.0.0.1:8000"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def xml(client, path, **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200, path
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own output, under test


def urlset(client, path):
    """loc -> {hreflang: href} of a sitemap part."""
    root = xml(client, path)
    assert root.tag == f"{SM}urlset"
    return {
        url.findtext(f"{SM}loc"): {
            link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")
        }
        for url in root.findall(f"{SM}url")
    }


@pytest.mark.django_db
class SitemapTests:
    def test_index_lists_every_part_with_absolute_urls(self, client):
        article(slug="one")
        root = xml(client, "/sitemap.xml", HTTP_HOST="localhost")
        assert root.tag == f"{SM}sitemapindex"
        locations = [s.findtext(f"{SM}loc") for s in root.findall(f"{SM}sitemap")]
        assert locations == [
            f"{SITE}/sitemap-{part}.xml" for part in ("articles", "sections", "tags", "authors", "pages")
        ]  # fmt: skip
        assert root.find(f"{SM}sitemap").findtext(f"{SM}lastmod")
        for location in locations:
            xml(client, location.removeprefix(SITE))
        assert client.get("/sitemap-nothing.xml").status_code == 404

    def test_articles_part_lists_visible_articles_with_hreflang_alternates(self, client):
        original = article(slug="haushalt")
        article(
            slug="budget", title="Budget passed", language="en", body="Text.\n",
            translation_of=original, machine_translated=True,
        )  # fmt: skip
        article(slug="alone", title="Ganz allein")
        article(slug="draft", published=False)
        gone = article(slug="gone", title="Weg")
        unpublish_article(article=gone, by=gone.author)
        urls = urlset(client, "/sitemap-articles.xml")
        family = {
            "de": f"{SITE}/de/articles/haushalt/",
            "en": f"{SITE}/en/articles/budget/",
            "x-default": f"{SITE}/de/articles/haushalt/",
        }
        assert urls == {
            f"{SITE}/de/articles/haushalt/": family,
            f"{SITE}/en/articles/budget/": family,
            f"{SITE}/de/articles/alone/": {},
        }

    def test_a_long_articles_part_is_paged_in_the_index(self, client, monkeypatch):
        monkeypatch.setattr(ArticleSitemap, "limit", 2)
        for i in range(3):
            article(slug=f"p{i}")
        root = xml(client, "/sitemap.xml")
        locations = [s.findtext(f"{SM}loc") for s in root.findall(f"{SM}sitemap")]
        assert locations[:2] == [f"{SITE}/sitemap-articles.xml", f"{SITE}/sitemap-articles.xml?p=2"]
        first, second = urlset(client, "/sitemap-articles.xml"), urlset(client, locations[1])
        assert len(first) == 2 and len(second) == 1
        assert set(first) | set(second) == {f"{SITE}/de/articles/p{i}/" for i in range(3)}
        assert client.get("/sitemap-articles.xml?p=3").status_code == 404

    def test_articles_part_costs_the_same_queries_for_more_translations(self, client):
        def count():
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/sitemap-articles.xml").status_code == 200
            return len(ctx.captured_queries)

        original = article(slug="o1")
        few = count()
        for i in range(3):
            article(slug=f"t{i}", language=("en", "fr", "it")[i], translation_of=original)
        assert count() == few <= 4

    def test_sections_tags_and_authors_with_visible_articles(self, client):
        section, tag, author = SectionFactory(), TagFactory(), UserFactory()
        empty_section, empty_tag = SectionFactory(), TagFactory()
        draft_author = UserFactory()
        article(section=section, tags=[tag], author=author, slug="visible")
        article(section=empty_section, tags=[empty_tag], author=draft_author, published=False)
        for part, path in [
            ("sections", f"sections/{section.slug}/"),
            ("tags", f"tags/{tag.slug}/"),
            ("authors", f"authors/{author.slug}/"),
        ]:
            urls = urlset(client, f"/sitemap-{part}.xml")
            alternates = {
                "de": f"{SITE}/de/{path}",
                "en": f"{SITE}/en/{path}",
                "x-default": f"{SITE}/{path}",
            }
            assert urls == {f"{SITE}/de/{path}": alternates, f"{SITE}/en/{path}": alternates}

    def test_static_pages(self, client):
        urls = urlset(client, "/sitemap-pages.xml")
        assert set(urls) == {
            f"{SITE}/de/", f"{SITE}/en/", f"{SITE}/de/guidelines/", f"{SITE}/en/guidelines/"
        }  # fmt: skip
        assert urls[f"{SITE}/de/guidelines/"]["en"] == f"{SITE}/en/guidelines/"
        # x-default is the address that picks the reader's language.
        x_default = urls[f"{SITE}/de/guidelines/"]["x-default"]
        response = client.get(x_default.removeprefix(SITE), HTTP_ACCEPT_LANGUAGE="de")
        assert response.status_code == 302 and response["Location"] == "/de/guidelines/"

    def test_news_sitemap_has_the_last_two_days(self, client):
        now = timezone.now()
        fresh = article(
            slug="fresh", title="Frisch & neu", published_at=now - dt.timedelta(hours=3)
        )
        article(slug="english", title="Fresh", language="en-GB", body="Text.\n", published_at=now)
        article(slug="old", title="Alt", published_at=now - dt.timedelta(days=2, hours=1))
        article(slug="unpublished", published=False)
        root = xml(client, "/news-sitemap.xml")
        entries = {}
        for url in root.findall(f"{SM}url"):
            news = url.find(f"{NEWS}news")
            entries[url.findtext(f"{SM}loc")] = (
                news.findtext(f"{NEWS}publication/{NEWS}name"),
                news.findtext(f"{NEWS}publication/{NEWS}language"),
                dt.datetime.fromisoformat(news.findtext(f"{NEWS}publication_date")),
                news.findtext(f"{NEWS}title"),
            )
        assert set(entries) == {f"{SITE}/de/articles/fresh/", f"{SITE}/en/articles/english/"}
        name, language, published, title = entries[f"{SITE}/de/articles/fresh/"]
        assert name == "newsdesk" and language == "de" and title == "Frisch & neu"
        assert published == fresh.published_at
        assert entries[f"{SITE}/en/articles/english/"][1] == "en"

    def test_robots_txt(self, client):
        response = client.get("/robots.txt")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        lines = response.content.decode().splitlines()
        assert "User-agent: *" in lines and "Allow: /" in lines
        for path in (
            "/admin/", "/*/write/", "/*/review/", "/*/account/", "/*/accounts/",
            "/*/newsletters/compose/", "/*/search/", "/*/reports/",
        ):  # fmt: skip
            assert f"Disallow: {path}" in lines
        assert f"Sitemap: {SITE}/sitemap.xml" in lines
        assert f"Sitemap: {SITE}/news-sitemap.xml" in lines
        assert not any(line.startswith("Disallow: /*/articles") for line in lines)
        # Every Sitemap line names a sitemap that answers.
        for line in lines:
            if line.startswith("Sitemap: "):
                assert client.get(line.removeprefix(f"Sitemap: {SITE}")).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_takedown_leaves_every_cached_sitemap_at_once():
    gone = article(slug="gone", title="Bald weg")
    article(slug="stays", title="Bleibt")
    paths = ["/sitemap-articles.xml", "/news-sitemap.xml"]
    for path in paths:
        assert "/de/articles/gone/" in wsgi_get(path)[2]
        assert wsgi_get(path)[1]["X-Page-Cache"] == "hit"
    take_down_article(article=gone, editor=UserFactory(editor=True), ground="copyright")
    for path in paths:
        status, headers, body = wsgi_get(path)
        assert headers["X-Page-Cache"] == "miss"
        assert "/de/articles/gone/" not in body and "/de/articles/stays/" in body

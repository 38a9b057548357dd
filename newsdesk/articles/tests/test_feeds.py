"""RSS and Atom feeds: what a feed reader gets, and that a takedown empties every feed at once."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.core.tests.test_page_cache import wsgi_get
from newsdesk.editorial.actions import take_down_article, unpublish_article

SITE = "http://127.0.0.1:8000"
ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

BODY = (
    "## Abschnitt\n\nSiehe [die Übersicht](/de/tags/haushalt/) und [extern](https://example.org/x)."
    "\n\n![Plan](/media/plan.png)\n\nText mit Fußnote.[^1]\n\n[^1]: Die Quelle.\n"
)


def rss_items(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output, under test
    assert root.tag == "rss" and root.get("version") == "2.0"
    return root.find("channel"), {i.findtext("title"): i for i in root.iter("item")}


def atom_entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own output, under test
    assert root.tag == f"{ATOM}feed"
    return root, {e.findtext(f"{ATOM}title"): e for e in root.iter(f"{ATOM}entry")}


@pytest.mark.django_db
class FeedContentTests:
    def test_rss_item_has_full_content_enclosure_author_categories_and_guid(self, client):
        """An RSS item is a complete article: absolute links, cover enclosure, byline, tags."""
        author = UserFactory(display_name="Thomas Schmidt")
        tag = TagFactory(name="Haushalt", slug="haushalt")
        a = article(author=author, tags=[tag], body=BODY, slug="haushalt", title="A & <b>B</b>")
        article(published=False, title="Geheimer Entwurf", slug="entwurf")
        channel, items = rss_items(client, "/feed.rss")
        assert channel.findtext("link") == f"{SITE}/"
        assert set(items) == {"A &amp; &lt;b&gt;B&lt;/b&gt;"}, "drafts never appear"
        item = items["A &amp; &lt;b&gt;B&lt;/b&gt;"]
        url = f"{SITE}/de/articles/haushalt/"
        assert item.findtext("link") == url
        guid = item.find("guid")
        assert guid.text == url and guid.get("isPermaLink") == "true"
        assert item.findtext("description") == a.lead
        assert item.findtext(DC_CREATOR) == "Thomas Schmidt"
        assert {c.text for c in item.findall("category")} == {a.section.name, "Haushalt"}
        assert item.findtext("pubDate").endswith(("+0000", "GMT"))
        body = item.findtext(CONTENT)
        assert '<a href="http://127.0.0.1:8000/de/tags/haushalt/"' in body
        assert '<a href="https://example.org/x"' in body
        assert '<img src="http://127.0.0.1:8000/media/plan.png"' in body
        assert f'href="{url}#fn1"' in body and "<h2>Abschnitt</h2>" in body
        enclosure = item.find("enclosure")
        a.cover.refresh_from_db()
        assert enclosure.get("url") == SITE + a.cover.file.url
        assert enclosure.get("length") == str(a.cover.file.size) != "0"
        assert enclosure.get("type") == "image/png"

    def test_atom_language_feed_lists_that_language_only(self, client):
        """/en/feed.atom has the English articles, each entry marked with its language."""
        author = UserFactory(display_name="Jane Doe")
        en = article(title="Council passes budget", language="en-GB", author=author, slug="en1")
        article(title="Der Rat tagt", slug="de1")
        root, entries = atom_entries(client, "/en/feed.atom")
        assert root.get(XML_LANG) == "en"
        assert set(entries) == {"Council passes budget"}
        entry = entries["Council passes budget"]
        url = f"{SITE}/en/articles/en1/"
        assert entry.get(XML_LANG) == "en-GB"
        assert entry.findtext(f"{ATOM}id") == url
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == url
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Jane Doe"
        assert entry.findtext(f"{ATOM}author/{ATOM}uri") == f"{SITE}/en/authors/{author.slug}/"
        assert entry.findtext(f"{ATOM}published").startswith(str(en.published_at.year))
        assert entry.findtext(f"{ATOM}updated")
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html" and "<p>" in content.text
        assert entry.find(f"{ATOM}summary").get("type") == "html"
        enclosure = entry.find(f"{ATOM}link[@rel='enclosure']")
        assert enclosure.get("href").startswith(f"{SITE}/media/") and int(enclosure.get("length"))
        assert root.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE}/en/feed.atom"

    def test_section_tag_and_author_feeds_hold_their_own_articles(self, client):
        section, tag, author = SectionFactory(), TagFactory(), UserFactory()
        article(section=section, title="Im Ressort", slug="s1")
        article(tags=[tag], title="Mit Schlagwort", slug="t1")
        article(author=author, title="Vom Autor", slug="a1")
        for path, title in [
            (f"/de/sections/{section.slug}/feed", "Im Ressort"),
            (f"/de/tags/{tag.slug}/feed", "Mit Schlagwort"),
            (f"/de/authors/{author.slug}/feed", "Vom Autor"),
        ]:
            assert set(rss_items(client, path + ".rss")[1]) == {title}
            root, entries = atom_entries(client, path + ".atom")
            assert set(entries) == {title}
            assert root.get(XML_LANG) is None, "these feeds mix languages"
        assert client.get("/de/sections/nope/feed.rss").status_code == 404
        assert client.get("/de/authors/nope/feed.atom").status_code == 404

    def test_hostile_title_and_lead_stay_text(self, client):
        """Contributor text reaches feed readers escaped, never as markup."""
        a = article(title="<img src=x onerror=alert(1)>", lead="<script>alert(2)</script>")
        _root, entries = atom_entries(client, "/de/feed.atom")
        entry = entries["<img src=x onerror=alert(1)>"]  # Atom title: plain text
        assert entry.findtext(f"{ATOM}summary") == "&lt;script&gt;alert(2)&lt;/script&gt;"
        _channel, items = rss_items(client, "/de/feed.rss")
        item = items["&lt;img src=x onerror=alert(1)&gt;"]  # RSS title: HTML, so escaped
        assert item.findtext("description") == "&lt;script&gt;alert(2)&lt;/script&gt;"
        assert a.title not in item.findtext(CONTENT)

    def test_feed_queries_do_not_grow_with_items(self, client):
        section, tag = SectionFactory(), TagFactory()

        def count():
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(f"/de/sections/{section.slug}/feed.rss").status_code == 200
            return len(ctx.captured_queries)

        article(section=section, tags=[tag], slug="q0")
        one = count()
        for i in range(1, 4):
            article(section=section, tags=[tag], slug=f"q{i}")
        assert count() == one <= 4


@pytest.mark.django_db
def test_list_pages_announce_their_feeds(client):
    """Home, section, tag and author pages carry autodiscovery links to their own feeds."""
    section, tag, author = SectionFactory(), TagFactory(), UserFactory()
    # An author's and a tag's page exist once one of their articles is published.
    article(author=author, tags=[tag], slug="announced")
    pages = {
        "/de/": ["/de/feed.rss", "/de/feed.atom", "/feed.rss", "/feed.atom"],
        f"/de/sections/{section.slug}/": [f"/de/sections/{section.slug}/feed.rss"],
        f"/en/tags/{tag.slug}/": [f"/en/tags/{tag.slug}/feed.atom"],
        f"/de/authors/{author.slug}/": [f"/de/authors/{author.slug}/feed.rss"],
    }
    for page, feeds in pages.items():
        html = client.get(page).content.decode()
        for feed in feeds:
            kind = "atom" if feed.endswith(".atom") else "rss"
            assert f'type="application/{kind}+xml"' in html
            assert f'rel="alternate" type="application/{kind}+xml"' in html
            assert f'href="{feed}"' in html, (page, feed)
            assert client.get(feed).status_code == 200


FEEDS = [
    "/feed.rss",
    "/feed.atom",
    "/de/feed.rss",
    "/de/feed.atom",
    "/de/sections/{section}/feed.rss",
    "/en/sections/{section}/feed.atom",
    "/de/tags/{tag}/feed.rss",
    "/de/tags/{tag}/feed.atom",
    "/de/authors/{author}/feed.rss",
    "/en/authors/{author}/feed.atom",
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("remove", ["take_down", "unpublish"])
def test_removal_empties_every_cached_feed_at_once(remove):
    """Feeds are served from the front cache; a takedown or unpublish purges every one of them."""
    section, tag, author = SectionFactory(), TagFactory(), UserFactory()
    gone = article(section=section, tags=[tag], author=author, title="Bald weg", slug="gone")
    article(section=section, tags=[tag], author=author, title="Bleibt", slug="stays")
    paths = [p.format(section=section.slug, tag=tag.slug, author=author.slug) for p in FEEDS]
    for path in paths:
        status, headers, body = wsgi_get(path)
        assert status.startswith("200") and "Bald weg" in body and "Bleibt" in body, path
        assert wsgi_get(path)[1]["X-Page-Cache"] == "hit", path
    if remove == "take_down":
        editor = UserFactory(editor=True)
        take_down_article(article=gone, editor=editor, ground="copyright", case="R-1")
    else:
        unpublish_article(article=gone, by=gone.author)
    for path in paths:
        status, headers, body = wsgi_get(path)
        assert headers["X-Page-Cache"] == "miss", path
        assert "Bald weg" not in body and "Bleibt" in body, path


@pytest.mark.django_db
class FeedEscapingTests:
    def test_hostile_tag_and_author_name_stay_text_in_rss(self, client):
        """RSS readers render <category> and <dc:creator> as HTML, like <title>: a tag or
        display name with markup arrives escaped, as text; Atom's plain-text term and author
        name carry it unchanged."""
        author = UserFactory(display_name="<b onmouseover=alert(3)>Eve</b>")
        article(
            title="Markup im Schlagwort",
            author=author,
            tags=[TagFactory(name="<script>alert(1)</script>")],
        )
        _channel, items = rss_items(client, "/de/feed.rss")
        item = items["Markup im Schlagwort"]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in [c.text for c in item.findall("category")]
        assert item.findtext(DC_CREATOR) == "&lt;b onmouseover=alert(3)&gt;Eve&lt;/b&gt;"
        _root, entries = atom_entries(client, "/de/feed.atom")
        entry = entries["Markup im Schlagwort"]
        terms = [c.get("term") for c in entry.findall(f"{ATOM}category")]
        assert "<script>alert(1)</script>" in terms
        assert entry.findtext(f"{ATOM}author/{ATOM}name") == "<b onmouseover=alert(3)>Eve</b>"

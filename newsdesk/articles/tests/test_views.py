import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.core import page_cache
from newsdesk.core.tests.dom import Dom
from newsdesk.editorial.actions import publish_article, unpublish_article

pytestmark = pytest.mark.django_db


GERMAN_BODY = "## Abschnitt\n\n" + ("Wort " * 940) + "\n\n1. eins\n2. zwei\n\n- a\n- b\n"


def test_article_page_anatomy(client):
    """The article page has everything the reference page has, in the article's language."""
    author = UserFactory(display_name="Thomas Schmidt")
    tag = TagFactory(name="Haushalt", slug="haushalt")
    a = article(author=author, tags=[tag], body=GERMAN_BODY, kind="opinion", slug="haushalt-2027")
    response = client.get(a.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    dom = Dom(html)
    assert a.get_absolute_url() == "/de/articles/haushalt-2027/"
    assert dom.find("html")[0][1]["lang"] == "de"
    assert dom.text("h1") == a.title
    main_article = dom.find("article", **{"class": "article"})
    assert len(main_article) == 1
    assert a.lead in dom.text("p", class_="lead")
    byline = dom.find("a", rel="author")[0]
    assert byline[1]["href"] == "/de/authors/thomas-schmidt/" and byline[2] == "Thomas Schmidt"
    assert "Von" in dom.text("p", class_="byline")
    assert dom.text("span", class_="reading-time") == "4 Minuten Lesezeit"
    assert "Meinung" in dom.text("span", class_="kind-label kind-opinion")
    assert dom.find("time")[0][1]["datetime"].startswith(str(a.published_at.year))
    img = dom.find("img")[0][1]
    assert img["width"] == "1600" and img["height"] == "900" and img["alt"]
    assert dom.text("span", class_="generated-label") == "Computergenerierte Illustration"
    assert "<ol>" in html and "<ul>" in html and "<h2>Abschnitt</h2>" in html
    assert dom.find("a", rel="tag", href="/de/tags/haushalt/")
    note = dom.text("p", class_="submission-note")
    assert "Mitglied unserer Community" in note and dom.find("a", href="/de/guidelines/")
    assert dom.find("link", rel="canonical", href=f"http://127.0.0.1:8000{a.get_absolute_url()}")
    assert dom.find("meta", property="og:title", content=a.title)
    assert dom.find("meta", name="description")


def test_chrome_follows_the_article_language(client):
    """An English article is served under /en/ with English chrome; /de/ redirects there."""
    a = article(title="Council passes budget", language="en", body="Hello world.\n\nAgain.")
    assert a.get_absolute_url().startswith("/en/")
    response = client.get(a.get_absolute_url().replace("/en/", "/de/"))
    assert response.status_code == 301 and response["Location"] == a.get_absolute_url()
    html = client.get(a.get_absolute_url()).content.decode()
    assert 'lang="en"' in html and "1 min read" in html and "You might also like" not in html


def test_drafts_and_unpublished_articles_are_not_public(client):
    draft = article(published=False, slug="secret-draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    gone = article(slug="soon-gone")
    assert client.get(gone.get_absolute_url()).status_code == 200
    unpublish_article(article=gone, by=gone.author)
    assert client.get(gone.get_absolute_url()).status_code == 404
    assert gone.title not in client.get("/de/").content.decode()


def test_a_tag_only_drafts_have_is_not_public(client):
    """Its page and feed answer like an unknown tag's, and show nothing of its name."""
    secret = TagFactory(name="Geheime Fusion", slug="geheime-fusion")
    draft = article(published=False, tags=[secret], slug="fusion-draft")
    for path in ("/de/tags/geheime-fusion/", "/de/tags/geheime-fusion/feed.rss"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Geheime Fusion" not in response.content.decode()
    assert client.get("/de/tags/no-such-tag/").status_code == 404
    publish_article(article=draft, by=draft.author)
    assert client.get("/de/tags/geheime-fusion/").status_code == 200
    assert client.get("/de/tags/geheime-fusion/feed.rss").status_code == 200


def test_related_articles_share_section_or_tags(client):
    section = SectionFactory()
    tag = TagFactory()
    a = article(section=section, tags=[tag], slug="main-story")
    b = article(section=section, title="Zweiter Bericht", slug="b")
    c = article(tags=[tag], title="Dritter Bericht", slug="c")
    unrelated = article(title="Ganz anderes Thema", slug="d")
    html = Dom(client.get(a.get_absolute_url()).content.decode())
    aside = html.text("aside")
    assert "Das könnte Ihnen auch gefallen" in aside
    assert b.title in aside and c.title in aside
    assert unrelated.title not in aside and a.title not in aside


@pytest.mark.parametrize(
    "path", ["/de/", "/de/sections/{section}/", "/de/tags/{tag}/", "/de/authors/{author}/"]
)
def test_list_pages_use_a_fixed_number_of_queries(client, path):
    """List pages cost the same number of queries for 3 articles as for 15 (no N+1)."""
    section, tag, author = SectionFactory(), TagFactory(), UserFactory()
    url = path.format(section=section.slug, tag=tag.slug, author=author.slug)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, HTTP_COOKIE="")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        article(section=section, tags=[tag], author=author, slug=f"x{i}")
    few = count()
    for i in range(3, 15):
        article(section=section, tags=[tag], author=author, slug=f"x{i}")
    page_cache.clear()
    assert count() == few
    assert few <= 6


def test_author_page_shows_bio_and_published_articles_only(client):
    author = UserFactory(display_name="Erika Muster", bio="Schreibt über <b>Radwege</b>.")
    article(author=author, title="Neue Radwege", slug="radwege")
    article(author=author, title="Noch ein Entwurf", slug="entwurf", published=False)
    html = client.get(author.get_absolute_url()).content.decode()
    assert "Erika Muster" in html and "&lt;b&gt;Radwege&lt;/b&gt;" in html
    assert "Neue Radwege" in html and "Noch ein Entwurf" not in html


def test_home_lists_articles_in_the_interface_language(client):
    article(title="Deutscher Bericht", slug="de1")
    article(title="English report", language="en", slug="en1", body="Text.\n\nMore.")
    de = client.get("/de/").content.decode()
    en = client.get("/en/").content.decode()
    assert "Deutscher Bericht" in de and "English report" not in de
    assert "English report" in en and "Deutscher Bericht" not in en
    assert re.search(r"<article class=\"teaser\"", de)


def test_article_page_queries_do_not_grow_with_related_articles(client):
    section, tag = SectionFactory(), TagFactory()
    main = article(section=section, tags=[tag], slug="main")

    def count():
        page_cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(main.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    article(section=section, tags=[tag], slug="r0")
    one = count()
    for i in range(1, 6):
        article(section=section, tags=[tag], slug=f"r{i}")
    # A fixed budget: reading the stored related neighbours added one query to the former 8,
    # the fediverse:creator tag (whether the author opted in, federation/queries.py) one more,
    # the Fediverse block (approved replies, like and boost counts) two.
    assert count() == one <= 12

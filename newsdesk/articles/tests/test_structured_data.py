"""What crawlers and link previews read on the article page: JSON-LD, OpenGraph, Twitter cards."""

import datetime as dt
import json

import pytest

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import TagFactory, article
from newsdesk.core.tests.dom import Dom

SITE = "http://127.0.0.1:8000"


def page(client, a):
    response = client.get(a.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def json_ld(html) -> dict:
    scripts = [e for e in Dom(html).find("script") if e[1].get("type") == "application/ld+json"]
    assert len(scripts) == 1
    return json.loads(scripts[0][2])


def meta(dom, key) -> list[str]:
    found = dom.find("meta", property=key) or dom.find("meta", name=key)
    return [e[1]["content"] for e in found]


@pytest.mark.django_db
class StructuredDataTests:
    @pytest.mark.parametrize(
        "kind,schema_type",
        [("news", "NewsArticle"), ("analysis", "AnalysisNewsArticle"), ("opinion", "OpinionNewsArticle")],
    )  # fmt: skip
    def test_json_ld_describes_the_article(self, client, kind, schema_type):
        author = UserFactory(display_name="Thomas Schmidt")
        tags = [TagFactory(name="Haushalt"), TagFactory(name="Stadtrat")]
        a = article(kind=kind, author=author, tags=tags, slug=f"story-{kind}")
        data = json_ld(page(client, a))
        url = f"{SITE}/de/articles/story-{kind}/"
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == schema_type
        assert data["headline"] == a.title and data["description"] == a.lead
        assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
        assert data["url"] == url and data["inLanguage"] == "de"
        assert data["author"] == [
            {
                "@type": "Person",
                "name": "Thomas Schmidt",
                "url": f"{SITE}/de/authors/{author.slug}/",
            }
        ]
        published = dt.datetime.fromisoformat(data["datePublished"])
        assert published == a.published_at and published.tzinfo is not None
        assert dt.datetime.fromisoformat(data["dateModified"]) >= published
        assert data["image"] == [SITE + a.cover.file.url]
        assert data["publisher"]["@type"] == "Organization" and data["publisher"]["name"]
        assert data["isAccessibleForFree"] is True
        assert data["articleSection"] == a.section.name
        assert sorted(data["keywords"]) == ["Haushalt", "Stadtrat"]
        assert "translationOfWork" not in data and "workTranslation" not in data

    def test_json_ld_links_translations_both_ways(self, client):
        original = article(slug="original")
        english = article(
            slug="english", title="In English", language="en", body="Text.\n",
            translation_of=original, kind="opinion",
        )  # fmt: skip
        of_translation = json_ld(page(client, english))
        assert of_translation["translationOfWork"] == {
            "@type": "NewsArticle",
            "@id": f"{SITE}/de/articles/original/",
            "url": f"{SITE}/de/articles/original/",
            "inLanguage": "de",
        }
        of_original = json_ld(page(client, original))
        assert of_original["workTranslation"] == [
            {
                "@type": "OpinionNewsArticle",
                "@id": f"{SITE}/en/articles/english/",
                "url": f"{SITE}/en/articles/english/",
                "inLanguage": "en",
            }
        ]

    def test_hostile_title_stays_inside_the_json_string(self, client):
        """A title that closes the script element cannot add markup or a second script."""
        hostile = "</script><script>alert(1)</script>\u2028<!-- &"
        a = article(title=hostile, lead="<b>fett</b> & ' \"", slug="hostile")
        assert a.title == hostile
        html = page(client, a)
        assert "<script>alert(1)" not in html
        assert [e[1].get("type") for e in Dom(html).find("script")] == ["application/ld+json"]
        data = json_ld(html)
        assert data["headline"] == hostile
        assert data["description"] == "<b>fett</b> & ' \""
        block = html.split('<script type="application/ld+json">')[1].split("</script>")[0]
        assert "<" not in block and ">" not in block and "&" not in block

    def test_opengraph_and_twitter_cards(self, client):
        original = article(slug="og-original")
        english = article(
            slug="og-en", title="In English", language="en-GB", body="Text.\n",
            translation_of=original,
        )  # fmt: skip
        dom = Dom(page(client, original))
        cover = original.cover
        image = SITE + cover.file.url
        assert meta(dom, "og:image") == [image]
        assert meta(dom, "og:image:width") == [str(cover.width)] != ["0"]
        assert meta(dom, "og:image:height") == [str(cover.height)]
        assert meta(dom, "og:image:alt") == [cover.alt]
        assert meta(dom, "og:locale") == ["de"]
        assert meta(dom, "og:locale:alternate") == ["en_GB"]
        assert meta(dom, "twitter:card") == ["summary_large_image"]
        assert meta(dom, "twitter:title") == [original.title]
        assert meta(dom, "twitter:description") == [original.lead]
        assert meta(dom, "twitter:image") == [image]
        assert meta(dom, "twitter:image:alt") == [cover.alt]
        en_dom = Dom(page(client, english))
        assert meta(en_dom, "og:locale") == ["en_GB"]
        assert meta(en_dom, "og:locale:alternate") == ["de"]

    def test_report_link_in_the_footer(self, client):
        a = article(slug="to-report")
        dom = Dom(page(client, a))
        link = dom.find("a", href="/de/reports/new/?article=to-report")
        assert link and link[0][1]["rel"] == "nofollow"
        footer = dom.find("footer", class_="article-footer")[0]
        assert link[0][2].strip() in footer[2]

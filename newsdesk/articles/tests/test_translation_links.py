"""Translations link to each other both ways: language switcher, hreflang alternates, the
machine-translation note; only versions the public may see."""

import pytest

from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.core.tests.dom import Dom
from newsdesk.core.tests.test_page_cache import wsgi_get
from newsdesk.editorial.actions import unpublish_article

SITE = "http://127.0.0.1:8000"
EN_BODY = "The council met.\n\nIt voted.\n"


def family(*, same_section=True):
    section = SectionFactory()
    original = article(slug="haushalt", section=section)
    english = article(
        slug="budget", title="The council passes the budget", language="en", body=EN_BODY,
        translation_of=original, machine_translated=True, section=section,
    )  # fmt: skip
    french = article(
        slug="budget-fr", title="Le conseil vote le budget", language="fr", body="Le conseil.\n",
        translation_of=original, section=section if same_section else SectionFactory(),
    )  # fmt: skip
    return original, english, french


def alternates(dom):
    return {e[1]["hreflang"]: e[1]["href"] for e in dom.find("link", rel="alternate")}


def page(client, a):
    response = client.get(a.get_absolute_url())
    assert response.status_code == 200
    return Dom(response.content.decode())


def versions_in_switcher(dom):
    start = next(
        i for i, e in enumerate(dom.elements)
        if e[0] == "nav" and e[1].get("class") == "language-switcher"
    )  # fmt: skip
    end = next(i for i, e in enumerate(dom.elements) if e[0] == "main")
    return {
        e[1]["hreflang"]: e[1]["href"]
        for e in dom.elements[start:end]
        if e[0] == "a" and "/articles/" in e[1]["href"]
    }


@pytest.mark.django_db
class TranslationLinkTests:
    def test_original_lists_its_translations(self, client):
        """The original's switcher and hreflang alternates name every version, itself included."""
        original, english, french = family()
        dom = page(client, original)
        assert versions_in_switcher(dom) == {
            "de": "/de/articles/haushalt/",
            "en": "/en/articles/budget/",
            "fr": "/en/articles/budget-fr/",
        }
        current = dom.find("a", hreflang="de", href="/de/articles/haushalt/")[0]
        assert current[1].get("aria-current") == "true"
        assert alternates(dom) == {
            "de": f"{SITE}/de/articles/haushalt/",
            "en": f"{SITE}/en/articles/budget/",
            "fr": f"{SITE}/en/articles/budget-fr/",
            "x-default": f"{SITE}/de/articles/haushalt/",
        }
        assert not dom.find("p", class_="machine-translated")

    def test_translation_lists_original_and_siblings(self, client):
        """A translation links to the original (also x-default) and to the other translations."""
        original, english, french = family()
        dom = page(client, english)
        assert versions_in_switcher(dom) == {
            "de": "/de/articles/haushalt/",
            "en": "/en/articles/budget/",
            "fr": "/en/articles/budget-fr/",
        }
        assert "(original)" in dom.text("a", hreflang="de", href="/de/articles/haushalt/")
        assert alternates(dom)["x-default"] == f"{SITE}/de/articles/haushalt/"
        assert alternates(dom)["en"] == f"{SITE}/en/articles/budget/"
        note = dom.find("p", class_="machine-translated")
        assert note and "translated by machine" in note[0][2]
        assert dom.find("a", href="/de/articles/haushalt/", hreflang="de", lang="de")
        assert "Read the original" in dom.text("p", class_="machine-translated")
        # The French one is not machine-translated: no note there.
        assert not page(client, french).find("p", class_="machine-translated")

    def test_unpublished_versions_disappear(self, client):
        """An unpublished translation leaves the switcher and the alternates of the others."""
        original, english, french = family()
        unpublish_article(article=french, by=french.author)
        for a in (original, english):
            dom = page(client, a)
            assert "fr" not in versions_in_switcher(dom)
            assert set(alternates(dom)) == {"de", "en", "x-default"}
            assert "budget-fr" not in str(dom.elements)

    def test_translation_of_an_unpublished_original(self, client):
        """Without a visible original: no x-default and no link to it, the sibling remains."""
        original, english, french = family()
        unpublish_article(article=original, by=original.author)
        dom = page(client, english)
        assert versions_in_switcher(dom) == {
            "en": "/en/articles/budget/",
            "fr": "/en/articles/budget-fr/",
        }
        assert set(alternates(dom)) == {"en", "fr"}
        assert "translated by machine" in dom.text("p", class_="machine-translated")
        assert not dom.find("a", href="/de/articles/haushalt/")

    def test_a_lone_article_declares_no_alternates(self, client):
        dom = page(client, article(slug="allein"))
        assert alternates(dom) == {}
        assert versions_in_switcher(dom) == {"de": "/de/articles/allein/"}


@pytest.mark.django_db(transaction=True)
def test_unpublishing_a_translation_purges_the_cached_original():
    """Through the front cache: the original's page stops naming an unpublished translation,
    even one filed in another section (whose purge does not reach the original's page)."""
    original, english, french = family(same_section=False)
    assert "budget-fr" in wsgi_get(original.get_absolute_url())[2]
    assert wsgi_get(original.get_absolute_url())[1]["X-Page-Cache"] == "hit"
    unpublish_article(article=french, by=french.author)
    status, headers, body = wsgi_get(original.get_absolute_url())
    assert headers["X-Page-Cache"] == "miss" and "budget-fr" not in body
    assert 'hreflang="en"' in body

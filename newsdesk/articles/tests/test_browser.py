"""The reading pages in a real Chromium: a reader's path, accessibility and a phone's width."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article

pytest_plugins = ["newsdesk.core.tests.browser"]

# A body like the reference page's: about 900 German words (4 minutes at 220 words a minute),
# H2/H3 sections, a numbered list, bullets, a table, and what breaks narrow layouts in real
# articles: a long compound word and a long bare URL.
SENTENCES = [
    "Der Stadtrat hat am Dienstagabend nach einer langen und teilweise hitzigen Debatte den "
    "Haushalt für das kommende Jahr beschlossen.",
    "Die Fraktionen stritten vor allem über die Ausgaben für Schulen, Straßen und den "
    "öffentlichen Nahverkehr in den Außenbezirken.",
    "Viele Bürgerinnen und Bürger verfolgten die Sitzung im Saal und im Livestream der Stadt.",
    "Die Kämmerin verwies auf steigende Zinsen und auf die höheren Kosten für Energie.",
]
PARAGRAPH = " ".join(SENTENCES)  # 68 words
LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenherstellungsverordnung"
LONG_URL = "https://www.example.org/ratsinformationssystem/sitzungen/2027/haushaltsplan-entwurf-anlage-7-investitionsprogramm.pdf"
BODY = f"""## Worum es geht

{PARAGRAPH}

{PARAGRAPH} Die {LONG_WORD} war kein Thema.

### Die wichtigsten Punkte

1. Die Grundsteuer bleibt unverändert.
2. Zwei neue Grundschulen werden gebaut.
3. Der Busverkehr wird in den Außenbezirken verdichtet.

{PARAGRAPH}

- mehr Geld für Radwege
- weniger Geld für Repräsentation
- ein Fonds für Vereine

| Posten | 2026 | 2027 | Veränderung |
|:--|--:|--:|--:|
| Schulen und Kindertagesstätten | 41,2 Mio. € | 47,9 Mio. € | +16 % |
| Straßen und Brücken | 18,5 Mio. € | 17,1 Mio. € | −8 % |

## Wie es weitergeht

{PARAGRAPH}

{PARAGRAPH}

Den vollständigen Plan veröffentlicht die Stadt unter {LONG_URL} und unter
[{LONG_URL}]({LONG_URL}).

## Meinung der Redaktion

{PARAGRAPH}

{PARAGRAPH}

{PARAGRAPH}

{PARAGRAPH}

{PARAGRAPH}

{PARAGRAPH}

{PARAGRAPH}

{PARAGRAPH}
"""
MAIN_TITLE = "Der Stadtrat beschließt den Haushalt für 2027"
AUTHOR_NAME = "Thomas Schmidt"
AUTHOR_BIO = "Thomas Schmidt schreibt über Stadtpolitik, Verkehr und alles, was die Stadt bewegt."
PHONE_WIDTH = 375
# axe-core impacts that fail the test; "moderate" and "minor" are reported by axe but tolerated.
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def newsroom(transactional_db):
    """A small German newsroom: one author with three articles, a colleague, one section."""
    author = UserFactory(display_name=AUTHOR_NAME, bio=AUTHOR_BIO)
    colleague = UserFactory(display_name="Anna Weber")
    section = SectionFactory(name="Lokales", name_en="Local", slug="lokales")
    budget = TagFactory(name="Haushalt", slug="haushalt")
    now = timezone.now()
    main = article(
        title=MAIN_TITLE,
        lead="Nach langer Debatte steht der Plan für das kommende Jahr: mehr Geld für Schulen.",
        body=BODY,
        author=author,
        section=section,
        tags=[budget],
        slug="stadtrat-haushalt-2027",
        published_at=now,
    )
    others = [
        article(
            title="Neue Buslinie in den Außenbezirken",
            author=author,
            section=section,
            tags=[budget],
            published_at=now - timedelta(hours=2),
        ),
        article(
            title="Kommentar: Die Stadt braucht mehr Radwege",
            kind="opinion",
            author=author,
            section=section,
            published_at=now - timedelta(hours=5),
        ),
        article(
            title="Verein feiert hundertjähriges Bestehen",
            author=colleague,
            section=section,
            published_at=now - timedelta(days=1),
        ),
    ]
    return {"main": main, "others": others, "author": author, "section": section, "tag": budget}


@pytest.mark.browser
class ReaderPathTests:
    def test_home_to_article_to_author(self, newsroom, open_page):
        """A reader goes from the home page to an article and on to its author, and sees the
        headline, reading time, labelled cover and related articles, with nothing broken."""
        main, others = newsroom["main"], newsroom["others"]
        tab = open_page()
        page = tab.page

        page.goto("/de/")
        assert page.locator("html").get_attribute("lang") == "de"
        teasers = page.locator("article.teaser")
        assert teasers.count() == 4
        tab.load_all_images()
        assert tab.broken_images() == []
        tab.screenshot("browser-home")

        page.locator("article.teaser a.teaser-link", has_text=MAIN_TITLE).click()
        page.wait_for_url(f"**{main.get_absolute_url()}")
        assert page.locator("h1").count() == 1
        assert page.locator("h1").inner_text() == MAIN_TITLE
        assert page.locator(".byline").inner_text().startswith(f"Von {AUTHOR_NAME}")
        assert page.locator(".reading-time").inner_text() == "4 Minuten Lesezeit"
        cover = page.locator("figure.cover img")
        label = page.locator("figure.cover .generated-label")
        assert label.is_visible()
        assert label.inner_text() == "Computergenerierte Illustration"
        assert cover.evaluate("img => img.complete && img.naturalWidth > 0")
        # The label sits on the image itself, not somewhere near it.
        image_box, label_box = cover.bounding_box(), label.bounding_box()
        assert image_box["x"] <= label_box["x"]
        assert label_box["x"] + label_box["width"] <= image_box["x"] + image_box["width"]
        assert image_box["y"] <= label_box["y"]
        assert label_box["y"] + label_box["height"] <= image_box["y"] + image_box["height"]
        assert cover.get_attribute("alt")
        related = page.locator("aside.related")
        assert related.locator("h2").inner_text() == "Das könnte Ihnen auch gefallen"
        related_titles = _titles(related.locator("article.teaser h3"))
        assert sorted(related_titles) == sorted(a.title for a in others)
        tab.load_all_images()
        assert tab.broken_images() == []
        tab.screenshot("browser-article")

        page.locator(".byline a[rel=author]").click()
        page.wait_for_url("**/de/authors/thomas-schmidt/")
        assert page.locator("h1").inner_text() == AUTHOR_NAME
        assert page.locator(".author-bio").inner_text() == AUTHOR_BIO
        own = [MAIN_TITLE] + [a.title for a in others if a.author == newsroom["author"]]
        assert sorted(_titles(page.locator("article.teaser h3"))) == sorted(own)
        tab.load_all_images()
        assert tab.broken_images() == []
        tab.screenshot("browser-author")

        assert not tab.problems, tab.problems.report()


@pytest.mark.browser
class AccessibilityTests:
    def test_reading_pages_have_no_serious_axe_violations(self, newsroom, open_page):
        """axe-core finds no serious or critical violation on the pages readers use."""
        main = newsroom["main"]
        paths = [
            "/de/",
            "/en/",
            main.get_absolute_url(),
            f"/de/authors/{newsroom['author'].slug}/",
            f"/de/sections/{newsroom['section'].slug}/",
            f"/de/tags/{newsroom['tag'].slug}/",
        ]
        tab = open_page()
        axe = Axe()
        found = {}
        for path in paths:
            response = tab.page.goto(path)
            assert response.status == 200, path
            violations = axe.run(tab.page).response["violations"]
            serious = [v for v in violations if v["impact"] in FAILING_IMPACTS]
            if serious:
                found[path] = serious
        assert not found, "\n\n".join(
            f"{path}:\n" + "\n".join(_describe(v) for v in violations)
            for path, violations in found.items()
        )
        assert not tab.problems, tab.problems.report()


@pytest.mark.browser
class NarrowScreenTests:
    def test_pages_do_not_scroll_sideways_on_a_phone(self, newsroom, open_page):
        """At 375 px wide (a small phone) nothing on the article or home page is wider than
        the screen: long words, long URLs and tables stay inside."""
        # Not is_mobile: a mobile viewport zooms out to fit overflowing content, and
        # innerWidth grows with it, hiding the very overflow this test looks for.
        tab = open_page(viewport={"width": PHONE_WIDTH, "height": 812}, has_touch=True)
        page = tab.page
        for name, path in (("article", newsroom["main"].get_absolute_url()), ("home", "/de/")):
            page.goto(path)
            tab.load_all_images()
            width = page.evaluate(
                "() => ({scroll: document.documentElement.scrollWidth, inner: innerWidth})"
            )
            tab.screenshot(f"browser-{name}-375")
            assert width["inner"] == PHONE_WIDTH
            assert width["scroll"] <= width["inner"], (
                f"{path} is {width['scroll']}px wide at {width['inner']}px; widest elements:\n"
                + "\n".join(_overflowing(page))
            )
        assert not tab.problems, tab.problems.report()


def _titles(headings) -> list[str]:
    """Teaser headlines as written, without the "Meinung" label of opinion pieces."""
    return [" ".join(t.split()).removeprefix("Meinung ") for t in headings.all_text_contents()]


def _describe(violation: dict) -> str:
    nodes = "\n".join(
        f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}"
        for node in violation["nodes"]
    )
    return f"  {violation['id']} ({violation['impact']}): {violation['help']}\n{nodes}"


def _overflowing(page) -> list[str]:
    """Elements whose right edge is past the viewport, for the failure message."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > innerWidth + 0.5)
            .slice(0, 15)
            .map(el => `${el.tagName.toLowerCase()}.${el.className}: `
                + `right=${Math.round(el.getBoundingClientRect().right)}`)"""
    )

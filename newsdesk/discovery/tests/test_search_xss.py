"""Contributor text on search result pages: titles, leads, bodies and author names full of XSS
payloads (the corpus of core/tests/test_xss_browser.py), shown with <mark>ed words in titles
and excerpts, never run as script. Checked on the HTML (both databases) and in Chromium with
the CSP bypassed (the oracle of core/tests/test_xss_browser.py)."""

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

from newsdesk.articles.models import TITLE_MAX
from newsdesk.core.tests.test_xss_browser import (
    INSPECT,
    normalized,
    one_line_sample,
    trap_dialogs,
    xss_payloads,
)
from newsdesk.discovery.tests.search_helpers import newsroom_fixture  # noqa: F401

pytest_plugins = ["newsdesk.core.tests.browser"]
pytestmark = pytest.mark.django_db(transaction=True)

# In every article, so that one query lists them all; the other queries hit payload words.
MARKER = "Suchwort"
QUERIES = [MARKER, "alert onerror script", "svg onload img src javascript"]
PER_BODY = 25
# Every element the search page itself is made of: anything else came from contributor text.
PAGE_TAGS = {
    "html", "head", "meta", "title", "link", "body", "a", "header", "div", "nav", "ul", "li",
    "form", "label", "input", "button", "main", "h1", "h2", "h3", "p", "section", "article",
    "mark", "span", "time", "footer", "fieldset", "legend", "select", "option", "script",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcset"}


def publish_payloads(newsroom) -> dict[int, str]:
    """Payloads as titles, leads, author names and bodies; returns the titles by article id."""
    payloads = xss_payloads()
    sample = one_line_sample(payloads)
    n = len(sample)
    titles = {}
    for i, title in enumerate(sample):
        created = newsroom.publish(
            title=f"{title[: TITLE_MAX - 20]} {MARKER}",
            lead=f"{sample[(i + 1) % n][:500]} {MARKER}",
            body=f"{sample[(i + 2) % n]}\n\n{MARKER}\n",
            author=newsroom.writer(sample[(i + 3) % n][:80] or "x"),
            language="en" if i % 2 else "de",
            kind=("news", "analysis", "opinion")[i % 3],
        )
        titles[created.pk] = created.title
    for k in range(0, len(payloads), PER_BODY):
        chunk = payloads[k : k + PER_BODY]
        created = newsroom.publish(
            title=f"Payloads {k + 1} {MARKER}",
            body="\n\n".join(f"{payload} {MARKER}" for payload in chunk),
        )
        titles[created.pk] = created.title
    return titles


def result_paths(client) -> list[str]:
    """Every page of results of each query."""
    paths = []
    for query in QUERIES:
        number = 1
        while True:
            path = f"/en/search/?{urlencode({'q': query, 'page': number})}"
            paths.append(path)
            if 'rel="next"' not in client.get(path).content.decode():
                break
            number += 1
    return paths


class _Scan(HTMLParser):
    """What script-capable markup a page has that its template did not put there."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found, self.headings, self._heading = [], [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag not in PAGE_TAGS or (
            tag == "script" and not dict(attrs).get("src", "").startswith("/static/")
        ):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            squashed = "".join((value or "").split()).lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and squashed.startswith(
                ("javascript:", "vbscript:", "data:")
            ):
                self.found.append(f"<{tag} {name}={value[:40]!r}>")
        if tag == "h3":
            self._heading = ""

    def handle_endtag(self, tag):
        if tag == "h3" and self._heading is not None:
            self.headings.append(normalized(self._heading))
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading += data


def _without_kind(heading: str) -> str:
    for label in ("Opinion ", "Analysis "):
        heading = heading.removeprefix(label)
    return heading


class SearchPagesHtmlTests:
    def test_no_payload_becomes_markup_and_titles_read_as_written(self, client, newsroom):
        """On every result page of every query: only the template's own elements, no event
        handler or script URL, and each result's title is the contributor's text verbatim
        (escaped, not dropped, not double-escaped), with words marked."""
        titles = publish_payloads(newsroom)
        shown, marks = [], 0
        for path in result_paths(client):
            html = client.get(path).content.decode()
            scan = _Scan(html)
            assert scan.found == [], (path, scan.found)
            shown += [_without_kind(h) for h in scan.headings]
            marks += html.count("<mark>")
        expected = {normalized(t) for t in titles.values()}
        assert expected <= set(shown)
        assert marks > len(titles)

    def test_the_scan_sees_injected_markup(self):
        """The checker flags foreign elements, handlers and script URLs (a guard against a
        vacuous pass)."""
        scan = _Scan(
            '<p onclick="x">a</p><img src=x><a href=" JaVaScRiPt:alert(1)">b</a>'
            "<script>alert(1)</script><mark>ok</mark>"
        )
        assert scan.found == ["<p onclick>", "<img>", "<a href=' JaVaScRiPt:alert(1)'>", "<script>"]


@pytest.mark.browser
class SearchPagesInBrowserTests:
    def test_no_contributor_text_runs_script_on_search_pages(self, open_page, client, newsroom):
        """In Chromium with the CSP off, no result page of any query opens a dialog, calls a
        trapped function, throws, or has a handler, script URL or foreign element."""
        publish_payloads(newsroom)
        tab = open_page(bypass_csp=True)
        dialogs = trap_dialogs(tab.page)
        findings, calls = {}, {}
        for path in result_paths(client):
            response = tab.page.goto(path)
            assert response.status == 200, path
            seen = tab.page.evaluate(INSPECT)
            if seen["found"]:
                findings[path] = seen["found"]
            if seen["trapped"]:
                calls[path] = seen["trapped"]
        assert dialogs == []
        assert calls == {}
        assert tab.problems.page_errors == []
        assert findings == {}

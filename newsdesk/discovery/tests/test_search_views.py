"""The search page at /<lang>/search/: the form, results, filters and paging as a reader gets
them, and queries of any shape answered without an error."""

import datetime as dt
import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from newsdesk.articles.tests.factories import SectionFactory
from newsdesk.core.tests.dom import Dom
from newsdesk.discovery import search
from newsdesk.discovery.search.text import MAX_QUERY_WORDS
from newsdesk.discovery.tests.search_helpers import newsroom_fixture  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

# Every kind of text a search box receives from people and robots.
HOSTILE_QUERIES = [
    '"',
    '"Kanal',
    'Kanal"',
    "'Kanal'",
    "Kanal AND",
    "OR Kanal",
    "NOT Kanal",
    "Kanal NOT Brücke",
    "NEAR(Kanal Brücke, 2)",
    "Kanal*",
    "*",
    "^Kanal",
    "title:Kanal",
    "{title lead}: Kanal",
    "- Kanal",
    "-Kanal",
    "(Kanal",
    "Kanal)",
    "((((((((((Kanal))))))))))",
    "Kanal & Brücke | !Haus <-> x:*",
    "Kanal' OR '1'='1",
    "Kanal; DROP TABLE articles_article; --",
    "%_\\%",
    "🚢 Kanal 🚢🚢",
    "👩‍👩‍👧‍👦",
    "Kanal\x00Brücke",
    "\x00",
    "Kanal\ud800",
    "\udfff\ud800",
    "ﬁ Ｋａｎａｌ",
    "K\u0301",
    "\u202eKanal",
    "   ",
    "_ __ ___",
    "\u0301\u0301",
    "Kanal " * 3000,
    "x" * 10_000,
]


def search_url(ui="de", **params) -> str:
    path = f"/{ui}/search/"
    return f"{path}?{urlencode(params)}" if params else path


def results_of(response) -> list[str]:
    """The titles (h3) of the result <article> elements, as a reader sees them."""
    titles, in_result = [], False
    for tag, attrs, text in Dom(response.content.decode()).elements:
        if tag == "article":
            in_result = "search-result" in attrs.get("class", "")
        elif tag == "h3" and in_result:
            titles.append(" ".join(text.split()))
    return titles


class SearchPageTests:
    def test_the_url_name_and_the_empty_form(self, client, newsroom):
        """`discovery:search` is /<lang>/search/; without a query it shows a labelled search
        form and no results."""
        assert reverse("discovery:search") == "/en/search/"
        response = client.get("/de/search/")
        assert response.status_code == 200
        page = Dom(response.content.decode())
        field = page.find("input", id="id_q")[0][1]
        assert field["type"] == "search"
        assert page.find("label", for_=field["id"])
        assert page.find("form", class_="search-form")[0][1]["method"] == "get"
        for name in ("section", "language", "kind", "author", "date_from", "date_to"):
            control = page.find("select", name=name) + page.find("input", name=name)
            assert page.find("label", for_=control[0][1]["id"]), name
        assert page.find("article") == []
        assert page.find("meta", name="robots", content="noindex")
        # German tells the page (noun) from the button (verb).
        assert page.text("h1") == "Suche"
        assert "Suchen" in [e[2].strip() for e in page.find("button", type="submit")]

    def test_sections_are_offered_by_their_name_in_the_page_language(self, client, newsroom):
        SectionFactory(slug="hafen", name="Hafen und Schifffahrt", name_en="Port and shipping")
        english = client.get("/en/search/").content.decode()
        german = client.get("/de/search/").content.decode()
        assert '<option value="hafen">Port and shipping</option>' in english
        assert '<option value="hafen">Hafen und Schifffahrt</option>' in german

    def test_results_are_articles_with_marked_words_count_and_links(self, client, newsroom):
        """Each hit is an <article> linking to the article, with the query's words marked in
        the title and in an excerpt from the text; the count is shown."""
        a = newsroom.publish(
            title="Der Stadtrat tagt",
            body="Vorher war es ruhig.\n\nDann beschlossen die Stadträte den Haushalt.\n",
        )
        newsroom.publish(title="Nichts zu sehen")
        response = client.get(search_url(ui="en", q="Stadtrat"))
        assert response.status_code == 200
        html = response.content.decode()
        page = Dom(html)
        assert page.text("h2", class_="results-count") == "1 result"
        result = [e for e in page.find("article") if "search-result" in e[1].get("class", "")]
        assert len(result) == 1
        assert page.find("a", href=a.get_absolute_url())
        assert "Der <mark>Stadtrat</mark> tagt" in html
        assert "die <mark>Stadträte</mark> den Haushalt" in html
        assert page.find("input", id="id_q")[0][1]["value"] == "Stadtrat"

    def test_no_results_gives_help_and_keeps_the_query(self, client, newsroom):
        """A query without hits says so, suggests what to try and keeps what was typed."""
        newsroom.publish(title="Der Stadtrat tagt")
        response = client.get(search_url(ui="en", q="Zeppelin Landung"))
        page = Dom(response.content.decode())
        assert page.text("h2", class_="results-count") == "0 results"
        assert "Nothing found." in page.text("div", class_="search-help")
        assert page.find("input", id="id_q")[0][1]["value"] == "Zeppelin Landung"

    def test_paging_keeps_the_query_and_filters(self, client, newsroom):
        """Page links carry the query and the filters; each page shows at most 20 results."""
        section = SectionFactory(slug="hafen")
        for i in range(23):
            newsroom.publish(title=f"Fähre {i}", section=section)
        first = client.get(search_url(ui="en", q="Fähre", section="hafen"))
        page = Dom(first.content.decode())
        assert len(results_of(first)) == 20
        next_link = page.find("a", rel="next")[0][1]["href"]
        assert (
            "q=F%C3%A4hre" in next_link and "section=hafen" in next_link and "page=2" in next_link
        )
        second = client.get(f"/en/search/{next_link}")
        assert len(results_of(second)) == 3
        assert not set(results_of(first)) & set(results_of(second))

    def test_a_page_of_results_takes_a_bounded_number_of_queries(self, client, newsroom):
        """Twenty results with their authors and sections: no query per result (on SQLite
        the results are loaded three at a time, see search._visible_by_id)."""
        for i in range(21):
            newsroom.publish(title=f"Fähre {i}", author=newsroom.writer(f"Autorin {i}"))
        client.get(search_url(q="Fähre"))  # the index's languages are cached after this
        with CaptureQueriesContext(connection) as queries:
            response = client.get(search_url(q="Fähre"))
        assert len(results_of(response)) == 20
        assert len(queries) <= 14, [q["sql"][:80] for q in queries]

    def test_invalid_filters_give_messages_not_errors(self, client, newsroom):
        """Unknown section, author, kind and language, malformed and reversed dates and a
        broken page number each give a message (or are ignored); the search still runs."""
        newsroom.publish(title="Der Kanal wird gebaut")
        for params, message in [
            ({"section": "nowhere"}, "Select a valid choice"),
            ({"author": "nobody-at-all"}, "There is no author"),
            ({"kind": "gossip"}, "Select a valid choice"),
            ({"language": "xx"}, "Select a valid choice"),
            ({"date_from": "yesterday"}, "Enter a valid date"),
            ({"date_from": "0001-01-01"}, "between 1900 and 2999"),
            ({"date_to": "9999-12-31"}, "between 1900 and 2999"),
            ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "before the first one"),
            ({"page": "abc"}, None),
            ({"page": "-3"}, None),
            ({"page": "9" * 5000}, None),
            ({"section": "\x00", "author": "<script>"}, "Null characters are not allowed"),
        ]:
            response = client.get(search_url(ui="en", q="Kanal", **params))
            assert response.status_code == 200, params
            html = response.content.decode()
            if message:
                assert message in html, params
            assert results_of(response) == ["Der Kanal wird gebaut"], params
        assert "<script>" not in client.get(search_url(q="x", author="<script>")).content.decode()

    def test_a_date_filter_from_the_form(self, client, newsroom):
        """Dates from the form's date fields are whole days in the site's time zone."""
        old = timezone.now() - dt.timedelta(days=30)
        newsroom.publish(title="Alter Kanal", published_at=old)
        newsroom.publish(title="Neuer Kanal")
        day = timezone.localdate(old)
        response = client.get(search_url(q="Kanal", date_from=str(day), date_to=str(day)))
        assert results_of(response) == ["Alter Kanal"]


class HostileQueryTests:
    def test_queries_of_any_shape_get_an_answer(self, client, newsroom):
        """Quotes, FTS and tsquery operators, SQL, emoji, NUL bytes, lone surrogates, look-alike
        letters and 10 KB of text: never an error, from the page or from search() itself;
        operator characters are read as spaces, so the word is still found."""
        newsroom.publish(title="Der Kanal wird gebaut", body="Eine Brücke auch.\n")
        for query in HOSTILE_QUERIES:
            page = search.search(query)
            assert page.total >= 0
            if "Kanal" in query:
                assert [r.article.title for r in page.results] == ["Der Kanal wird gebaut"], query
            encoded = query.encode("utf-8", "surrogatepass")
            response = client.get("/de/search/", {"q": encoded})
            assert response.status_code == 200, repr(query[:40])

    def test_long_queries_are_cut_and_the_page_says_so(self, client, newsroom):
        """A pasted text is cut to its first words; the page tells the reader."""
        newsroom.publish(title="Der Kanal wird gebaut")
        words = " ".join(f"wort{i}" for i in range(MAX_QUERY_WORDS + 5))
        page = search.search(f"Kanal {words}")
        assert page.query.shortened and len(page.query.words) == MAX_QUERY_WORDS
        response = client.get(search_url(ui="en", q="Kanal " * 3000))
        assert "Your search was long" in response.content.decode()
        assert results_of(response) == ["Der Kanal wird gebaut"]

    def test_query_text_is_never_markup(self, client, newsroom):
        """What was typed comes back escaped in the search box and the title."""
        newsroom.publish(title="Der Kanal wird gebaut")
        payload = '"><script>alert(1)</script><img src=x onerror=alert(2)> Kanal'
        html = client.get(search_url(q=payload)).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        page = Dom(html)
        assert page.find("input", id="id_q")[0][1]["value"] == payload
        assert re.search(r"&lt;script&gt;alert\(1\)", html)

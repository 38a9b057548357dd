"""The parts of search that need no database: reading a query, building the FTS5 expression,
and highlighted excerpts that are escaped before anything is marked."""

import pytest

from newsdesk.discovery.search.documents import plain_body
from newsdesk.discovery.search.excerpts import EXCERPT_CHARS, excerpt, highlight
from newsdesk.discovery.search.sqlite import match_expression
from newsdesk.discovery.search.text import MAX_QUERY_WORDS, parse_query, words


class QueryTests:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ('"Stadtrat" AND NOT (Haushalt*)', ("stadtrat", "and", "not", "haushalt")),
            ("title:Kanal NEAR/2 ^Brücke", ("title", "kanal", "near", "2", "brücke")),
            ("Kanal\x00Brücke\ud800", ("kanal", "brücke")),
            ("🚢 — ", ()),
            ("_ \u0301", ()),
            ("STRASSE Straße", ("strasse",)),
        ],
    )
    def test_any_text_becomes_plain_words(self, raw, expected):
        """Operators, quotes, NUL bytes, lone surrogates and symbols are separators; words
        are case-folded and deduplicated."""
        assert parse_query(raw).words == expected

    def test_long_queries_are_cut(self):
        """10 KB of text keeps its first words and is marked as shortened."""
        query = parse_query(" ".join(f"w{i}" for i in range(5000)))
        assert len(query.words) == MAX_QUERY_WORDS and query.shortened
        assert not parse_query("zwei Wörter").shortened

    def test_decomposed_and_composed_letters_are_one_word(self):
        """An "ä" typed as a + combining diaeresis is the same word as "ä"."""
        assert words("Sta\u0308dte") == words("Städte") == ["städte"]

    def test_each_word_becomes_a_quoted_or_of_its_stems(self):
        """The FTS5 expression is built from quoted stems only: no reader text is syntax."""
        query = parse_query('Räte" OR councils*')
        expression = match_expression(query, {"de", "en"}, every_word=True)
        assert expression == '("rat" OR "räte") AND ("or") AND ("council")'
        assert (
            match_expression(query, {"de"}, every_word=False) == '("rat") OR ("or") OR ("council")'
        )


class ExcerptTests:
    def test_contributor_markup_is_escaped_and_only_mark_is_added(self):
        """Markup in the text comes out as text; the only tags are our <mark> pairs."""
        text = '<script>alert(1)</script> Der Stadtrat "tagt" & <img src=x onerror=alert(2)>'
        html = excerpt(text, parse_query("Stadtrat img").stems_for("de"), "de")
        assert html == (
            "&lt;script&gt;alert(1)&lt;/script&gt; Der <mark>Stadtrat</mark> &quot;tagt&quot; "
            "&amp; &lt;<mark>img</mark> src=x onerror=alert(2)&gt;"
        )

    def test_the_passage_with_most_query_words_is_chosen(self):
        """In a long text the excerpt is the passage holding the most distinct query words,
        cut at word boundaries and marked as cut."""
        filler = "Lorem ipsum dolor sit amet. " * 40
        text = f"{filler}Der Haushalt. {filler}Der Stadtrat beschließt den Haushalt. {filler}"
        html = excerpt(text, parse_query("Stadtrat Haushalt").stems_for("de"), "de")
        assert "<mark>Stadtrat</mark> beschließt den <mark>Haushalt</mark>" in html
        assert html.startswith("… ") and html.endswith(" …")
        assert len(html) < EXCERPT_CHARS + 80

    def test_the_first_passage_with_every_word_wins(self):
        """Once a passage holds every query word the rest of the body is not read: a later
        passage repeating the words more often does not replace it, and a body longer than
        the scanned pieces still gets its only complete passage found far down."""
        filler = "Lorem ipsum dolor sit amet. " * 100
        stems = parse_query("Stadtrat Haushalt").stems_for("de")
        early = f"Der Stadtrat und der Haushalt. {filler}Stadtrat Haushalt Haushalt Stadtrat."
        assert excerpt(early, stems, "de").startswith(
            "Der <mark>Stadtrat</mark> und der <mark>Haushalt</mark>."
        )
        late = f"Der Haushalt. {filler * 3}Am Ende tagt der Stadtrat zum Haushalt. {filler}"
        assert "<mark>Stadtrat</mark> zum <mark>Haushalt</mark>" in excerpt(late, stems, "de")

    def test_words_are_marked_in_their_other_forms(self):
        """German "Stadtrat" marks "STADTRÄTE" and "Stadtrats"; English "council" marks
        "Councils"; a word only starting the same is not marked."""
        stems = parse_query("Stadtrat").stems_for("de")
        assert str(highlight("STADTRÄTE, Stadtrats, Stadtratte", stems, "de")) == (
            "<mark>STADTRÄTE</mark>, <mark>Stadtrats</mark>, Stadtratte"
        )
        assert "<mark>Councils</mark>" in highlight(
            "Councils meet", parse_query("council").stems_for("en"), "en"
        )

    def test_a_heading_is_not_run_into_the_following_text(self):
        body = plain_body("<h2>Der Haushalt</h2>\n<p>Der Stadtrat tagt.</p><h3 >Weiter</H3>")
        assert " ".join(body.split()) == "Der Haushalt · Der Stadtrat tagt. Weiter ·"

    def test_a_text_without_hits_starts_at_its_beginning(self):
        """Found by title or author only: the excerpt is the start of the text."""
        html = excerpt("Erster Satz. Zweiter Satz.", parse_query("Kanal").stems_for("de"), "de")
        assert html == "Erster Satz. Zweiter Satz."

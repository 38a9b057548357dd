"""How Mastodon shows our Article, against a golden string: for an Article (a "converted" type)
it does not show `content`; it builds the status text from the title as a heading, the summary
and a link to `url`, joined by blank lines (ActivityPub::Activity::Create#converted_text), and
clients show that HTML as text. The lead must read as written: no tags, no entities."""

import html
import re
from html.parser import HTMLParser

import pytest

from newsdesk.articles.tests.factories import article
from newsdesk.federation import documents

pytestmark = pytest.mark.django_db


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def mastodon_text(obj: dict) -> str:
    """The plain text Mastodon shows for a non-Note object: `<h2>name</h2>`, the summary,
    the linkified url, joined by blank lines, then read as HTML."""
    name = obj.get("name") or next(iter((obj.get("nameMap") or {}).values()), "")
    summary = obj.get("summary") or next(iter((obj.get("summaryMap") or {}).values()), "")
    url = obj.get("url") or obj["id"]
    link = f'<a href="{html.escape(url)}">{html.escape(url)}</a>'
    parts = [f"<h2>{html.escape(name)}</h2>" if name else None, summary or None, link]
    source = "\n\n".join(p for p in parts if p)
    parser = _Text()
    parser.feed(source)
    parser.close()
    return "".join(parser.parts)


GOLDEN = (
    "Stadtrat beschließt Haushalt: Schulen & Radwege bekommen mehr\n"
    "\n"
    "Nach fünf Stunden Debatte steht der Plan für 2027 – mit „mehr Geld“ für die "
    "Schulen, <b> bleibt Text, und ein Apostroph: it's fine.\n"
    "\n"
    "http://127.0.0.1:8000/de/articles/stadtrat-haushalt/"
)


class MastodonRenderTests:
    def test_an_article_reads_as_title_lead_and_link(self):
        """The demo-like article comes out as its title, its lead and its link: no HTML tags,
        no escaped entities (&amp; or &#x27; showing), nothing cut off."""
        story = article(
            slug="stadtrat-haushalt",
            title="Stadtrat beschließt Haushalt: Schulen & Radwege bekommen mehr",
            lead="Nach fünf Stunden Debatte steht der Plan für 2027 – mit „mehr Geld“ für die "
            "Schulen, <b> bleibt Text, und ein Apostroph: it's fine.",
            body="## Der Plan\n\nEin **langer** Text, den Mastodon nicht zeigt.\n",
        )
        obj = documents.article_object(story, attributed=None)
        text = mastodon_text(obj)
        assert text == GOLDEN
        assert len(text) < 500
        assert not re.search(r"&(#\w+|[a-z]+);", text)
        assert "langer" not in text  # content is not what Mastodon shows

    def test_the_renderer_sees_a_double_escaped_summary(self):
        """The check can fail: a summary escaped twice would show its entities."""
        story = article(slug="doppelt", lead="Geld & Schulen")
        obj = documents.article_object(story, attributed=None)
        obj["summary"] = html.escape(obj["summary"])
        assert "&amp;" in mastodon_text(obj)

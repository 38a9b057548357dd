"""The related block as readers see it: the article page's HTML, from stored neighbour scores."""

import importlib
from html.parser import HTMLParser

import pytest

from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.core import page_cache
from newsdesk.discovery.models import ArticleVector
from newsdesk.discovery.related.backends import TfidfBackend
from newsdesk.discovery.related.queries import BLOCK_SIZE, SAME_LANGUAGE_BONUS

FLOOR = TfidfBackend.related_floor


class RelatedBlock(HTMLParser):
    """The teasers of the page's `aside.related`, in order: lang, href, hreflang, label, title."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.teasers: list[dict] = []
        self._in_aside = self._in_title = self._in_label = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "aside" and "related" in classes:
            self._in_aside = True
        elif not self._in_aside:
            return
        elif tag == "article" and "teaser" in classes:
            self.teasers.append({"lang": attrs.get("lang"), "label": "", "title": ""})
        elif tag == "a" and "teaser-link" in classes:
            self.teasers[-1].update(href=attrs["href"], hreflang=attrs.get("hreflang"))
        elif tag == "h3":
            self._in_title = True
        elif tag == "span" and "language-label" in classes:
            self._in_label = True

    def handle_endtag(self, tag):
        if tag == "aside":
            self._in_aside = False
        elif tag == "h3":
            self._in_title = False
        elif tag == "span":
            self._in_label = False

    def handle_data(self, data):
        if self._in_label:
            self.teasers[-1]["label"] += data
        elif self._in_title:
            self.teasers[-1]["title"] += data


def written(title: str, *, author, language: str = "de", **fields):
    """A published article in a section of its own (no fill-up by section or tags)."""
    fields.setdefault("section", SectionFactory())
    return article(title=title, language=language, author=author, **fields)


def neighbours(of, scored: dict) -> None:
    """Stores `of`'s neighbour list as update_article would have: best first, with scores."""
    ranked = sorted(scored.items(), key=lambda kv: -kv[1])
    ArticleVector.objects.create(
        article=of,
        model=TfidfBackend.name,
        vector=b"",
        dim=0,
        text_hash="0" * 64,
        neighbours=[[created.pk, score] for created, score in ranked],
    )


def block_of(client, page) -> list[dict]:
    page_cache.clear()
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    return RelatedBlock(response.content.decode()).teasers


@pytest.mark.django_db
@pytest.mark.usefixtures("tfidf")
class RelatedBlockTests:
    def test_a_closer_article_in_another_language_is_shown_and_labelled(self, client, author):
        """With six close German neighbours, the English one that is closer still than they
        are is in the German page's block of five, labelled "English" (lang and hreflang en);
        the German ones have no label, and the weakest German one is left out."""
        page = written("Hauptartikel", author=author)
        german = [written(f"Deutscher Nachbar {n}", author=author) for n in range(6)]
        english = written("English neighbour", author=author, language="en")
        neighbours(page, {english: 0.60, **{g: 0.50 - n / 100 for n, g in enumerate(german)}})
        shown = block_of(client, page)
        assert [t["title"].strip() for t in shown] == [
            "English neighbour",
            *(f"Deutscher Nachbar {n}" for n in range(BLOCK_SIZE - 1)),
        ]
        first = shown[0]
        assert (first["label"], first["lang"], first["hreflang"]) == ("English", "en", "en")
        assert first["href"] == english.get_absolute_url()
        assert all((t["label"], t["lang"], t["hreflang"]) == ("", "de", None) for t in shown[1:])

    def test_the_reader_language_wins_only_between_about_equal_scores(self, client, author):
        """An English neighbour less than SAME_LANGUAGE_BONUS ahead of a German one comes after
        it on the German page; one further ahead comes before it."""
        page = written("Hauptartikel", author=author)
        german = written("Deutscher Nachbar", author=author)
        slightly = written("Slightly closer", author=author, language="en")
        clearly = written("Clearly closer", author=author, language="en")
        neighbours(
            page,
            {
                german: 0.40,
                slightly: 0.40 + SAME_LANGUAGE_BONUS / 2,
                clearly: 0.40 + SAME_LANGUAGE_BONUS * 2,
            },
        )
        titles = [t["title"].strip() for t in block_of(client, page)]
        assert titles == ["Clearly closer", "Deutscher Nachbar", "Slightly closer"]

    def test_a_neighbour_under_the_floor_is_not_shown(self, client, author):
        """A stored neighbour scoring under the backend's floor is not related enough: the
        block shows only the one above it (nothing shares a section or tag to fill up)."""
        page = written("Hauptartikel", author=author)
        close = written("Naher Artikel", author=author)
        far = written("Far away", author=author, language="en")
        neighbours(page, {close: FLOOR + 0.01, far: FLOOR - 0.01})
        assert [t["title"].strip() for t in block_of(client, page)] == ["Naher Artikel"]

    def test_section_and_tags_fill_up_after_the_close_neighbours(self, client, author):
        """Articles sharing the section or a tag come after the neighbours above the floor,
        labelled too when in another language."""
        tag = TagFactory()
        page = written("Hauptartikel", author=author, tags=[tag])
        close = written("Naher Artikel", author=author)
        by_tag = written("Same tag", author=author, language="en", tags=[tag])
        neighbours(page, {close: FLOOR + 0.2})
        shown = block_of(client, page)
        assert [(t["title"].strip(), t["label"]) for t in shown] == [
            ("Naher Artikel", ""),
            ("Same tag", "English"),
        ]
        assert shown[1]["href"] == by_tag.get_absolute_url()


@pytest.mark.django_db
class NeighbourScoreMigrationTests:
    def test_stored_cosines_take_the_language_gap_across_languages(self, author):
        """Migration 0005 adds the embedding's gap to the stored scores of neighbours in
        another language than the list's article (de-AT counts as de), re-sorts the list, and
        takes it away again backwards; TF-IDF lists are left alone."""
        from django.apps import apps

        migration = importlib.import_module(
            "newsdesk.discovery.migrations.0005_neighbour_scores_language_gap"
        )
        page = written("Hauptartikel", author=author, language="de-AT")
        german = written("Deutscher Nachbar", author=author)
        english = written("English neighbour", author=author, language="en")
        lexical = written("Lexikalisch", author=author)
        row = ArticleVector.objects.create(
            article=page,
            model="e5-small-q4",
            vector=b"",
            dim=0,
            text_hash="0" * 64,
            neighbours=[[german.pk, 0.85], [english.pk, 0.81]],
        )
        neighbours(lexical, {english: 0.3})
        migration.forwards(apps, None)
        row.refresh_from_db()
        assert row.neighbours == [[english.pk, 0.87], [german.pk, 0.85]]
        assert ArticleVector.objects.get(article=lexical).neighbours == [[english.pk, 0.3]]
        migration.backwards(apps, None)
        row.refresh_from_db()
        assert row.neighbours == [[german.pk, 0.85], [english.pk, 0.81]]

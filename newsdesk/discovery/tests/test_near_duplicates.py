import os
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import article
from newsdesk.discovery import near_duplicates
from newsdesk.discovery.duplicate_index import index_article
from newsdesk.discovery.near_duplicates import (
    BANDS,
    DUPLICATE_THRESHOLD,
    MAX_PASSAGES,
    OPEN_STATES,
    PASSAGE_CHARS,
    band_lookup_sql,
    find_near_duplicates,
    signature_of,
    similarity_between,
)
from newsdesk.discovery.tests.texts import BUDGET, BUDGET_ELSEWHERE, NEW_PARAGRAPHS
from newsdesk.editorial.actions import unpublish_article


def near_copy_of(text: str) -> str:
    """A few words changed, the sections in another order, about 30 % new text at the end."""
    edited = (
        text.replace("shortly after midnight", "just after midnight")
        .replace("Forty-one members", "Forty-one councillors")
        .replace("three percent", "3 percent")
        .replace("remains free", "stays free")
    )
    intro, changes, next_steps = edited.split("\n## ")[0], *edited.split("\n## ")[1:]
    return "\n## ".join([intro, next_steps, changes]) + "\n" + NEW_PARAGRAPHS


def indexed(**fields) -> Article:
    created = article(**fields)
    index_article(created)
    return created


@pytest.mark.django_db
class FindNearDuplicatesTests:
    def test_exact_copy_is_found(self):
        """A verbatim copy of a published article matches it completely and fails the check."""
        original = indexed(body=BUDGET)
        indexed(body=BUDGET_ELSEWHERE, title="Council passes spending plan")
        [match] = find_near_duplicates(BUDGET)
        assert match.article == original
        assert match.similarity == match.containment == 1.0
        assert match.is_duplicate

    def test_near_copy_is_found_with_its_passages(self):
        """Edited words, reordered sections and new paragraphs still fail, with what overlaps."""
        original = indexed(body=BUDGET)
        submission = near_copy_of(BUDGET)
        [match] = find_near_duplicates(submission)
        assert match.article == original
        assert match.containment >= DUPLICATE_THRESHOLD
        assert match.similarity < match.containment  # the new paragraphs count against Jaccard
        assert 1 <= len(match.passages) <= MAX_PASSAGES
        assert all(len(p) <= PASSAGE_CHARS + 2 for p in match.passages)
        joined = " ".join(match.passages)
        assert "The library keeps its extended opening hours" in joined
        assert "Traders at the Saturday market" not in joined  # new text is not an overlap

    def test_unrelated_text_on_the_same_topic_is_not_flagged(self):
        """Two council budget stories share words, not passages: no match."""
        indexed(body=BUDGET)
        assert find_near_duplicates(BUDGET_ELSEWHERE) == []

    def test_articles_that_are_not_public_are_not_matched(self):
        """A draft never matches, nor does an article unpublished after it was indexed."""
        draft = indexed(body=BUDGET, published=False)
        assert draft.status == Article.Status.DRAFT
        assert find_near_duplicates(BUDGET) == []
        published = indexed(body=BUDGET, title="Budget again")
        unpublish_article(article=published, by=published.author)
        assert find_near_duplicates(BUDGET) == []

    @pytest.mark.skipif(not OPEN_STATES, reason="no open submission states yet")
    def test_open_submissions_are_matched(self):
        """Two contributors submitting the same text: the second sees the first's submission."""
        submitted = indexed(body=BUDGET, published=False)
        Article.objects.filter(pk=submitted.pk).update(status=sorted(OPEN_STATES)[0])
        [match] = find_near_duplicates(BUDGET)
        assert match.article.pk == submitted.pk

    def test_exclude_ids_leaves_out_the_article_itself(self):
        """An article checked again is not its own duplicate."""
        original = indexed(body=BUDGET)
        assert find_near_duplicates(BUDGET, exclude_ids=[original.pk]) == []

    def test_candidates_qs_restricts_the_candidates(self):
        """A caller may compare with fewer articles, here only the public ones."""
        original = indexed(body=BUDGET)
        assert find_near_duplicates(BUDGET, candidates_qs=Article.objects.none()) == []
        [match] = find_near_duplicates(BUDGET, candidates_qs=Article.objects.all())
        assert match.article == original

    def test_text_without_words_has_no_matches(self):
        """Empty or punctuation-only text is no one's duplicate, and is not indexed."""
        assert find_near_duplicates("") == []
        assert find_near_duplicates("--- ***") == []
        assert signature_of("...") is None

    def test_the_lookup_is_two_queries_the_band_lookup_one(self):
        """The band lookup is one query of OR'd (band, hash) terms; the articles come in one more."""
        for n in range(3):
            indexed(body=BUDGET, title=f"Budget {n}")
        with CaptureQueriesContext(connection) as queries:
            matches = find_near_duplicates(BUDGET)
        assert len(matches) == 3
        assert len(queries) == 2
        band_query = queries[0]["sql"]
        assert band_query.count('("band" = ') == BANDS
        assert " OR " in band_query
        with CaptureQueriesContext(connection) as queries:
            assert find_near_duplicates(NEW_PARAGRAPHS) == []
        assert len(queries) == 1

    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
    def test_band_lookup_uses_the_band_index(self):
        """SQLite answers the band terms from the (band, hash) index, not by scanning."""
        indexed(body=BUDGET)
        sql, params = band_lookup_sql(signature_of(BUDGET), exclude_ids=[1])
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
        assert "discovery_band_hash" in plan
        assert "USING INDEX" in plan or "USING COVERING INDEX" in plan
        assert "SCAN discovery_duplicateband" not in plan


class SignatureTests:
    def test_signatures_are_the_same_in_another_process(self):
        """Signatures and band hashes do not depend on the process (hash seed) that made them."""
        here = signature_of(BUDGET)
        script = (
            "import django, sys; django.setup();"
            "from newsdesk.discovery.near_duplicates import signature_of;"
            "s = signature_of(sys.stdin.read());"
            "print(s.to_bytes().hex()); print(s.band_hashes())"
        )
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsdesk.settings", "PYTHONHASHSEED": "7"}
        out = subprocess.run(
            [sys.executable, "-c", script],
            input=BUDGET,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout.splitlines()
        assert out == [here.to_bytes().hex(), str(here.band_hashes())]
        assert signature_of(BUDGET).to_bytes() == here.to_bytes()


class SimilarityBetweenTests:
    def test_a_pasted_original_is_compared_with_an_article(self):
        """Containment of the first text in the second, with the shared passages."""
        similarity, passages = similarity_between(near_copy_of(BUDGET), BUDGET)
        assert similarity >= DUPLICATE_THRESHOLD
        assert any("The regional authority has to confirm the budget" in p for p in passages)
        assert similarity_between(BUDGET_ELSEWHERE, BUDGET) == (0.0, [])

    def test_long_passages_are_trimmed(self):
        """A long shared stretch is cut to PASSAGE_CHARS, at a word boundary."""
        _similarity, passages = similarity_between(BUDGET, BUDGET)
        assert len(passages) == 1
        assert passages[0].endswith(" …")
        assert len(passages[0]) <= PASSAGE_CHARS + 2
        assert passages[0].startswith("A budget after a long night The city council")

    def test_markdown_and_case_do_not_matter(self):
        """Headings, emphasis and capitals are stripped before comparing."""
        shouted = BUDGET.upper().replace("THE LIBRARY", "**THE LIBRARY**")
        similarity, _passages = similarity_between(shouted, BUDGET)
        assert similarity == 1.0


def test_open_states_are_the_review_states():
    """Open submissions are every state but draft and the closed ones, whatever editorial adds."""
    assert not OPEN_STATES & near_duplicates.CLOSED_STATES
    assert OPEN_STATES <= set(Article.Status.values)

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import article
from newsdesk.discovery.duplicate_index import index_article, rebuild_index
from newsdesk.discovery.models import DuplicateBand, DuplicateSignature
from newsdesk.discovery.near_duplicates import BANDS, NUM_PERM, find_near_duplicates
from newsdesk.discovery.tasks import index_article_task
from newsdesk.discovery.tests.texts import BUDGET, BUDGET_ELSEWHERE, NEW_PARAGRAPHS
from newsdesk.editorial.actions import unpublish_article


def indexed(**fields) -> Article:
    created = article(**fields)
    index_article(created)
    return created


def band_index_exists() -> bool:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, DuplicateBand._meta.db_table)
    return constraints.get("discovery_band_hash", {}).get("columns") == ["band", "hash"]


def index_contents() -> tuple[list, list]:
    return (
        list(
            DuplicateSignature.objects.order_by("article_id").values_list(
                "article_id", "signature", "shingle_count"
            )
        ),
        list(
            DuplicateBand.objects.order_by("article_id", "band").values_list(
                "article_id", "band", "hash"
            )
        ),
    )


@pytest.mark.django_db
class IndexArticleTests:
    def test_index_article_writes_one_signature_and_every_band(self):
        """An article has one signature of NUM_PERM values and BANDS band rows, replaced on edit."""
        original = indexed(body=BUDGET)
        signature = DuplicateSignature.objects.get(article=original)
        assert len(bytes(signature.signature)) == NUM_PERM * 4
        assert DuplicateBand.objects.filter(article=original).count() == BANDS
        original.body = BUDGET_ELSEWHERE
        index_article(original)
        assert DuplicateSignature.objects.filter(article=original).count() == 1
        assert DuplicateBand.objects.filter(article=original).count() == BANDS
        assert find_near_duplicates(BUDGET) == []

    def test_task_indexes_public_articles_and_removes_the_others(self):
        """The background task follows the article's state: indexed when public, else removed."""
        original = article(body=BUDGET)
        index_article_task(original.pk)
        assert DuplicateSignature.objects.filter(article=original).exists()
        unpublish_article(article=original, by=original.author)
        index_article_task(original.pk)
        assert not DuplicateSignature.objects.filter(article=original).exists()
        assert not DuplicateBand.objects.filter(article=original).exists()

    def test_task_for_a_deleted_article_does_nothing(self):
        """An article deleted before the task ran leaves nothing behind and raises nothing."""
        index_article_task(123456)
        assert not DuplicateSignature.objects.exists()


@pytest.mark.django_db
class RebuildTests:
    def test_rebuild_command_indexes_public_articles_only(self):
        """`newsdesk rebuild_duplicate_index` indexes what is public, drops what no longer is."""
        published = article(body=BUDGET)
        article(body=BUDGET_ELSEWHERE, title="Draft", published=False)
        gone = indexed(body=NEW_PARAGRAPHS, title="Gone")
        Article.objects.filter(pk=gone.pk).update(status=Article.Status.UNPUBLISHED)
        out = StringIO()
        call_command("rebuild_duplicate_index", stdout=out)
        assert out.getvalue().strip() == "indexed 1 article(s)"
        assert list(DuplicateSignature.objects.values_list("article_id", flat=True)) == [
            published.pk
        ]
        assert set(DuplicateBand.objects.values_list("article_id", flat=True)) == {published.pk}
        [match] = find_near_duplicates(BUDGET)
        assert match.article == published
        assert band_index_exists()

    def test_rebuild_reports_progress_per_batch(self):
        """rebuild_index works in batches and says how far it got after each."""
        for n in range(3):
            article(body=f"{BUDGET}\n\nUpdate number {n}.", title=f"Budget {n}")
        seen = []
        assert rebuild_index(batch_size=2, progress=seen.append) == 3
        assert seen == [2, 3]
        assert DuplicateBand.objects.count() == 3 * BANDS

    def test_a_fresh_build_ends_with_the_band_index(self):
        """An empty index is filled first and indexed after; the (band, hash) index is there."""
        article(body=BUDGET)
        assert rebuild_index() == 1
        assert band_index_exists()
        assert find_near_duplicates(BUDGET)

    def test_several_processes_write_the_same_index(self):
        """Hashing in two processes gives exactly what one process gives."""
        for n in range(5):
            article(body=f"{BUDGET}\n\nUpdate number {n}.", title=f"Budget {n}")
        article(body=BUDGET_ELSEWHERE, title="Elsewhere")
        assert rebuild_index(batch_size=4) == 6
        one_process = index_contents()
        DuplicateBand.objects.all().delete()
        DuplicateSignature.objects.all().delete()
        assert rebuild_index(batch_size=4, processes=2) == 6
        assert index_contents() == one_process

    def test_a_second_rebuild_rewrites_only_what_changed(self):
        """Unchanged texts keep their rows; an edited text gets new ones."""
        kept = indexed(body=BUDGET)
        edited = indexed(body=BUDGET_ELSEWHERE, title="Elsewhere")
        kept_rows = list(DuplicateBand.objects.filter(article=kept).values_list("pk", flat=True))
        Article.objects.filter(pk=edited.pk).update(body=NEW_PARAGRAPHS)
        assert rebuild_index() == 2
        assert list(DuplicateBand.objects.filter(article=kept).values_list("pk", flat=True)) == (
            kept_rows
        )
        [match] = find_near_duplicates(NEW_PARAGRAPHS)
        assert match.article == edited

    def test_a_rebuild_repairs_a_missing_band_index(self):
        """A build stopped half-way (index dropped, rows in) is repaired by the next rebuild."""
        indexed(body=BUDGET)
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX discovery_band_hash")
        assert not band_index_exists()
        rebuild_index()
        assert band_index_exists()

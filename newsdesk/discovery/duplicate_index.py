"""Writing the near-duplicate index: one article (after a state change), or all of them.

What is stored, and how it is searched, is in `near_duplicates`.
"""

import contextlib
import itertools
import multiprocessing
import types
from collections.abc import Callable, Iterable

from django.db import connection, connections, transaction

from newsdesk.articles.models import Article
from newsdesk.discovery.models import DuplicateBand, DuplicateSignature
from newsdesk.discovery.near_duplicates import eligible_articles, signature_of


def index_rows(article_id: int, text: str) -> tuple[tuple, list[tuple]] | None:
    """The signature row and band rows of one text, as plain tuples (for bulk writers)."""
    signature = signature_of(text)
    if signature is None:
        return None
    return (
        (article_id, signature.to_bytes(), signature.shingle_count),
        [(article_id, band, value) for band, value in enumerate(signature.band_hashes())],
    )


def index_article(article: Article) -> None:
    """Writes (or replaces) the article's signature and bands; a body without words is removed."""
    row = index_rows(article.pk, article.body)
    write_index_rows([article.pk], [row] if row else [])


def remove_article(article_id: int) -> None:
    write_index_rows([article_id], [])


def write_index_rows(article_ids: Iterable[int], rows: Iterable[tuple[tuple, list[tuple]]]):
    """Replaces the index entries of `article_ids` by `rows` (from `index_rows`) in one
    transaction, with executemany: no model objects, as a rebuild writes millions of rows."""
    article_ids, rows = list(article_ids), list(rows)
    with transaction.atomic():
        DuplicateBand.objects.filter(article_id__in=article_ids).delete()
        DuplicateSignature.objects.filter(article_id__in=article_ids).delete()
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {DuplicateSignature._meta.db_table} "  # noqa: S608
                "(article_id, signature, shingle_count, updated_at) "
                "VALUES (%s, %s, %s, CURRENT_TIMESTAMP)",
                [signature_row for signature_row, _bands in rows],
            )
            cursor.executemany(
                f"INSERT INTO {DuplicateBand._meta.db_table} "  # noqa: S608
                "(article_id, band, hash) VALUES (%s, %s, %s)",
                [band_row for _signature, band_rows in rows for band_row in band_rows],
            )


def rebuild_index(
    *,
    batch_size: int = 500,
    processes: int = 1,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Indexes every public article and open submission again; returns how many were indexed.

    Works batch by batch, so the index keeps answering while it is rebuilt, and rewrites only
    the entries whose text changed; entries of articles no longer eligible are dropped at the
    end. Into an empty index the rows go first and the (band, hash) index is built after them:
    inserting random keys into a large B-tree rewrites much of it on every commit (bench:
    202 s instead of 126 s for 100,000 articles). `processes` > 1 hashes in forked processes.
    """
    fresh = not DuplicateBand.objects.exists()
    _execute(_DROP_BAND_INDEX if fresh else _CREATE_BAND_INDEX)
    try:
        indexed = _index_eligible(batch_size=batch_size, processes=processes, progress=progress)
    finally:
        if fresh:
            _execute(_CREATE_BAND_INDEX)
    eligible_pks = eligible_articles().values("pk")
    DuplicateBand.objects.exclude(article_id__in=eligible_pks).delete()
    DuplicateSignature.objects.exclude(article_id__in=eligible_pks).delete()
    return indexed


# DuplicateBand.Meta's index, as its migration creates it; IF [NOT] EXISTS, so that a rebuild
# stopped half-way is repaired by the next one.
_BAND_INDEX = DuplicateBand._meta.indexes[0]
_DROP_BAND_INDEX = f"DROP INDEX IF EXISTS {_BAND_INDEX.name}"
_CREATE_BAND_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {_BAND_INDEX.name} "
    f"ON {DuplicateBand._meta.db_table} ({', '.join(_BAND_INDEX.fields)})"
)


def _execute(ddl: str) -> None:
    if connection.vendor == "postgresql":
        # Inside a transaction that wrote bands (a test), PostgreSQL refuses index DDL while the
        # deferred foreign key checks are pending: run them now.
        connection.check_constraints()
    with connection.cursor() as cursor:
        cursor.execute(ddl)


def _index_eligible(*, batch_size: int, processes: int, progress) -> int:
    eligible = eligible_articles().select_related(None).order_by("pk")

    def batches():
        last_pk = 0
        while batch := list(eligible.filter(pk__gt=last_pk).values_list("pk", "body")[:batch_size]):
            last_pk = batch[-1][0]
            yield batch

    def write(batch, rows) -> int:
        rows = [row for row in rows if row is not None]
        stored = dict(
            DuplicateSignature.objects.filter(article_id__in=[pk for pk, _ in batch]).values_list(
                "article_id", "signature"
            )
        )
        unchanged = {sig[0] for sig, _bands in rows if bytes(stored.get(sig[0], b"")) == sig[1]}
        write_index_rows(
            [pk for pk, _body in batch if pk not in unchanged],
            [row for row in rows if row[0][0] not in unchanged],
        )
        return len(rows)

    if processes > 1:
        if not connection.in_atomic_block:
            connections.close_all()  # the children must not share this process's connections
        pool = multiprocessing.get_context("fork").Pool(processes)
    else:
        pool = contextlib.nullcontext(_InlinePool())
    indexed, pending = 0, None
    with pool as workers:
        # The pool hashes a batch while this process writes the one before.
        for batch in itertools.chain(batches(), [None]):
            hashing = batch and workers.map_async(_index_rows, batch, max(1, batch_size // 20))
            if pending is not None:
                indexed += write(pending[0], pending[1].get())
                if progress is not None:
                    progress(indexed)
            pending = batch and (batch, hashing)
    return indexed


def _index_rows(item: tuple[int, str]):
    return index_rows(*item)


class _InlinePool:
    """multiprocessing.Pool's map_async, done at once in this process."""

    def map_async(self, function, items, chunksize=None):
        results = [function(item) for item in items]
        return types.SimpleNamespace(get=lambda: results)

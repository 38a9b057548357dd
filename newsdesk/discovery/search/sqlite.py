"""The embedded backend: SQLite FTS5 over words stemmed in Python.

FTS5 stems only English (porter), so documents are stemmed here in their own language
(PyStemmer's Snowball) and stored as stemmed words in an FTS5 table whose tokenizer only
splits and folds diacritics. A query word becomes the OR of its stems in every candidate
language, each quoted: nothing a reader types is ever read as FTS5 syntax.
"""

from __future__ import annotations

from django.db import connection, transaction

from newsdesk.discovery.search.backend import (
    DOCUMENT_TABLE,
    FTS_TABLE,
    MAX_COUNT,
    Found,
    SearchFilters,
    filter_sql,
)
from newsdesk.discovery.search.documents import Document
from newsdesk.discovery.search.text import Query, stems, words

# bm25 weights of the FTS5 columns (title, lead, meta, body): a title hit outranks body hits.
WEIGHTS = (10.0, 4.0, 4.0, 1.0)
# Ranking costs about 4 µs a hit; a query whose words are in most articles ranks only its
# newest RANK_WINDOW hits (by id, which grows with time): about 5 ms of ranking at most.
RANK_WINDOW = 1000


def _stemmed(text: str, language: str) -> str:
    return " ".join(stems(words(text), language))


def write(documents: list[Document]) -> None:
    ids = [(d.article_id,) for d in documents]
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        _delete(cursor, ids)
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, lead, meta, body) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s)",
            [
                (
                    d.article_id,
                    _stemmed(d.title, d.language),
                    _stemmed(d.lead, d.language),
                    _stemmed(d.meta, d.language),
                    _stemmed(d.body, d.language),
                )
                for d in documents
            ],
        )
        cursor.executemany(
            f"INSERT INTO {DOCUMENT_TABLE} "  # noqa: S608
            "(article_id, language, section_id, author_id, kind, published_at) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [
                (
                    d.article_id,
                    d.language,
                    d.section_id,
                    d.author_id,
                    d.kind,
                    adapt(d.published_at),
                )
                for d in documents
            ],
        )


def remove(article_ids: list[int]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        _delete(cursor, [(pk,) for pk in article_ids])


def clear() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
        cursor.execute(f"DELETE FROM {DOCUMENT_TABLE}")  # noqa: S608


def indexed_ids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT article_id FROM {DOCUMENT_TABLE}")  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def _delete(cursor, ids: list[tuple[int]]) -> None:
    cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", ids)  # noqa: S608
    cursor.executemany(f"DELETE FROM {DOCUMENT_TABLE} WHERE article_id = %s", ids)  # noqa: S608


def match_expression(query: Query, languages: set[str], *, every_word: bool) -> str:
    """An FTS5 MATCH expression built only from quoted stems (words are `\\w+`)."""
    groups = []
    for variants in query.variants(languages):
        quoted = " OR ".join('"{}"'.format(v.replace('"', '""')) for v in sorted(variants))
        groups.append(f"({quoted})")
    return (" AND " if every_word else " OR ").join(groups)


def find(
    query: Query,
    *,
    languages: set[str],
    filters: SearchFilters,
    every_word: bool,
    offset: int,
    limit: int,
) -> Found:
    expression = match_expression(query, languages, every_word=every_word)
    conditions, params = filter_sql(filters)
    # The document table only when a filter needs its columns: a join costs per hit.
    # (FTS5 auxiliary functions need the table's own name: no alias.)
    source, rowid = FTS_TABLE, f"{FTS_TABLE}.rowid"
    if filters.any:
        source += f" JOIN {DOCUMENT_TABLE} d ON d.article_id = {rowid}"
    where = f"{FTS_TABLE} MATCH %s{conditions}"
    args = [expression, *params]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {source} WHERE {where} LIMIT %s)",  # noqa: S608
            [*args, MAX_COUNT + 1],
        )
        total = cursor.fetchone()[0]
        if total == 0:
            return Found(ids=[], total=0, more=False)
        oldest = 0
        if total > RANK_WINDOW:
            cursor.execute(
                f"SELECT {rowid} FROM {source} WHERE {where} "  # noqa: S608
                f"ORDER BY {rowid} DESC LIMIT 1 OFFSET %s",
                [*args, RANK_WINDOW - 1],
            )
            oldest = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT {rowid} FROM {source} WHERE {where} AND {rowid} >= %s "  # noqa: S608
            f"ORDER BY bm25({FTS_TABLE}, {', '.join(map(str, WEIGHTS))}), {rowid} DESC "
            "LIMIT %s OFFSET %s",
            [*args, oldest, limit, offset],
        )
        ids = [row[0] for row in cursor.fetchall()]
    return Found(ids=ids, total=min(total, MAX_COUNT), more=total > MAX_COUNT)

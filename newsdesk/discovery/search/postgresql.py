"""The production backend: PostgreSQL full-text search with each article's own configuration.

Each document row holds a weighted tsvector made with its language's text search configuration
(`german`, `english`, ..., `simple` for a language PostgreSQL does not stem). A query's
language is unknown, so it is made by `plainto_tsquery` (plain text, never query syntax) in
every configuration the index holds, and a document matches when any of them matches it:

    ( 'stadtrat' & 'haushalt' ) | ( 'stadtrat' & 'haushalt' )

(German stem, English stem; asked as 'stadtrat' & 'haushalt' where the stems agree, see
`_every_word`). Each configuration drops its own stop words. One GIN index
answers it, in one pass that gives the count and the candidates; only the newest hits are
read for ranking.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import connection, transaction

from newsdesk.discovery.search.backend import (
    DOCUMENT_TABLE,
    MAX_COUNT,
    Found,
    SearchFilters,
    filter_sql,
)
from newsdesk.discovery.search.documents import Document
from newsdesk.discovery.search.text import Query, fold, snowball_name

# Ranking reads each candidate's tsvector from TOAST (about 10 µs each): a query whose words
# are in most articles ranks only its newest RANK_WINDOW hits (by id, which grows with time).
RANK_WINDOW = 300
# ts_rank's default weights {D, C, B, A} = {0.1, 0.2, 0.4, 1.0}: title A, lead and meta B,
# body D, as the SQLite backend's bm25 weights 10, 4, 4, 1.
_VECTOR = (
    "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
    "setweight(to_tsvector(%s::regconfig, %s), 'B') || "
    "setweight(to_tsvector(%s::regconfig, %s), 'B') || "
    "setweight(to_tsvector(%s::regconfig, %s), 'D')"
)


# Configurations whose text (and query words) lose their diacritics before PostgreSQL reads
# them, as SQLite's index does: their stemmers give the same stems without them ("café" is
# "café" to `english` and would not match "cafe"). Other languages' stemmers read their accents
# (French "publiée" and "publié" stem apart once folded), so their text is left as written.
FOLDED_CONFIGURATIONS = frozenset({"simple", "english", "german"})


@lru_cache(maxsize=1)
def _installed_configurations() -> frozenset[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cfgname FROM pg_ts_config")
        return frozenset(row[0] for row in cursor.fetchall())


def configuration(language: str) -> str:
    name = snowball_name(language)
    return name if name in _installed_configurations() else "simple"


def write(documents: list[Document]) -> None:
    adapt = connection.ops.adapt_datetimefield_value
    rows = []
    for d in documents:
        config = configuration(d.language)
        text = fold if config in FOLDED_CONFIGURATIONS else str
        rows.append(
            (d.article_id, d.language, d.section_id, d.author_id, d.kind)
            + (adapt(d.published_at), config)
            + (config, text(d.title), config, text(d.lead), config, text(d.meta))
            + (config, text(d.body))
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {DOCUMENT_TABLE} "  # noqa: S608
            "(article_id, language, section_id, author_id, kind, published_at, config, vector) "
            f"VALUES (%s, %s, %s, %s, %s, %s, %s, {_VECTOR}) "
            "ON CONFLICT (article_id) DO UPDATE SET language = EXCLUDED.language, "
            "section_id = EXCLUDED.section_id, author_id = EXCLUDED.author_id, "
            "kind = EXCLUDED.kind, published_at = EXCLUDED.published_at, "
            "config = EXCLUDED.config, vector = EXCLUDED.vector",
            rows,
        )


def remove(article_ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {DOCUMENT_TABLE} WHERE article_id = ANY(%s)",  # noqa: S608
            [list(article_ids)],
        )


def clear() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {DOCUMENT_TABLE}")  # noqa: S608


def indexed_ids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT article_id FROM {DOCUMENT_TABLE}")  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def tsqueries(query: Query, languages: set[str], *, every_word: bool) -> tuple[str, str]:
    """The match query (the words as each configuration reads them) and the ranking query
    (any of them), as tsquery text made by PostgreSQL itself from the plain words."""
    configs = sorted({configuration(language) for language in languages})
    words = list(query.words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c, w.i, plainto_tsquery(c::regconfig, "
            "CASE WHEN c = ANY(%s) THEN w.folded ELSE w.word END)::text "
            "FROM unnest(%s::text[]) AS c, "
            "unnest(%s::text[], %s::text[]) WITH ORDINALITY AS w(word, folded, i) "
            "ORDER BY c, w.i",
            [sorted(FOLDED_CONFIGURATIONS), configs, words, [fold(w) for w in words]],
        )
        rows = cursor.fetchall()
    by_config: dict[str, list[str]] = {}
    for config, _i, text in rows:
        if text:  # a stop word in this language: left out, as PostgreSQL does
            by_config.setdefault(config, []).append(f"( {text} )")
    # Configurations that read every word alike make the same group: it is asked once.
    groups = list(dict.fromkeys(tuple(parts) for parts in by_config.values()))
    if not groups:  # stop words only
        return "", ""
    # ts_rank counts each lexeme once whatever the query repeats: so does the ranking query.
    rank = " | ".join(dict.fromkeys(part for parts in groups for part in parts))
    return (_every_word(groups) if every_word else rank), rank


def _every_word(groups: list[tuple[str, ...]]) -> str:
    """(a & b) | (a & c) as a & (b | c): the same documents, but the index reads each
    posting list once and tests a smaller query for each of them."""
    shared = [part for part in groups[0] if all(part in group for group in groups[1:])]
    rest = [[part for part in group if part not in shared] for group in groups]
    if any(not parts for parts in rest):  # a group is all shared words: it decides alone
        return " & ".join(shared)
    either = " | ".join(f"( {' & '.join(parts)} )" for parts in rest)
    return " & ".join([*shared, f"( {either} )"])


# One pass over the index for a search: every hit's id is read once (GIN, then the narrow
# heap rows, never the vectors), which gives the count and the newest RANK_WINDOW hits; only
# those are read from TOAST to be ranked. (Counting and choosing the candidates separately
# read the index twice, and the planner, pricing `@@` as cheap, could pick the id range of
# the newest articles first and test thousands of vectors read from TOAST.)
_FIND = (
    "WITH hits AS MATERIALIZED ("
    "SELECT d.article_id FROM {table} d WHERE d.vector @@ %s::tsquery{conditions}), "
    "newest AS MATERIALIZED (SELECT article_id FROM hits ORDER BY article_id DESC LIMIT %s) "
    "SELECT (SELECT count(*) FROM hits), ARRAY("
    "SELECT d.article_id FROM {table} d WHERE d.article_id IN (SELECT article_id FROM newest) "
    "ORDER BY ts_rank(d.vector, %s::tsquery) DESC, d.article_id DESC LIMIT %s OFFSET %s)"
)


def find(
    query: Query,
    *,
    languages: set[str],
    filters: SearchFilters,
    every_word: bool,
    offset: int,
    limit: int,
) -> Found:
    match, rank = tsqueries(query, languages, every_word=every_word)
    if not match:
        return Found(ids=[], total=0, more=False)
    conditions, params = filter_sql(filters)
    sql = _FIND.format(table=DOCUMENT_TABLE, conditions=conditions)
    # The setting below lasts until the end of the transaction: an outer one gets it back.
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner prices `@@` as cheap and may prefer a sequential scan that reads every
        # article's vector from TOAST (300 ms and more at 100,000 articles); the GIN index is
        # always the better way in, so only it is allowed here.
        cursor.execute(
            "SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)"
        )
        previous = cursor.fetchone()[0]
        cursor.execute(sql, [match, *params, RANK_WINDOW, rank, limit, offset])
        total, ids = cursor.fetchone()
        if nested:
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
    return Found(ids=list(ids), total=min(total, MAX_COUNT), more=total > MAX_COUNT)

"""What both index backends share: the tables' names, filters as SQL, and the answer shape.

The index is two plain tables written with SQL (no Django model): a narrow
`discovery_search_document` row per indexed article with the columns filters use, and the
text index itself (an FTS5 table on SQLite, a tsvector column of the same row on PostgreSQL).
Migration 0003 creates them for the database in use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection

DOCUMENT_TABLE = "discovery_search_document"
FTS_TABLE = "discovery_search_fts"
# A count stops here ("more than 10,000 results"): on SQLite, counting every hit of a word in
# most articles costs more than the whole rest of a search. (PostgreSQL reads every hit's id
# anyway to find the newest ones, see postgresql._FIND, and only caps what it reports.)
MAX_COUNT = 10_000
# The languages in the index, cached: every query is stemmed for each of them.
LANGUAGES_CACHE_KEY = "discovery:search:languages"
LANGUAGES_CACHE_SECONDS = 600


@dataclass(frozen=True)
class SearchFilters:
    section_id: int | None = None
    author_id: int | None = None
    # A primary language subtag: "de" also finds "de-AT".
    language: str | None = None
    kind: str | None = None
    # Published at or after `published_from`, and before `published_before`.
    published_from: dt.datetime | None = None
    published_before: dt.datetime | None = None

    @property
    def any(self) -> bool:
        return any(value is not None for value in vars(self).values())


@dataclass(frozen=True)
class Found:
    """One page of matching article ids, best first, and how many match in all."""

    ids: list[int]
    total: int
    # The total is a lower bound (MAX_COUNT was reached).
    more: bool


def filter_sql(filters: SearchFilters, alias: str = "d") -> tuple[str, list]:
    """` AND ...` conditions on the document table for `filters`, with their parameters."""
    clauses, params = [], []
    for column in ("section_id", "author_id", "kind"):
        value = getattr(filters, column)
        if value is not None:
            clauses.append(f"{alias}.{column} = %s")
            params.append(value)
    if filters.language:
        clauses.append(f"({alias}.language = %s OR {alias}.language LIKE %s)")
        params += [filters.language, f"{filters.language}-%"]
    adapt = connection.ops.adapt_datetimefield_value
    if filters.published_from is not None:
        clauses.append(f"{alias}.published_at >= %s")
        params.append(adapt(filters.published_from))
    if filters.published_before is not None:
        clauses.append(f"{alias}.published_at < %s")
        params.append(adapt(filters.published_before))
    return "".join(f" AND {clause}" for clause in clauses), params


def index_languages() -> set[str]:
    """The primary languages of the indexed articles."""
    languages = cache.get(LANGUAGES_CACHE_KEY)
    if languages is None:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT language FROM {DOCUMENT_TABLE}")  # noqa: S608
            languages = {row[0].split("-")[0].lower() for row in cursor.fetchall()}
        cache.set(LANGUAGES_CACHE_KEY, languages, LANGUAGES_CACHE_SECONDS)
    return languages


def note_languages(languages: set[str]) -> None:
    """Forgets the cached language set when an article brings a new language."""
    cached = cache.get(LANGUAGES_CACHE_KEY)
    if cached is not None and not languages <= cached:
        cache.delete(LANGUAGES_CACHE_KEY)

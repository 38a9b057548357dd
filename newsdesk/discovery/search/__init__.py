"""Full-text search over the public articles: one interface, a backend per database.

    search(query, filters=..., page=..., language=...) -> SearchPage
    index_article(article_id) / remove_article(article_id) / rebuild()

SQLite (the embedded mode) uses FTS5 over words stemmed in Python (`sqlite`); PostgreSQL uses
its own full-text search with each article's language configuration (`postgresql`). Both
index exactly what `visible_articles()` returns, and results are filtered through it again
when shown, so a takedown hides an article before the index has caught up.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.safestring import SafeString

from newsdesk.articles.models import Article
from newsdesk.articles.queries import visible_articles
from newsdesk.discovery.search import postgresql, sqlite
from newsdesk.discovery.search.backend import (
    LANGUAGES_CACHE_KEY,
    Found,
    SearchFilters,
    index_languages,
    note_languages,
)
from newsdesk.discovery.search.documents import (
    document_batches,
    document_for,
    indexable_articles,
    plain_body,
)
from newsdesk.discovery.search.excerpts import SCAN_CHARS, excerpt, highlight
from newsdesk.discovery.search.text import Query, parse_query, primary_language

__all__ = [
    "PAGE_SIZE",
    "SearchFilters",
    "SearchPage",
    "index_article",
    "rebuild",
    "remove_article",
    "search",
]

# Results per page.
PAGE_SIZE = 20
# Results a reader can page to: nobody reads page 26 of a search, and ranking is bounded.
MAX_RESULTS = 500
# See _visible_by_id.
SQLITE_IDS_PER_QUERY = 3
# What a result shows (discovery/_result.html): fewer columns, less to load and build.
RESULT_FIELDS = (
    "title",
    "slug",
    "lead",
    "body_html",
    "language",
    "kind",
    "published_at",
    "author__slug",
    "author__display_name",
    "section__name",
    "section__name_en",
    "section__slug",
)


@dataclass(frozen=True)
class Result:
    article: Article
    title: SafeString
    excerpt: SafeString


@dataclass
class SearchPage:
    query: Query
    results: list[Result] = field(default_factory=list)
    total: int = 0
    # The total is a lower bound (counting stopped).
    more: bool = False
    number: int = 1
    num_pages: int = 1
    # No article had every word: these have some of them.
    any_word: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _backend():
    return postgresql if connection.vendor == "postgresql" else sqlite


def search(
    query: str | None,
    *,
    filters: SearchFilters | None = None,
    page: int = 1,
    language: str | None = None,
) -> SearchPage:
    """The `page`-th page of visible articles matching every word of `query` (or, when none
    does, any word), best first, with highlighted titles and excerpts. Any text is accepted
    and read as words only. `language` is the reader's interface language: its stems are
    always tried, whatever the index holds."""
    parsed = parse_query(query)
    filters = filters or SearchFilters()
    if not parsed.words:
        return SearchPage(query=parsed)
    languages = _candidate_languages(filters, language)
    number = max(1, min(page, MAX_RESULTS // PAGE_SIZE))
    found, any_word = _find(parsed, languages, filters, number)
    reachable = min(found.total, MAX_RESULTS, _backend().RANK_WINDOW)
    num_pages = max(1, math.ceil(reachable / PAGE_SIZE))
    if number > num_pages:  # past the last page: show the last one
        number = num_pages
        found, any_word = _find(parsed, languages, filters, number)
    return SearchPage(
        query=parsed,
        results=_results(found.ids, parsed),
        total=found.total,
        more=found.more,
        number=number,
        num_pages=num_pages,
        any_word=any_word,
    )


def _candidate_languages(filters: SearchFilters, language: str | None) -> set[str]:
    if filters.language:
        return {primary_language(filters.language)}
    languages = set(index_languages())
    languages.add(primary_language(language or settings.LANGUAGE_CODE))
    return languages


def _find(query: Query, languages: set[str], filters: SearchFilters, number: int):
    arguments = {
        "languages": languages,
        "filters": filters,
        "offset": (number - 1) * PAGE_SIZE,
        "limit": PAGE_SIZE,
    }
    found: Found = _backend().find(query, every_word=True, **arguments)
    if found.total == 0 and len(query.words) > 1:
        return _backend().find(query, every_word=False, **arguments), True
    return found, False


def _results(ids: list[int], query: Query) -> list[Result]:
    # Through visible_articles() again: a takedown counts before the index is updated.
    articles = _visible_by_id(ids)
    results, wanted = [], {}
    for pk in ids:
        article = articles.get(pk)
        if article is None:
            continue
        if article.language not in wanted:
            wanted[article.language] = query.stems_for(article.language)
        stems = wanted[article.language]
        # Tags take room in the HTML: twice the characters the excerpt looks at is plenty.
        text = f"{article.lead} {plain_body(article.body_html[: SCAN_CHARS * 2])}"
        results.append(
            Result(
                article=article,
                title=highlight(article.title, stems, article.language),
                excerpt=excerpt(text, stems, article.language),
            )
        )
    return results


def _visible_by_id(ids: list[int]) -> dict[int, Article]:
    """The visible ones of `ids`, by id. On SQLite a few ids per query: without table
    statistics (no ANALYZE has run) SQLite plans `status = ? AND id IN (...)` with more than
    three ids as a walk of the status index reading every published row (100 ms at 100,000
    articles), while three are primary-key lookups."""
    articles = visible_articles().select_related(None).select_related("author", "section")
    # Unordered: the model's ordering (-published_at) would make the status index attractive.
    articles = articles.only(*RESULT_FIELDS).order_by()
    size = SQLITE_IDS_PER_QUERY if connection.vendor == "sqlite" else max(1, len(ids))
    found: dict[int, Article] = {}
    for start in range(0, len(ids), size):
        found.update(articles.in_bulk(ids[start : start + size]))
    return found


def index_article(article_id: int) -> None:
    """Brings one article's index entry up to date: written if it is visible, else removed."""
    article = indexable_articles().filter(pk=article_id).first()
    if article is None:
        remove_article(article_id)
        return
    _backend().write([document_for(article)])
    note_languages({primary_language(article.language)})


def remove_article(article_id: int) -> None:
    _backend().remove([article_id])


def rebuild(*, batch_size: int = 500, progress: Callable[[int], None] | None = None) -> int:
    """Indexes every visible article again and drops every other entry; returns the count.

    Entries are replaced batch by batch, so search keeps answering during a rebuild.
    """
    backend = _backend()
    indexed: set[int] = set()
    for batch in document_batches(batch_size):
        backend.write(batch)
        indexed.update(d.article_id for d in batch)
        if progress is not None:
            progress(len(indexed))
    # Visible now, not at the start: an article published meanwhile was indexed by its task.
    visible = set(visible_articles().values_list("pk", flat=True))
    backend.remove(sorted(backend.indexed_ids() - visible))
    cache.delete(LANGUAGES_CACHE_KEY)
    return len(indexed)


def clear() -> None:
    """Empties the index (tests, and a database restored without it)."""
    _backend().clear()
    cache.delete(LANGUAGES_CACHE_KEY)

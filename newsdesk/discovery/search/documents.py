"""What the search index holds of an article: its text by field and the columns filters use."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Prefetch

from newsdesk.articles.models import Article, Tag
from newsdesk.articles.queries import visible_articles
from newsdesk.discovery.search.text import clean

# Only the start of a very long body is indexed: a search hit past it is rare, and the
# index (and the PostgreSQL vector, limited to 1 MB) stays bounded.
MAX_BODY_CHARS = 100_000
_TAG = re.compile(r"<[^>]*>")
# A heading's end: marked in the text, so that an excerpt does not run it into what follows.
_HEADING_END = re.compile(r"</h[1-6]\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class Document:
    article_id: int
    language: str
    section_id: int
    author_id: int
    kind: str
    published_at: dt.datetime
    title: str
    lead: str
    # Author's display name and tag names: found, and ranked above the body.
    meta: str
    body: str


def plain_body(body_html: str) -> str:
    """The text of the stored, sanitised body HTML (cheaper than rendering the Markdown)."""
    return html.unescape(_TAG.sub(" ", _HEADING_END.sub(" · ", body_html)))


def document_for(article: Article) -> Document:
    """`article` needs its author and its tags loaded (see `indexable_articles`)."""
    tags = " ".join(tag.name for tag in article.tags.all())
    return Document(
        article_id=article.pk,
        language=article.language,
        section_id=article.section_id,
        author_id=article.author_id,
        kind=article.kind,
        published_at=article.published_at,
        title=clean(article.title),
        lead=clean(article.lead),
        meta=clean(f"{article.author.display_name} {tags}"),
        body=clean(plain_body(article.body_html)[:MAX_BODY_CHARS]),
    )


def indexable_articles():
    """The articles the index may hold: exactly the visible ones, with what a Document needs."""
    return (
        visible_articles()
        .select_related(None)
        .select_related("author")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.only("id", "name")))
        .only(
            "id",
            "title",
            "lead",
            "body_html",
            "language",
            "kind",
            "section_id",
            "author_id",
            "published_at",
            "author__display_name",
        )
    )


def document_batches(batch_size: int, ids: list[int] | None = None) -> Iterator[list[Document]]:
    """Every indexable article (or those of `ids` still indexable) as Documents, in batches.

    The ids come first, then each batch by `pk IN (...)`: paging with `pk > last ORDER BY pk`
    makes SQLite walk the status index and sort every remaining wide row for each batch
    (quadratic: 100,000 articles took many minutes instead of one).
    """
    if ids is None:
        ids = list(visible_articles().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        articles = indexable_articles().filter(pk__in=chunk).order_by("pk")
        yield [document_for(article) for article in articles]

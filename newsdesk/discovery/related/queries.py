"""Reads: the related articles of an article page. Cheap: stored neighbours, no model loaded."""

from __future__ import annotations

from newsdesk.articles.models import Article
from newsdesk.articles.queries import (
    RELATED_LIMIT,
    related_articles,
    translation_family,
    visible_articles,
)
from newsdesk.discovery.models import ArticleVector
from newsdesk.discovery.related.backends import current_backend


class RelatedArticles(list):
    """The chosen articles, plus the ids of every stored neighbour that was considered: the page
    showing them is tagged with all of those, so that a neighbour that comes back (restored,
    republished) refreshes it although it was not shown."""

    considered: set[int]


def related_for(article: Article, *, language: str, limit: int = RELATED_LIMIT) -> RelatedArticles:
    """Articles close in content to `article`, in any language, those in `language` first.

    Never the article itself, its translations, or anything the public may not see. When the
    stored neighbours are too few (a new site, a vector not computed yet), the tag and section
    ranking fills up the list.
    """
    stored = (
        ArticleVector.objects.filter(article_id=article.pk, model=current_backend().name)
        .values_list("neighbours", flat=True)
        .first()
    ) or []
    order = [entry[0] for entry in stored]
    found = {}
    if order:
        # Translations left out in the same query: the article page stays one query cheaper.
        found = visible_articles().exclude(translation_family(article)).in_bulk(order)
    ranked = [found[pk] for pk in order if pk in found]
    ranked = sorted(ranked, key=lambda a: not _speaks(a, language))[:limit]
    if len(ranked) < limit:
        chosen = {a.pk for a in ranked}
        extra = related_articles(article, limit=limit + len(chosen))
        ranked += [a for a in extra if a.pk not in chosen][: limit - len(ranked)]
    result = RelatedArticles(ranked)
    result.considered = set(order)
    return result


def _speaks(article: Article, language: str) -> bool:
    primary = (language or "").split("-")[0].lower()
    return article.language.split("-")[0].lower() == primary

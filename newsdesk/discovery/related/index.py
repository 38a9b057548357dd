"""Nearest stored vectors, from a per-process copy of the ArticleVector table.

Loading 100,000 vectors takes seconds, so each worker keeps them in memory. Every write through
`discovery.related` counts up a generation number in the shared Django cache; a process whose
copy was current patches its own writes in. When the generation moved otherwise (another
process wrote), one aggregate query tells whether the table changed (row count, newest
`updated_at`, sum of article ids): new and changed rows are patched in; if rows were deleted, or
anything else does not add up, the copy is loaded again in full.
"""

from __future__ import annotations

import threading
import time

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max, Sum

from newsdesk.discovery.models import ArticleVector
from newsdesk.discovery.related.backends import HASH_BUCKETS

# Rows fetched per query when loading the whole table.
LOAD_BATCH = 5000
# Changes made by other code than this module (an article deleted, its vector going with it) are
# noticed within this many seconds; they are harmless meanwhile (lists are filtered on read).
REVALIDATE_SECONDS = 300


class DenseIndex:
    """Unit vectors in one growing matrix: a search is one matrix-vector product."""

    def __init__(self):
        self.ids = np.zeros(0, dtype=np.int64)
        # Each row's language, as a VectorCache language code.
        self.codes = np.zeros(0, dtype=np.int16)
        self.matrix = np.zeros((0, 0), dtype=np.float32)
        self.size = 0
        self.position: dict[int, int] = {}
        # Rows about to be loaded: room for them is made at once, not by repeated growing.
        self.expected = 0

    def upsert(self, article_id: int, vector: np.ndarray, code: int = 0) -> None:
        if self.size and self.matrix.shape[1] != len(vector):
            raise ValueError("vectors of different lengths: not from one model")
        row = self.position.get(article_id)
        if row is None:
            if self.size == len(self.ids):
                self._grow(len(vector))
            row = self.size
            self.size += 1
            self.position[article_id] = row
            self.ids[row] = article_id
        self.matrix[row] = vector
        self.codes[row] = code

    def code_of(self, article_id: int) -> int | None:
        row = self.position.get(article_id)
        return None if row is None else int(self.codes[row])

    def has(self, article_id: int) -> bool:
        return article_id in self.position

    def remove(self, article_id: int) -> None:
        """Moves the last row into the removed one's place."""
        row = self.position.pop(article_id)
        last = self.size - 1
        if row != last:
            moved = int(self.ids[last])
            self.matrix[row], self.ids[row] = self.matrix[last], moved
            self.codes[row] = self.codes[last]
            self.position[moved] = row
        self.size = last

    def _grow(self, dim: int) -> None:
        capacity = max(1024, self.expected + 1024, int(len(self.ids) * 1.5))
        matrix = np.zeros((capacity, dim), dtype=np.float32)
        ids = np.zeros(capacity, dtype=np.int64)
        codes = np.zeros(capacity, dtype=np.int16)
        if self.matrix.shape[1] == dim:
            matrix[: self.size] = self.matrix[: self.size]
            ids[: self.size] = self.ids[: self.size]
            codes[: self.size] = self.codes[: self.size]
        self.matrix, self.ids, self.codes = matrix, ids, codes

    def scores(self, vector: np.ndarray) -> np.ndarray:
        if self.size == 0 or self.matrix.shape[1] != len(vector):
            return np.zeros(self.size, dtype=np.float32)
        return self.matrix[: self.size] @ vector


class SparseIndex:
    """TF-IDF over stored term frequencies; the IDF is the current corpus's, computed when the
    postings are rebuilt (after any change, on the next search)."""

    def __init__(self):
        self.vectors: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.language_codes: dict[int, int] = {}
        self._postings = None
        self.expected = 0

    @property
    def size(self) -> int:
        return len(self.vectors)

    def upsert(self, article_id: int, vector: tuple, code: int = 0) -> None:
        self.vectors[article_id] = vector
        self.language_codes[article_id] = code
        self._postings = None

    def code_of(self, article_id: int) -> int | None:
        return self.language_codes.get(article_id)

    def has(self, article_id: int) -> bool:
        return article_id in self.vectors

    def remove(self, article_id: int) -> None:
        del self.vectors[article_id]
        del self.language_codes[article_id]
        self._postings = None

    def _build(self):
        ids = np.fromiter(self.vectors, dtype=np.int64, count=len(self.vectors))
        parts = list(self.vectors.values())
        terms = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int32)
        weights = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.float32)
        docs = np.repeat(np.arange(len(parts)), [len(p[0]) for p in parts])
        idf = self.idf_of(terms, len(parts))
        weighted = weights * idf[terms]
        norms = np.sqrt(np.bincount(docs, weights=weighted**2, minlength=len(parts)))
        weighted = weighted / np.maximum(norms[docs], 1e-12)
        codes = np.fromiter(
            (self.language_codes[i] for i in self.vectors), dtype=np.int16, count=len(ids)
        )
        self._postings = (ids, terms, docs, weighted.astype(np.float32), idf, codes)
        return self._postings

    @staticmethod
    def idf_of(terms: np.ndarray, documents: int) -> np.ndarray:
        # Each term appears once per document, so its count is its document frequency.
        df = np.bincount(terms, minlength=HASH_BUCKETS)
        return (np.log((1 + documents) / (1 + df)) + 1).astype(np.float32)

    @property
    def ids(self) -> np.ndarray:
        return (self._postings or self._build())[0]

    @property
    def codes(self) -> np.ndarray:
        return (self._postings or self._build())[5]

    def scores(self, vector: tuple) -> np.ndarray:
        ids, terms, docs, weighted, idf, _codes = self._postings or self._build()
        query = np.zeros(HASH_BUCKETS, dtype=np.float32)
        query[vector[0]] = vector[1] * idf[vector[0]]
        norm = float(np.linalg.norm(query[vector[0]]))
        if norm:
            query /= norm
        return np.bincount(docs, weights=weighted * query[terms], minlength=len(ids))


class VectorCache:
    """The index of one backend's stored vectors, kept in step with the table."""

    def __init__(self, backend):
        self.backend = backend
        self.index = SparseIndex() if backend.sparse else DenseIndex()
        self.fingerprint: tuple | None = None
        self.id_sum = 0
        self.generation = None
        self.checked_at = 0.0
        self.key = f"related:generation:{backend.name}"
        # Primary language subtags ("de" for de-AT) numbered in order of appearance.
        self.language_codes: dict[str, int] = {}
        # Worker threads share the cache; one of them refreshes it at a time.
        self.lock = threading.Lock()

    def written(self, article_id: int, vector, language: str) -> None:
        """This process stored `vector`: patch it in, and tell the other processes."""
        with self.lock:
            if self._bump():
                if self._is_new(article_id):
                    self.id_sum += article_id
                self.index.upsert(article_id, vector, self._code(language))

    def language_changed(self, article_id: int, language: str) -> bool:
        """True if the index holds the article under another language than `language` (its
        language was edited, its text not)."""
        with self.lock:
            self.refresh()
            known = self.index.code_of(article_id)
            return known is not None and known != self._code(language)

    def _code(self, language: str) -> int:
        primary = (language or "").split("-")[0].lower()
        return self.language_codes.setdefault(primary, len(self.language_codes))

    def removed(self, article_id: int) -> None:
        with self.lock:
            if self._bump() and not self._is_new(article_id):
                self.id_sum -= article_id
                self.index.remove(article_id)

    def invalidate(self) -> None:
        """Rows were changed in bulk: every process reads the table again."""
        with self.lock:
            self._bump()
            self.generation = self.fingerprint = None

    def _bump(self) -> bool:
        """Counts a change in the shared generation; True if this cache was up to date before
        it, so that patching the change in keeps it up to date."""
        cache.add(self.key, 0, timeout=None)
        try:
            generation = cache.incr(self.key)
        except ValueError:  # evicted meanwhile
            return False
        in_step = self.generation is not None and generation == self.generation + 1
        if in_step:
            self.generation = generation
        return in_step

    def refresh(self) -> None:
        generation = cache.get(self.key)
        fresh = time.monotonic() - self.checked_at < REVALIDATE_SECONDS
        if generation is not None and generation == self.generation and fresh:
            return
        # Read before the table: a change made meanwhile is seen next time.
        self.generation, self.checked_at = generation, time.monotonic()
        rows = ArticleVector.objects.filter(model=self.backend.name)
        state = rows.aggregate(n=Count("id"), latest=Max("updated_at"), ids=Sum("article_id"))
        fingerprint = (state["n"], state["latest"], state["ids"] or 0)
        if fingerprint == self.fingerprint:
            return
        if self.fingerprint is not None and self.fingerprint[1] is not None:
            self._load(rows.filter(updated_at__gte=self.fingerprint[1]))
            if (self.index.size, self.id_sum) == (fingerprint[0], fingerprint[2]):
                self.fingerprint = fingerprint
                return
        self.index = SparseIndex() if self.backend.sparse else DenseIndex()
        self.index.expected = fingerprint[0]
        self.id_sum = 0
        self._load(rows)
        self.fingerprint = fingerprint

    def _load(self, rows) -> None:
        decode = self.backend.decode
        last = 0
        while True:
            batch = list(
                rows.filter(article_id__gt=last)
                .order_by("article_id")
                .values_list("article_id", "vector", "dim", "article__language")[:LOAD_BATCH]
            )
            for article_id, data, dim, language in batch:
                if self._is_new(article_id):
                    self.id_sum += article_id
                self.index.upsert(article_id, decode(data, dim), self._code(language))
            if len(batch) < LOAD_BATCH:
                return
            last = batch[-1][0]

    def _is_new(self, article_id: int) -> bool:
        return not self.index.has(article_id)

    def nearest(
        self, vector, *, limit: int, exclude: set[int], language: str | None = None
    ) -> list[tuple[int, float]]:
        """The `limit` stored articles most similar to `vector`, best first, with their score.

        The score is the cosine; given the `language` of the vector's text, an article in
        another language has the backend's `language_gap` added to it (see backends.py), so
        that the closest articles in other languages are found, not only those in its own.
        """
        with self.lock:
            self.refresh()
            scores = np.asarray(self.index.scores(vector), dtype=np.float32)
            ids = self.index.ids[: len(scores)].copy()
            gap = self.backend.language_gap
            if language is not None and gap and len(scores):
                other = self.index.codes[: len(scores)] != self._code(language)
                scores = scores + np.float32(gap) * other
        keep = min(len(scores), limit + len(exclude))
        if keep == 0:
            return []
        top = np.argpartition(-scores, keep - 1)[:keep]
        top = top[np.argsort(-scores[top], kind="stable")]
        found = [(int(ids[i]), round(float(scores[i]), 4)) for i in top]
        return [(pk, score) for pk, score in found if pk not in exclude][:limit]


_caches: dict[str, VectorCache] = {}
_lock = threading.Lock()


def cache_for(backend) -> VectorCache:
    with _lock:
        if backend.name not in _caches:
            _caches[backend.name] = VectorCache(backend)
        return _caches[backend.name]

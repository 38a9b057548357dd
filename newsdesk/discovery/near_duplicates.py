"""Near-duplicate detection: MinHash LSH over word shingles, kept in ordinary tables.

A text becomes the set of its word 5-shingles (Markdown stripped, casefolded). Its MinHash
signature (datasketch) is cut into bands; each band is hashed to one BIGINT and stored in
`DuplicateBand`, so that texts sharing a band are found with indexed equality lookups. Every
candidate is then judged by its real shingle overlap, computed from its stored body: the index
finds, the text decides.

The thresholds apply to containment, the share of the submission's shingles that also occur in
the other text ("60 % of your text appears in ..."). It is never below Jaccard, so a copy with
new paragraphs added, or an excerpt of a longer article, still counts; Jaccard (symmetric) is
reported beside it.

Why 64 bands of 2 rows: containment 0.5 (DUPLICATE_THRESHOLD) between texts of equal length is
Jaccard 0.33, and a copy with a tenth of its words replaced keeps only 0.9**5 = 59 % of its
shingles (Jaccard about 0.41). 64 x 2 makes such a text a candidate with probability 0.9994 at
Jaccard 0.33 (0.88 at 0.18, containment 0.3). 18 bands of 7 rows, whose S-curve is centred near
Jaccard 0.66, found 4 % of those copies in bench/duplicates.py. The price is 64 band rows per
text and more chance candidates, which the stored signatures weed out before any text is read.
"""

import functools
import hashlib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from newsdesk.articles.markdown import plain_text
from newsdesk.articles.models import Article
from newsdesk.articles.queries import visible_articles
from newsdesk.discovery.models import DuplicateBand, DuplicateSignature

# MinHash values per text: the Jaccard estimate is within ±0.04 near 0.3; 512 bytes stored.
NUM_PERM = 128
# Words per shingle: long enough that unrelated texts on one topic share almost none.
SHINGLE_WORDS = 5
# LSH bands of rows (BANDS * ROWS <= NUM_PERM): a text sharing Jaccard J with another becomes
# its candidate with probability 1 - (1 - J**ROWS) ** BANDS; see the module docstring.
BANDS = 64
ROWS = 2
# Containment from which a submission fails the check: most of its text is someone else's.
DUPLICATE_THRESHOLD = 0.5
# Containment from which a match is shown to the editor (and to the contributor as a warning).
WARNING_THRESHOLD = 0.3
# A candidate whose signature estimate falls this far below WARNING_THRESHOLD is not confirmed
# from its text: about three standard errors of a 128-value estimate there.
ESTIMATE_SLACK = 0.15
# Passages shown per match, and their length, so that a review screen stays readable.
MAX_PASSAGES = 5
PASSAGE_CHARS = 300
# datasketch's permutations: a fixed seed and scheme, so that signatures written by any process
# or version of newsdesk compare (its default hash, sha1_hash32, is deterministic).
MINHASH_SEED = 1
MINHASH_SCHEME = "affine32"

# States in which an article is neither public nor an open submission; every other state (the
# review states) is compared with, since two contributors may submit the same text.
CLOSED_STATES = frozenset(
    {"draft", "published", "unpublished", "rejected", "withdrawn", "taken_down"}
)
OPEN_STATES = frozenset(Article.Status.values) - CLOSED_STATES

_WORD = re.compile(r"[^\W_]+")


@functools.cache
def _permutations():
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme=MINHASH_SCHEME).permutations


@dataclass(frozen=True)
class Match:
    article: Article
    # Jaccard similarity of the two shingle sets.
    similarity: float
    # Share of the submission's shingles that occur in the article (the thresholds apply to it).
    containment: float
    # The overlapping parts of the submission, in its order, each at most PASSAGE_CHARS long.
    passages: list[str]

    @property
    def is_duplicate(self) -> bool:
        return self.containment >= DUPLICATE_THRESHOLD


@dataclass(frozen=True)
class Signature:
    values: np.ndarray  # NUM_PERM uint32
    shingle_count: int

    def to_bytes(self) -> bytes:
        return self.values.astype("<u4").tobytes()

    def band_hashes(self) -> list[int]:
        raw = self.to_bytes()
        step = ROWS * 4
        return [
            int.from_bytes(
                hashlib.blake2b(raw[band * step : (band + 1) * step], digest_size=8).digest(),
                "little",
                signed=True,
            )
            for band in range(BANDS)
        ]


class _Shingled:
    """A text's plain words and its shingles, in order."""

    def __init__(self, markdown: str):
        self.text = html.unescape(plain_text(markdown or ""))
        words = [word.casefold() for word in _WORD.findall(self.text)]
        if 0 < len(words) < SHINGLE_WORDS:
            self.shingles = [" ".join(words)]
        else:
            self.shingles = [
                " ".join(gram)
                for gram in zip(*(words[k:] for k in range(SHINGLE_WORDS)), strict=False)
            ]
        self.shingle_set = set(self.shingles)

    def signature(self) -> Signature | None:
        if not self.shingle_set:
            return None
        # Imported here, not with this module: datasketch brings scipy (about 60 MB of memory),
        # which only the processes that hash texts need, not every web worker.
        from datasketch import MinHash

        minhash = MinHash(
            num_perm=NUM_PERM,
            seed=MINHASH_SEED,
            scheme=MINHASH_SCHEME,
            permutations=_permutations(),
        )
        minhash.update_batch([s.encode() for s in self.shingle_set])
        return Signature(values=minhash.hashvalues, shingle_count=len(self.shingle_set))

    def passages(self, other: set[str]) -> list[str]:
        """The stretches of this text also found in `other`: the longest few, in text order."""
        runs: list[tuple[int, int]] = []  # first and last shingle of each run
        for i, shingle in enumerate(self.shingles):
            if shingle not in other:
                continue
            if runs and runs[-1][1] == i - 1:
                runs[-1] = (runs[-1][0], i)
            else:
                runs.append((i, i))
        longest = sorted(runs, key=lambda run: run[0] - run[1])[:MAX_PASSAGES]
        spans = [m.span() for m in _WORD.finditer(self.text)]
        return [
            _trim(self.text[spans[first][0] : spans[min(last + SHINGLE_WORDS, len(spans)) - 1][1]])
            for first, last in sorted(longest)
        ]


def _trim(passage: str) -> str:
    passage = " ".join(passage.split())
    if len(passage) <= PASSAGE_CHARS:
        return passage
    return passage[:PASSAGE_CHARS].rsplit(" ", 1)[0] + " …"


def signature_of(text: str) -> Signature | None:
    """The signature of a Markdown text; None when it has no words."""
    return _Shingled(text).signature()


def similarity_between(text_a: str, text_b: str) -> tuple[float, list[str]]:
    """Containment of `text_a` in `text_b` and the passages of `text_a` they share."""
    a, b = _Shingled(text_a), _Shingled(text_b)
    if not a.shingle_set:
        return 0.0, []
    shared = a.shingle_set & b.shingle_set
    return len(shared) / len(a.shingle_set), a.passages(b.shingle_set)


def eligible_articles() -> QuerySet[Article]:
    """What a text is compared with: every public article and every open submission."""
    return visible_articles() | Article.objects.filter(status__in=sorted(OPEN_STATES))


def find_near_duplicates(
    text: str,
    *,
    exclude_ids: Iterable[int] = (),
    limit: int = 5,
    candidates_qs: QuerySet[Article] | None = None,
) -> list[Match]:
    """Articles that share at least WARNING_THRESHOLD of the Markdown `text`, most first.

    Two queries at most: the band lookup (with the candidates' signatures), then the articles
    whose estimated overlap is close enough to be confirmed from their text. Whether an article
    may be matched (`eligible_articles()`, or `candidates_qs`) is decided in that second query,
    on a handful of rows, so that the band lookup stays inside its index. The articles come
    without their related rows (author, section): a caller showing those selects them.
    """
    shingled = _Shingled(text)
    signature = shingled.signature()
    if signature is None:
        return []
    candidates = candidate_signatures(signature, exclude_ids=exclude_ids)
    likely = [
        article_id
        for article_id, estimate in _estimated_containment(signature, candidates)
        if estimate >= WARNING_THRESHOLD - ESTIMATE_SLACK
    ]
    if not likely:
        return []
    qs = eligible_articles() if candidates_qs is None else candidates_qs
    matches = []
    # No joins or ordering: compiling them cost more than the query.
    for article in qs.filter(pk__in=likely).select_related(None).order_by():
        other = _Shingled(article.body).shingle_set
        shared = shingled.shingle_set & other
        containment = len(shared) / len(shingled.shingle_set)
        if containment < WARNING_THRESHOLD:
            continue
        jaccard = len(shared) / len(shingled.shingle_set | other)
        matches.append(
            Match(
                article=article,
                similarity=jaccard,
                containment=containment,
                passages=shingled.passages(other),
            )
        )
    matches.sort(key=lambda m: (-m.containment, -m.similarity, m.article.pk))
    return matches[:limit]


def band_lookup_sql(signature: Signature, *, exclude_ids: Iterable[int] = ()):
    """SQL and parameters selecting (article_id, signature, shingle_count) of every stored text
    that shares a band with `signature`.

    Raw SQL: the ORM took ten times longer to compile these 64 terms than SQLite to answer them.
    The bands are OR'd `(band = %s AND hash = %s)` terms, each an index lookup; a row-value `IN`
    made SQLite scan the table instead.
    """
    quote = connection.ops.quote_name
    band, hash_ = quote("band"), quote("hash")
    terms = " OR ".join([f"({band} = %s AND {hash_} = %s)"] * BANDS)
    params: list[int] = [x for pair in enumerate(signature.band_hashes()) for x in pair]
    sql = (
        f"SELECT {quote('article_id')}, {quote('signature')}, {quote('shingle_count')} "  # noqa: S608
        f"FROM {quote(DuplicateSignature._meta.db_table)} WHERE {quote('article_id')} IN "
        f"(SELECT {quote('article_id')} FROM {quote(DuplicateBand._meta.db_table)} "
        f"WHERE {terms})"
    )
    if exclude_ids := [int(pk) for pk in exclude_ids]:
        sql += f" AND {quote('article_id')} NOT IN ({', '.join(['%s'] * len(exclude_ids))})"
        params += exclude_ids
    return sql, params


def candidate_signatures(signature: Signature, *, exclude_ids: Iterable[int] = ()) -> list:
    """(article_id, signature bytes, shingle_count) of every text sharing a band: one query."""
    sql, params = band_lookup_sql(signature, exclude_ids=exclude_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _estimated_containment(signature: Signature, candidates: Iterable[tuple]):
    """(article_id, containment estimated from the two signatures) of each candidate."""
    candidates = list(candidates)
    if not candidates:
        return []
    ids, blobs, counts = zip(*candidates, strict=True)
    values = np.frombuffer(b"".join(bytes(b) for b in blobs), dtype="<u4").reshape(-1, NUM_PERM)
    jaccard = (values == signature.values).mean(axis=1)
    # |A ∩ B| = J (|A| + |B|) / (1 + J)
    shared = jaccard * (signature.shingle_count + np.array(counts)) / (1 + jaccard)
    return zip(ids, (shared / signature.shingle_count).tolist(), strict=True)

"""Related-articles benchmark: quality of both backends, and the work done at publish.

    .venv/bin/python bench/related.py

Prints on stdout (everything else goes to stderr):

    BENCH related_precision_at_5_tfidf               share of same-topic articles among the 5
    BENCH related_precision_at_5_embedding           nearest of each article (itself excluded)
    BENCH related_precision_at_5_crosslang_tfidf     the same, ranking only the articles in the
    BENCH related_precision_at_5_crosslang_embedding other language than the article's
    BENCH related_block_recall_at_5                  what readers see: the related block of
    BENCH related_block_crosslang_recall_at_5        each article page (see below)
    BENCH related_compute_ms                         median of 20 publishes (see below)

Precision is measured on bench/related_eval (240 generated articles, 10 topics, 12 German and 12
English per topic, no translations), with the backends' own vectors and index classes, on plain
objects. The related_block figures are read from the rendered article pages: the same 240
articles written as Markdown files (one section, no tags), imported into a fresh embedded
instance with `newsdesk import --publish` (HUEY_IMMEDIATE=1: each publish runs the background
update, as a worker would), then every article page fetched from granian serving that instance.
For each page, the block's first 5 teasers are looked up by their link:

    related_block_recall_at_5            mean over pages of (same-topic teasers among the 5) /
                                         min(5, same-topic articles the page could show); the
                                         set has 23 for every article, so it is hits / 5
    related_block_crosslang_recall_at_5  share of pages whose 5 teasers include at least one
                                         same-topic article in the other language (each page
                                         has 12 it could show)

Both count a page whose block is missing or shorter as a miss; every other-language teaser must
carry its language label (counted on stderr). related_compute_ms is discovery.related.update_article() for a newly published article
with title, lead and 1,500+ characters of body, in an embedded instance holding 100,000 stored
embedding vectors (random unit vectors: embedding 100,000 texts would take hours): reading the
article, embedding its text, storing the vector, bringing the worker's vector cache up to date,
the neighbour search over all 100,000, and storing the neighbours in its row and theirs. The
model is loaded and the cache filled by one publish beforehand (not reported).

Runs in a private temp directory (SQLite, removed at the end; BENCH_KEEP=1 keeps it) whatever
NEWSDESK_VAR or DATABASE_URL say. Knobs, for experiments only: BENCH_RELATED_VECTORS (100000),
BENCH_RELATED_RUNS (20),
BENCH_RELATED_PRECISION (1; 0 skips the precision part), BENCH_RELATED_BLOCK (1; 0 skips the
block part), BENCH_RELATED_COMPUTE (1; 0 skips related_compute_ms).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import instance

ROOT = Path(__file__).resolve().parent.parent
VECTORS = int(os.environ.get("BENCH_RELATED_VECTORS", "100000"))
RUNS = int(os.environ.get("BENCH_RELATED_RUNS", "20"))
PRECISION = os.environ.get("BENCH_RELATED_PRECISION", "1") == "1"
BLOCK = os.environ.get("BENCH_RELATED_BLOCK", "1") == "1"
COMPUTE = os.environ.get("BENCH_RELATED_COMPUTE", "1") == "1"
BIN = Path(sys.executable).parent
# Never through an http_proxy from the environment: the server is on loopback.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# Rows inserted per transaction.
BATCH = 5000
K = 5
# For comparison only (stderr): the embedding time with this much of the body.
SHORT_BODY = 500

VAR = instance.setup(
    "newsdesk-bench-related-", ROOT / "bench" / "related_eval", RELATED_BACKEND="embedding"
)

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from generate import corpus, write_markdown  # noqa: E402
from helpers import free_ports, wait_http  # noqa: E402

from newsdesk.accounts.models import User  # noqa: E402
from newsdesk.articles.models import Article, Section  # noqa: E402
from newsdesk.discovery.models import ArticleVector  # noqa: E402
from newsdesk.discovery.related import update_article  # noqa: E402
from newsdesk.discovery.related.backends import (  # noqa: E402
    BODY_CHARS,
    EmbeddingBackend,
    TfidfBackend,
    text_of,
)
from newsdesk.discovery.related.index import DenseIndex, SparseIndex, cache_for  # noqa: E402


def log(message: str) -> None:
    print(f"bench related: {message}", file=sys.stderr, flush=True)


def precision_at_5(backend, articles: list[dict]) -> tuple[float, float]:
    """(all candidates, other-language candidates only): mean share of the K best-scoring
    candidates that are on the article's topic. Ties (TF-IDF scores of 0) are broken in a
    seeded random order, not by position in the corpus (which is sorted by topic)."""
    texts = [text_of(title=a["title"], lead=a["lead"], body=a["body"]) for a in articles]
    start = time.perf_counter()
    vectors = backend.vectorize(texts, [a["language"] for a in articles])
    log(f"{backend.name}: {len(texts)} texts vectorised in {time.perf_counter() - start:.1f} s")
    index = SparseIndex() if backend.sparse else DenseIndex()
    for a, vector in zip(articles, vectors, strict=True):
        index.upsert(a["id"], vector)
    by_id = {a["id"]: a for a in articles}
    tiebreak = np.random.default_rng(7).permutation(len(articles))
    overall, crosslang = [], []
    for a, vector in zip(articles, vectors, strict=True):
        scores = np.asarray(index.scores(vector), dtype=np.float64)
        ids = index.ids[: len(scores)]
        candidates = [i for i in np.lexsort((tiebreak, -scores)) if ids[i] != a["id"]]
        hits = [by_id[int(ids[i])] for i in candidates]
        other = [h for h in hits if h["language"] != a["language"]]
        overall.append(sum(h["topic"] == a["topic"] for h in hits[:K]) / K)
        crosslang.append(sum(h["topic"] == a["topic"] for h in other[:K]) / K)
    return float(np.mean(overall)), float(np.mean(crosslang))


def insert_vectors() -> None:
    """VECTORS published articles, each with a stored random unit vector (no neighbours)."""
    author = User.objects.create_user(email="bench@example.org", display_name="Bench")
    section = Section.objects.create(name="Bench", slug="bench")
    rng = np.random.default_rng(1)
    now = timezone.now()
    for first in range(0, VECTORS, BATCH):
        count = min(BATCH, VECTORS - first)
        vectors = rng.standard_normal((count, 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        with transaction.atomic():
            created = Article.objects.bulk_create(
                Article(
                    title=f"Article {first + i}",
                    slug=f"article-{first + i}",
                    body="Text.",
                    language="de" if i % 2 else "en",
                    section=section,
                    author=author,
                    status=Article.Status.PUBLISHED,
                    published_at=now,
                )
                for i in range(count)
            )
            ArticleVector.objects.bulk_create(
                ArticleVector(
                    article=article,
                    model=EmbeddingBackend.name,
                    vector=vector.astype("<f4").tobytes(),
                    dim=384,
                    text_hash="0" * 64,
                )
                for article, vector in zip(created, vectors, strict=True)
            )
        if (first + count) % 20000 == 0:
            log(f"{first + count} vectors stored")


def new_articles(articles: list[dict], count: int) -> list[Article]:
    """Published articles with a body of 1,500+ characters, made of several eval articles."""
    author = User.objects.get(email="bench@example.org")
    section = Section.objects.get(slug="bench")
    made = []
    for n in range(count):
        parts = [articles[(n * 7 + j * 31) % len(articles)] for j in range(4)]
        language = parts[0]["language"]
        same = [p for p in articles if p["language"] == language]
        body = "\n\n".join(same[(n * 11 + j * 17) % len(same)]["body"] for j in range(4))
        made.append(
            Article.objects.create(
                title=parts[0]["title"],
                slug=f"new-{n}",
                lead=parts[0]["lead"],
                body=body,
                language=language,
                section=section,
                author=author,
                status=Article.Status.PUBLISHED,
                published_at=timezone.now(),
            )
        )
    return made


def publish_timings(fresh: list[Article]) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds of update_article() for each article. On a busy
    machine the wall clock also counts waiting for a core; the CPU time does not (the model
    runs on one thread, EMBEDDING_THREADS)."""
    timings, cpu = [], []
    for article in fresh:
        start, start_cpu = time.perf_counter(), time.process_time()
        status = update_article(article.pk)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert status == "embedded", status
    return timings, cpu


def parts(fresh: list[Article]) -> tuple[list[float], list[float], list[float]]:
    """Where the time goes: embedding alone, neighbour search alone (cache up to date), and
    embedding with only SHORT_BODY characters of the body, for comparison."""
    backend = EmbeddingBackend()
    embed_ms, search_ms, short_ms = [], [], []
    for article in fresh:
        text = text_of(title=article.title, lead=article.lead, body=article.body)
        start = time.perf_counter()
        vector = backend.vectorize([text], [article.language])[0]
        embed_ms.append((time.perf_counter() - start) * 1000)
        short = text_of(title=article.title, lead=article.lead, body=article.body[:SHORT_BODY])
        start = time.perf_counter()
        backend.vectorize([short], [article.language])
        short_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        cache_for(backend).nearest(vector, limit=20, exclude={article.pk})
        search_ms.append((time.perf_counter() - start) * 1000)
    return embed_ms, search_ms, short_ms


class RelatedBlock(HTMLParser):
    """The teasers of a page's `aside.related`, in order: (href, lang, language label)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.teasers: list[list] = []
        self.inside = self.in_label = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "aside" and "related" in classes:
            self.inside = True
        elif self.inside and tag == "article" and "teaser" in classes:
            self.teasers.append([None, attrs.get("lang"), ""])
        elif self.inside and tag == "a" and "teaser-link" in classes:
            self.teasers[-1][0] = attrs["href"]
        elif self.inside and tag == "span" and "language-label" in classes:
            self.in_label = True

    def handle_endtag(self, tag):
        if tag == "aside":
            self.inside = False
        elif tag == "span":
            self.in_label = False

    def handle_data(self, data):
        if self.in_label:
            self.teasers[-1][2] += data


def block_pages(articles: list[dict]) -> dict[str, tuple[dict, list[list]]]:
    """Imports the set into a fresh instance, serves it with granian and reads every article
    page's related block: {path: (article, teasers)}."""
    var = Path(VAR) / "block"
    env = {**os.environ, "NEWSDESK_VAR": str(var), "SITE_URL": "http://127.0.0.1:8000"}
    files = write_markdown(articles, var / "eval")
    newsdesk = str(BIN / "newsdesk")
    # Their output goes to stderr: stdout is for the BENCH lines.
    subprocess.run(
        [newsdesk, "migrate", "--noinput", "-v0"], env=env, check=True, stdout=sys.stderr
    )
    start = time.perf_counter()
    imported = subprocess.run(
        [newsdesk, "import", "--publish", *map(str, files)],
        env={**env, "HUEY_IMMEDIATE": "1"},
        check=True,
        capture_output=True,
        text=True,
    )
    paths = [line.split(" ", 1)[1] for line in imported.stdout.splitlines()]
    if len(paths) != len(files) or not all(line.startswith("published ") for line in
                                           imported.stdout.splitlines()):  # fmt: skip
        raise SystemExit(f"import did not publish every file:\n{imported.stdout}")
    log(f"{len(paths)} articles imported and published in {time.perf_counter() - start:.0f} s")
    (port,) = free_ports(1)
    server = subprocess.Popen(
        [str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port",
         str(port), "--workers", "1", "--blocking-threads", "1", "--no-ws", "--log-level",
         "warning", "--no-access-log", "newsdesk.wsgi:application"],
        env=env, cwd=ROOT, stdout=sys.stderr,
    )  # fmt: skip
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz", 60, server.pid)
        pages = {}
        for path, article in zip(paths, files.values(), strict=True):
            with OPENER.open(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
                html = response.read().decode()
            pages[path] = (article, RelatedBlock(html).teasers)
        return pages
    finally:
        server.terminate()
        server.wait(timeout=30)


def report_block(articles: list[dict]) -> None:
    pages = block_pages(articles)
    by_path = {path: article for path, (article, _teasers) in pages.items()}
    recall, crosslang, shown, other, other_on_topic, unlabelled = [], [], 0, 0, 0, 0
    for article, teasers in pages.values():
        seen = [(by_path.get(href), lang, label) for href, lang, label in teasers[:K]]
        on_topic = [a for a, _lang, _label in seen if a and a["topic"] == article["topic"]]
        possible = sum(a["topic"] == article["topic"] and a is not article for a in articles)
        recall.append(len(on_topic) / min(K, possible))
        crosslang.append(any(a["language"] != article["language"] for a in on_topic))
        shown += len(seen)
        for a, lang, label in seen:
            if lang != article["language"]:
                other += 1
                other_on_topic += bool(a and a["topic"] == article["topic"])
                unlabelled += not label
    log(
        f"block: {shown} teasers on {len(pages)} pages, {other} in the other language "
        f"({other_on_topic} of them on topic, {unlabelled} without a language label)"
    )
    if unlabelled:
        raise SystemExit(f"{unlabelled} other-language teasers without a language label")
    print(f"BENCH related_block_recall_at_5 {np.mean(recall):.3f} ratio", flush=True)
    print(f"BENCH related_block_crosslang_recall_at_5 {np.mean(crosslang):.3f} ratio", flush=True)


def main() -> None:
    articles = corpus()
    if PRECISION:
        report_precision(articles)
    if BLOCK:
        report_block(articles)
    if COMPUTE:
        report_compute(articles)


def report_precision(articles: list[dict]) -> None:
    log(f"evaluation set: {len(articles)} articles, {len({a['topic'] for a in articles})} topics")
    results = {}
    for backend in (TfidfBackend(), EmbeddingBackend()):
        results[backend.name] = precision_at_5(backend, articles)
        log(f"{backend.name}: precision@5 (all, cross-language) {results[backend.name]}")
    tfidf, embedding = results[TfidfBackend.name], results[EmbeddingBackend.name]
    print(f"BENCH related_precision_at_5_tfidf {tfidf[0]:.3f} ratio", flush=True)
    print(f"BENCH related_precision_at_5_embedding {embedding[0]:.3f} ratio", flush=True)
    print(f"BENCH related_precision_at_5_crosslang_tfidf {tfidf[1]:.3f} ratio", flush=True)
    print(f"BENCH related_precision_at_5_crosslang_embedding {embedding[1]:.3f} ratio", flush=True)


def report_compute(articles: list[dict]) -> None:

    log(f"instance in {VAR}; {VECTORS} stored vectors, {RUNS} publishes")
    call_command("migrate", "--noinput", verbosity=0)
    start = time.perf_counter()
    insert_vectors()
    log(f"{VECTORS} articles and vectors stored in {time.perf_counter() - start:.1f} s")
    fresh = new_articles(articles, RUNS + 1)
    lengths = [len(text_of(title=a.title, lead=a.lead, body=a.body)) for a in fresh]
    log(f"embedded texts: {min(lengths)}-{max(lengths)} characters")
    start = time.perf_counter()
    publish_timings(fresh[:1])  # loads the model and fills the cache: not reported
    log(
        f"first publish (model load, cache of {VECTORS} filled): "
        f"{time.perf_counter() - start:.1f} s"
    )
    timings, cpu = publish_timings(fresh[1:])
    embed_ms, search_ms, short_ms = parts(fresh[1:6])
    log(
        f"publish: median {np.median(timings):.0f} ms, p95 {np.percentile(timings, 95):.0f} ms, "
        f"CPU time median {np.median(cpu):.0f} ms, load average {os.getloadavg()[0]:.1f}; "
        f"of which embedding median {np.median(embed_ms):.0f} ms, neighbour search over "
        f"{VECTORS} median {np.median(search_ms):.1f} ms (5 articles); embedding with "
        f"{SHORT_BODY} characters of body instead of {BODY_CHARS}: {np.median(short_ms):.0f} ms"
    )
    log(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    print(f"BENCH related_compute_ms {np.median(timings):.0f} ms", flush=True)


if __name__ == "__main__":
    instance.run(main, VAR, log)

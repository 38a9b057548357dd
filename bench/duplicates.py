"""Near-duplicate index benchmark: 100,000 generated published articles in an embedded instance.

    .venv/bin/python bench/duplicates.py

Prints on stdout (everything else goes to stderr):

    BENCH duplicate_index_build_s    `rebuild_index` of every article into an empty index
    BENCH duplicate_lookup_p95_ms    p95 of find_near_duplicates() for a planted near-copy
    BENCH duplicate_recall           share of planted near-copies whose source is found
    BENCH submission_checks_p95_ms   p95 of all automated checks for one new submission

Runs in a private temp directory (SQLite, removed at the end; BENCH_KEEP=1 keeps it) whatever
NEWSDESK_VAR or DATABASE_URL say, so it never touches another instance. Knobs, for experiments
only: BENCH_DUPLICATES_ARTICLES (100000), BENCH_DUPLICATES_LOOKUPS (300),
BENCH_DUPLICATES_PROCESSES (2). See bench/README.md.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import instance

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = int(os.environ.get("BENCH_DUPLICATES_ARTICLES", "100000"))
LOOKUPS = int(os.environ.get("BENCH_DUPLICATES_LOOKUPS", "300"))
PROCESSES = int(os.environ.get("BENCH_DUPLICATES_PROCESSES", "2"))
# Texts are read, hashed and written in batches of this many.
BATCH = 1000
# Share of a planted copy's words that are replaced (one paragraph is also moved).
CHANGED_WORDS = 0.10

VAR = instance.setup("newsdesk-bench-duplicates-")

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from synthetic_texts import TextGenerator  # noqa: E402

from newsdesk.accounts.models import User  # noqa: E402
from newsdesk.articles.models import Article, Section  # noqa: E402
from newsdesk.discovery import near_duplicates  # noqa: E402
from newsdesk.discovery.duplicate_index import rebuild_index  # noqa: E402
from newsdesk.discovery.models import DuplicateBand, DuplicateSignature  # noqa: E402

GENERATOR = TextGenerator()


def log(message: str) -> None:
    print(f"bench duplicates: {message}", file=sys.stderr, flush=True)


def _text(i: int) -> tuple[int, str]:
    return i, GENERATOR.text(i)


def insert_articles(pool) -> list[int]:
    """ARTICLES published articles with generated bodies, straight into the table.

    The pool generates the next batch of texts while this process inserts the one before, one
    batch ahead only, so that memory stays flat.
    """
    author = User.objects.create_user(email="bench@example.org", display_name="Bench")
    section = Section.objects.create(name="Bench", slug="bench")
    now = timezone.now()
    pks: list[int] = []

    def insert(texts) -> None:
        batch = [
            Article(
                title=f"Article {i}",
                slug=f"article-{i}",
                body=body,
                language=GENERATOR.language(i),
                section=section,
                author=author,
                status=Article.Status.PUBLISHED,
                published_at=now,
            )
            for i, body in texts.get()
        ]
        with transaction.atomic():
            pks.extend(a.pk for a in Article.objects.bulk_create(batch))
        if len(pks) % 20000 == 0:
            log(f"{len(pks)} articles inserted")

    pending = None
    for first in range(0, ARTICLES, BATCH):
        generating = pool.map_async(_text, range(first, min(first + BATCH, ARTICLES)), 100)
        if pending is not None:
            insert(pending)
        pending = generating
    if pending is not None:
        insert(pending)
    return pks


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def lookups(pks: list[int]) -> tuple[list[float], float, list[float], float, dict]:
    rng = np.random.default_rng(GENERATOR.seed)
    sources = rng.choice(len(pks), size=LOOKUPS, replace=False).tolist()
    copies = [GENERATOR.near_copy(i, changed=CHANGED_WORDS) for i in sources]
    fresh = [GENERATOR.text(ARTICLES + 10_000_000 + k) for k in range(LOOKUPS)]
    for text in fresh[:10]:  # warm up: connection, caches, first-call costs (not reported)
        near_duplicates.find_near_duplicates(text)

    copy_ms, found, other_matches = [], 0, 0
    for i, text in zip(sources, copies, strict=True):
        start = time.perf_counter()
        matches = near_duplicates.find_near_duplicates(text)
        copy_ms.append((time.perf_counter() - start) * 1000)
        found += any(m.article.pk == pks[i] for m in matches)
        other_matches += sum(m.article.pk != pks[i] for m in matches)
    fresh_ms, flagged = [], 0
    for text in fresh:
        start = time.perf_counter()
        matches = near_duplicates.find_near_duplicates(text)
        fresh_ms.append((time.perf_counter() - start) * 1000)
        flagged += bool(matches)

    # Where the time goes, measured apart on the planted copies.
    parts = {"signature": [], "band_query": []}
    for text in copies:
        start = time.perf_counter()
        signature = near_duplicates.signature_of(text)
        parts["signature"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        near_duplicates.candidate_signatures(signature)
        parts["band_query"].append((time.perf_counter() - start) * 1000)
    parts["other_matches"] = other_matches
    parts["containment"] = [
        near_duplicates.similarity_between(text, GENERATOR.text(i))[0]
        for i, text in zip(sources, copies, strict=True)
    ]
    return copy_ms, found / LOOKUPS, fresh_ms, flagged / LOOKUPS, parts


def submission_checks() -> list[float]:
    """Every automated check for one new submission (editorial.checks.run_checks), including
    the near-duplicate lookup over the whole index; the language model is loaded beforehand."""
    from newsdesk.editorial import checks  # after django.setup() in this process

    texts = [GENERATOR.text(ARTICLES + 20_000_000 + k) for k in range(LOOKUPS)]
    title = "Der Stadtrat beschließt den Haushalt für das kommende Jahr"
    lead = "Nach langer Debatte steht der Plan für das kommende Jahr fest, mit neuen Radwegen."
    for text in texts[:5]:  # warm up: py3langid's model, first-call costs (not reported)
        checks.run_checks(title=title, lead=lead, body=text, language="de")
    timings = []
    for text in texts:
        start = time.perf_counter()
        checks.run_checks(title=title, lead=lead, body=text, language="de")
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    log(
        f"instance in {VAR}; {ARTICLES} articles, {LOOKUPS} lookups, {PROCESSES} processes, "
        f"{near_duplicates.BANDS} bands x {near_duplicates.ROWS} rows"
    )
    call_command("migrate", "--noinput", verbosity=0)
    connections.close_all()  # the pool forks: no connection is shared with a child
    with Pool(PROCESSES) as pool:
        start = time.perf_counter()
        pks = insert_articles(pool)
    log(f"{len(pks)} articles inserted in {time.perf_counter() - start:.1f} s (not reported)")

    def progress(done: int) -> None:
        if done % 20000 == 0:
            log(f"{done} articles indexed")

    start = time.perf_counter()
    indexed = rebuild_index(batch_size=BATCH, processes=PROCESSES, progress=progress)
    build_s = time.perf_counter() - start
    log(
        f"index of {indexed} articles built in {build_s:.1f} s: "
        f"{DuplicateSignature.objects.count()} signatures, {DuplicateBand.objects.count()} bands"
    )
    log(f"database file: {Path(VAR, 'newsdesk.sqlite3').stat().st_size / 2**20:.0f} MB")
    signature = near_duplicates.signature_of(GENERATOR.text(0))
    sql, params = near_duplicates.band_lookup_sql(signature)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = {row[-1] for row in cursor.fetchall()}
    log(f"band query plan: {sorted(plan)}")
    if any("SCAN" in step and "duplicateband" in step for step in plan):
        raise SystemExit("the band query scans the band table instead of using its index")

    copy_ms, recall, fresh_ms, false_positive_rate, parts = lookups(pks)
    log(
        f"planted near-copies: p50 {percentile(copy_ms, 50):.2f} ms, "
        f"p95 {percentile(copy_ms, 95):.2f} ms, max {max(copy_ms):.2f} ms, recall {recall:.3f}, "
        f"other articles matched {parts['other_matches']}"
    )
    log(
        f"planted copies' containment in their source: mean {np.mean(parts['containment']):.2f}, "
        f"min {min(parts['containment']):.2f} (DUPLICATE_THRESHOLD "
        f"{near_duplicates.DUPLICATE_THRESHOLD})"
    )
    log(
        f"unrelated texts: p50 {percentile(fresh_ms, 50):.2f} ms, "
        f"p95 {percentile(fresh_ms, 95):.2f} ms, false-positive rate {false_positive_rate:.3f}"
    )
    log(
        f"parts (p95): signature {percentile(parts['signature'], 95):.2f} ms, "
        f"band query {percentile(parts['band_query'], 95):.2f} ms"
    )
    log(
        f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB"
    )
    checks_ms = submission_checks()
    log(
        f"all submission checks: p50 {percentile(checks_ms, 50):.2f} ms, "
        f"p95 {percentile(checks_ms, 95):.2f} ms over {len(checks_ms)} submissions"
    )
    print(f"BENCH submission_checks_p95_ms {percentile(checks_ms, 95):.2f} ms", flush=True)
    print(f"BENCH duplicate_index_build_s {build_s:.1f} s", flush=True)
    print(f"BENCH duplicate_lookup_p95_ms {percentile(copy_ms, 95):.2f} ms", flush=True)
    print(f"BENCH duplicate_recall {recall:.3f} ratio", flush=True)


if __name__ == "__main__":
    instance.run(main, VAR, log)

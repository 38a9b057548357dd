"""Search benchmark: 100,000 generated published articles (German and English), on SQLite FTS5
and on PostgreSQL, queried through `newsdesk.discovery.search.search()`.

    .venv/bin/python bench/search.py

Prints on stdout (everything else goes to stderr):

    BENCH search_index_build_s_sqlite      rebuild() of the FTS5 index (one process)
    BENCH search_p50_ms_sqlite             latency of one search (first page of 20)
    BENCH search_p95_ms_sqlite
    BENCH search_index_build_s_postgresql  the tsvector index, built by BUILD_PROCESSES
    BENCH search_p50_ms_postgresql
    BENCH search_p95_ms_postgresql

A search is measured as a reader's request does it: the query parsed and stemmed, the count
and the ranked page from the index, the page's articles loaded through visible_articles() and
their titles and excerpts highlighted. Queries are two words drawn from the generated
vocabulary: a third with both words as frequent as in the texts (so often in most articles),
a third with one such word and one drawn evenly from the vocabulary, a third with both drawn
evenly (mostly rare words).

Each database runs in a child process with its own settings: SQLite in a private temp
directory, PostgreSQL in a throwaway database `newsdesk_bench_search` (created and dropped;
server from BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres). Knobs,
for experiments only: BENCH_SEARCH_ARTICLES (100000), BENCH_SEARCH_QUERIES (300),
BENCH_SEARCH_BACKENDS ("sqlite postgresql"), BENCH_SEARCH_VAR (an existing directory for
the SQLite instance, kept afterwards, and reused as it is when it holds articles),
BENCH_SEARCH_KEEP=1 (the same for PostgreSQL: the database is created when missing, kept
afterwards, and reused as it is when it holds articles).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = int(os.environ.get("BENCH_SEARCH_ARTICLES", "100000"))
QUERIES = int(os.environ.get("BENCH_SEARCH_QUERIES", "300"))
BACKENDS = os.environ.get("BENCH_SEARCH_BACKENDS", "sqlite postgresql").split()
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = "newsdesk_bench_search"
# Rows per INSERT batch and per index batch.
BATCH = 1000
# PostgreSQL makes a tsvector at about 3 ms per article: two processes build the index.
BUILD_PROCESSES = 2
# Unmeasured searches first: connections, caches, first-call costs.
WARMUP = 20
SEED = 20261126


def log(message: str) -> None:
    print(f"bench search: {message}", file=sys.stderr, flush=True)


# --- the parent: one child per database ------------------------------------------------------


def main() -> int:
    failed = 0
    for backend in BACKENDS:
        kept = os.environ.get("BENCH_SEARCH_VAR") if backend == "sqlite" else None
        var = kept or tempfile.mkdtemp(prefix=f"newsdesk-bench-search-{backend}-")
        env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_SETTINGS}
        env.update(
            NEWSDESK_VAR=var,
            DEBUG="0",  # no query log growing in memory
            DJANGO_SETTINGS_MODULE="newsdesk.settings",
            SECRET_KEY="bench-only-" + "x" * 50,
        )
        keep_database = backend == "postgresql" and os.environ.get("BENCH_SEARCH_KEEP") == "1"
        if backend == "postgresql":
            if not _create_database(reuse=keep_database):
                failed = 1
                continue
            env["DATABASE_URL"] = _database_url(DATABASE)
        try:
            done = subprocess.run([sys.executable, __file__, "--child", backend], env=env)
            failed |= done.returncode != 0
        finally:
            if not kept:
                shutil.rmtree(var, ignore_errors=True)
            if backend == "postgresql" and not keep_database:
                _drop_database()
    return failed


_FOREIGN_SETTINGS = {"DATABASE_URL", "REDIS_URL", "HUEY_IMMEDIATE", "PAGE_CACHE"}


def _database_url(name: str) -> str:
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=10) as connection:
        connection.execute(sql)


def _create_database(*, reuse: bool = False) -> bool:
    """A fresh, empty database; with `reuse`, the existing one is kept as it is."""
    try:
        if reuse and _database_exists():
            return True
        _admin(f"DROP DATABASE IF EXISTS {DATABASE}")
        _admin(f"CREATE DATABASE {DATABASE}")
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL to measure
        log(f"error: no PostgreSQL at {POSTGRES_URL}: {exc}")
        return False
    return True


def _database_exists() -> bool:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=10) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        return found.fetchone() is not None


def _drop_database() -> None:
    try:
        _admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    except Exception as exc:  # noqa: BLE001
        log(f"could not drop {DATABASE}: {exc}")


# --- a child: one database -------------------------------------------------------------------


def child(backend: str) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()
    import numpy as np
    from django.core.management import call_command
    from django.db import connection, connections

    from newsdesk.articles.models import Article  # after django.setup() in this process
    from newsdesk.discovery import search  # after django.setup() in this process

    call_command("migrate", "--noinput", verbosity=0)
    corpus = Corpus()
    reused = Article.objects.exists()  # BENCH_SEARCH_VAR names a kept instance
    start = time.perf_counter()
    if not reused:
        insert_articles(corpus)
        log(f"{backend}: {ARTICLES} articles inserted in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    if reused:
        log(f"{backend}: reusing the articles and index in {os.environ['NEWSDESK_VAR']}")
    elif backend == "postgresql":
        connections.close_all()
        build_in_processes(BUILD_PROCESSES)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        search.rebuild(batch_size=BATCH, progress=_progress)
    build_s = time.perf_counter() - start
    log(f"{backend}: index built in {build_s:.1f} s")

    queries = corpus.queries(QUERIES)
    for text in corpus.queries(WARMUP, seed=SEED + 1):
        search.search(text)
    if os.environ.get("BENCH_SEARCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(lambda: [search.search(text) for text in queries[:30]])
        pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        statements = []

        def timed(execute, sql, params, many, context):
            begin = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                statements.append(((time.perf_counter() - begin) * 1000, sql[:300], params))

        with connection.execute_wrapper(timed):
            for text in queries[:30]:
                search.search(text)
        for ms, sql, params in sorted(statements, key=lambda s: s[0], reverse=True)[:8]:
            log(f"{ms:.1f} ms: {sql} {str(params)[:300]}")
    timings, hits, empty = [], [], 0
    for text in queries:
        begin = time.perf_counter()
        page = search.search(text)
        timings.append((time.perf_counter() - begin) * 1000)
        hits.append(page.total)
        empty += not page.results
    p50, p95 = float(np.percentile(timings, 50)), float(np.percentile(timings, 95))
    log(
        f"{backend}: {len(queries)} queries: p50 {p50:.2f} ms, p95 {p95:.2f} ms, "
        f"max {max(timings):.2f} ms; hits per query: median {int(np.median(hits))}, "
        f"over 5,000: {sum(h > 5000 for h in hits)}, none: {empty}"
    )
    for kind, part in (("common", slice(0, None, 3)), ("mixed", slice(1, None, 3))):
        log(f"{backend}: {kind} pairs: p95 {float(np.percentile(timings[part], 95)):.2f} ms")
    log(f"{backend}: rare pairs: p95 {float(np.percentile(timings[2::3], 95)):.2f} ms")
    print(f"BENCH search_index_build_s_{backend} {build_s:.1f} s", flush=True)
    print(f"BENCH search_p50_ms_{backend} {p50:.2f} ms", flush=True)
    print(f"BENCH search_p95_ms_{backend} {p95:.2f} ms", flush=True)


def _progress(done: int) -> None:
    if done % 20000 == 0:
        log(f"{done} articles indexed")


class Corpus:
    """Titles, leads and bodies drawn from the German and English made-up vocabularies of
    bench/synthetic_texts.py with their Zipf-like frequencies, vectorised (numpy draws all
    words of a batch at once)."""

    def __init__(self):
        import numpy as np
        from synthetic_texts import WORDS_PER_LANGUAGE, TextGenerator

        generator = TextGenerator(SEED)
        self.vocabularies = generator.vocabularies
        self.cdf = generator.cdf
        self.size = WORDS_PER_LANGUAGE
        self.np = np
        # Python lists: indexing them is much faster than converting numpy string arrays.
        self.words = {language: v.tolist() for language, v in self.vocabularies.items()}

    def _draw(self, rng, language: str, n: int) -> list[str]:
        ids = self.np.minimum(self.np.searchsorted(self.cdf, rng.random(n)), self.size - 1)
        words = self.words[language]
        return [words[k] for k in ids.tolist()]

    def batch(self, first: int, count: int) -> list[dict]:
        rng = self.np.random.default_rng([SEED, first])
        sizes = rng.integers((5, 15, 300), (11, 31, 601), size=(count, 3)).tolist()
        languages = ["de" if (first + k) % 2 == 0 else "en" for k in range(count)]
        # One draw per language for the whole batch: per-article draws cost 4x as much.
        words = {
            language: self._draw(
                rng,
                language,
                sum(sum(n) for n, lang in zip(sizes, languages, strict=True) if lang == language),
            )
            for language in ("de", "en")
        }
        used = {"de": 0, "en": 0}
        days = rng.integers(0, 3 * 365, size=count).tolist()
        rows = []
        for offset, ((n_title, n_lead, n_body), language) in enumerate(
            zip(sizes, languages, strict=True)
        ):
            at = used[language]
            mine = words[language][at : at + n_title + n_lead + n_body]
            used[language] = at + len(mine)
            body = mine[n_title + n_lead :]
            paragraphs = [" ".join(body[k : k + 80]) + "." for k in range(0, len(body), 80)]
            rows.append(
                {
                    "i": first + offset,
                    "language": language,
                    "title": " ".join(mine[:n_title]).capitalize(),
                    "lead": " ".join(mine[n_title : n_title + n_lead]).capitalize() + ".",
                    "body": "\n\n".join(paragraphs) + "\n",
                    "body_html": "".join(f"<p>{p}</p>\n" for p in paragraphs),
                    "word_count": n_body,
                    "days_ago": days[offset],
                }
            )
        return rows

    def queries(self, count: int, *, seed: int = SEED) -> list[str]:
        """Two-word queries: common pairs, common + rare, rare pairs, in turn."""
        rng = self.np.random.default_rng([seed, 99])
        queries = []
        for k in range(count):
            language = "de" if rng.random() < 0.5 else "en"
            vocabulary = self.vocabularies[language]
            common = self._draw(rng, language, 2)
            even = vocabulary[rng.integers(0, self.size, 2)].tolist()
            pair = (common, [common[0], even[0]], even)[k % 3]
            queries.append(" ".join(pair))
        return queries


def insert_articles(corpus: Corpus) -> None:
    """ARTICLES published articles straight into the table (no cover, revisions or tasks)."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from newsdesk.accounts.models import User  # after django.setup() in this process
    from newsdesk.articles.models import Article, Section  # after django.setup() in this process

    sections = [
        Section.objects.create(name=f"Ressort {k}", name_en=f"Section {k}", slug=f"section-{k}")
        for k in range(8)
    ]
    authors = [
        User.objects.create_user(f"bench{k}@example.org", display_name=f"Bench Writer {k}")
        for k in range(50)
    ]
    now = timezone.now()
    kinds = [Article.Kind.NEWS] * 6 + [Article.Kind.ANALYSIS, Article.Kind.OPINION]
    for first in range(0, ARTICLES, BATCH):
        rows = corpus.batch(first, min(BATCH, ARTICLES - first))
        articles = [
            Article(
                title=row["title"][:200],
                slug=f"article-{row['i']}",
                lead=row["lead"],
                body=row["body"],
                body_html=row["body_html"],
                word_count=row["word_count"],
                language=row["language"],
                kind=kinds[row["i"] % len(kinds)],
                section=sections[row["i"] % len(sections)],
                author=authors[row["i"] % len(authors)],
                status=Article.Status.PUBLISHED,
                published_at=now - dt.timedelta(days=row["days_ago"], minutes=row["i"] % 1440),
            )
            for row in rows
        ]
        with transaction.atomic():
            Article.objects.bulk_create(articles)
        if (first + BATCH) % 20000 == 0:
            log(f"{first + BATCH} articles inserted")


def build_in_processes(processes: int) -> None:
    """The PostgreSQL index written by `processes` forked children, each over its own share of
    the articles, through the backend's own write(); the database makes tsvectors in parallel."""
    import multiprocessing

    from django.db import connections

    from newsdesk.articles.queries import visible_articles  # after django.setup() in this process

    ids = list(visible_articles().order_by("pk").values_list("pk", flat=True))
    connections.close_all()  # the children must not share this process's connection
    step = -(-len(ids) // processes)
    shares = [ids[k : k + step] for k in range(0, len(ids), step)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        pool.map(_build_share, shares)


def _build_share(ids: list[int]) -> None:
    from django.db import connections

    from newsdesk.discovery.search import postgresql  # after django.setup() in this process
    from newsdesk.discovery.search.documents import document_batches  # after django.setup()

    for documents in document_batches(BATCH, ids):
        postgresql.write(documents)
    connections.close_all()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        sys.exit(main())

"""Newsletter benchmark: one issue with 6 articles to 100,000 confirmed subscribers.

    .venv/bin/python bench/newsletter.py

Prints on stdout (everything else goes to stderr):

    BENCH newsletter_msgs_per_s      messages per second, from starting the workers until both
                                     exit: process start, composition (each worker renders the
                                     issue once), fixing the recipients (100,000 delivery rows),
                                     and sending every message to the sink
    BENCH newsletter_worker_rss_mb   peak RSS (ru_maxrss) of the larger of the two workers

The production setup of workers, as documented in newsletter/tasks.py: two processes running
`newsdesk send_issue ISSUE_ID` at once on the same issue; each leases batches of 500 rows and
sends them over one persistent SMTP connection. The sink is Postfix's smtp-sink
(`smtp-sink -u nobody 127.0.0.1:PORT 1000`), which costs next to nothing per message, so the
figure is newsdesk's own. Exactly once is checked: smtp-sink's counter must equal the number of
recipients and every delivery row must be SENT.

Runs in a private temp directory (SQLite, removed at the end; BENCH_KEEP=1 keeps it) whatever
NEWSDESK_VAR or DATABASE_URL say. With BENCH_NEWSLETTER_POSTGRESQL=postgres://.../postgres (a
server where this user may create databases) it runs again on a throwaway PostgreSQL database
and prints newsletter_msgs_per_s_postgresql and newsletter_worker_rss_mb_postgresql as well.
Knobs, for experiments only: BENCH_NEWSLETTER_SUBSCRIBERS (100000), BENCH_NEWSLETTER_WORKERS (2).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import instance

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIBERS = int(os.environ.get("BENCH_NEWSLETTER_SUBSCRIBERS", "100000"))
WORKERS = int(os.environ.get("BENCH_NEWSLETTER_WORKERS", "2"))
POSTGRESQL = os.environ.get("BENCH_NEWSLETTER_POSTGRESQL", "")
ARTICLES = 6
SMTP_SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
# Rows per INSERT batch while making the subscribers (not timed).
INSERT_BATCH = 5000
SITE_URL = "https://news.example.org"

VAR = instance.environment(
    "newsdesk-bench-newsletter-",
    SITE_URL=SITE_URL,
    HUEY_IMMEDIATE="1",  # the 6 articles' cover renditions are made inline
)


def log(message: str) -> None:
    print(f"bench newsletter: {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_django(database_url: str | None):
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def make_content() -> int:
    """6 published articles (the real write path: Markdown, covers, renditions), a newsletter,
    SUBSCRIBERS confirmed subscribers and a draft issue; returns the issue's id."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone
    from synthetic_texts import TextGenerator

    from newsdesk.accounts.models import User  # after django.setup() in this process
    from newsdesk.articles.actions import save_article  # after django.setup() in this process
    from newsdesk.articles.models import Section  # after django.setup() in this process
    from newsdesk.editorial.actions import publish_article  # after django.setup() in this process
    from newsdesk.newsletter.models import (  # after django.setup()
        Issue,
        IssueArticle,
        Newsletter,
        Subscriber,
        Subscription,
    )

    call_command("migrate", "--noinput", verbosity=0)
    texts = TextGenerator()
    author = User.objects.create_user(email="bench@example.org", display_name="Bench Autorin")
    section = Section.objects.create(name="Wirtschaft", slug="wirtschaft")
    articles = []
    for i in range(ARTICLES):
        body = texts.text(i)
        with transaction.atomic():
            draft = save_article(
                author=author,
                editor=author,
                title=f"Wärmepumpen, Netze und Förderung: Teil {i + 1} der Serie",
                lead=" ".join(body.split()[:45]),
                body=body,
                language="de",
                section=section,
                tags=[],
            )
        articles.append(publish_article(article=draft, by=author, published_at=timezone.now()))
    newsletter = Newsletter.objects.create(
        name="Wirtschaft & Technik",
        slug="wirtschaft-technik",
        language="de",
        section=section,
        from_email="newsletter@news.example.org",
        from_name="newsdesk Wirtschaft",
    )
    now = timezone.now()
    for first in range(0, SUBSCRIBERS, INSERT_BATCH):
        numbers = range(first, min(first + INSERT_BATCH, SUBSCRIBERS))
        with transaction.atomic():
            Subscriber.objects.bulk_create(
                Subscriber(email=f"reader{n}@example.net") for n in numbers
            )
            ids = Subscriber.objects.filter(
                email__in=[f"reader{n}@example.net" for n in numbers]
            ).values_list("pk", flat=True)
            Subscription.objects.bulk_create(
                Subscription(
                    subscriber_id=pk,
                    newsletter=newsletter,
                    status=Subscription.Status.CONFIRMED,
                    confirmed_at=now,
                    consent_version="bench",
                )
                for pk in ids
            )
    issue = Issue.objects.create(
        newsletter=newsletter,
        subject="Die Woche in Wirtschaft und Technik – Ausgabe 48",
        intro="Liebe Leserinnen und Leser,\n\n" + texts.text(1000)[:600],
    )
    for position, article in enumerate(articles, start=1):
        IssueArticle.objects.create(issue=issue, article=article, position=position)
    return issue.pk


def start_sink(port: int, out: Path) -> subprocess.Popen:
    if not Path(SMTP_SINK).exists():
        raise SystemExit("smtp-sink not found: install Postfix (bench/run.sh does)")
    args = [SMTP_SINK, "-c"]
    if os.geteuid() == 0:
        args += ["-u", "nobody"]
    sink = subprocess.Popen(
        [*args, f"127.0.0.1:{port}", "1000"], stdout=out.open("wb"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return sink
        except OSError:
            time.sleep(0.05)
    sink.kill()
    raise SystemExit("smtp-sink did not start")


def sink_count(out: Path) -> int:
    counts = re.findall(rb"mesg=(\d+)", out.read_bytes())
    return int(counts[-1]) if counts else 0


def vm_hwm_kb(pid: int) -> int:
    """Peak resident memory of a running process (VmHWM); 0 once it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) if match else 0


def run_workers(issue_id: int, port: int, database_url: str | None) -> tuple[float, int, list[str]]:
    """Starts WORKERS `newsdesk send_issue` processes; returns (seconds, peak RSS in MB, the
    workers' summaries).

    Peak RSS is VmHWM from /proc, read every 20 ms while the workers run (it only grows, so the
    last reading is the peak but for the last moments). Not ru_maxrss: a child's counts the
    parent's pages it shared between fork and exec, here this whole benchmark process.
    """
    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    env.pop("HUEY_IMMEDIATE", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [sys.executable, "-m", "newsdesk.manage", "send_issue", str(issue_id)]
    logs = [Path(VAR) / f"worker{n}.log" for n in range(WORKERS)]
    start = time.perf_counter()
    workers = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=log_path.open("wb"))
        for log_path in logs
    ]
    peak_kb = dict.fromkeys((w.pid for w in workers), 0)
    while any(w.poll() is None for w in workers):
        for worker in workers:
            peak_kb[worker.pid] = max(peak_kb[worker.pid], vm_hwm_kb(worker.pid))
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    summaries = [w.stdout.read().decode().strip() for w in workers]
    for worker, log_path in zip(workers, logs, strict=True):
        if worker.returncode != 0:
            sys.stderr.write(log_path.read_text())
            raise SystemExit(f"a worker failed with status {worker.returncode}")
    return elapsed, round(max(peak_kb.values()) / 1024), summaries


def check_exactly_once(issue_id: int, delivered: int) -> None:
    from newsdesk.newsletter.models import Delivery, Issue  # after django.setup() in this process

    issue = Issue.objects.get(pk=issue_id)
    statuses = set(Delivery.objects.filter(issue=issue).values_list("status", flat=True))
    if issue.status != Issue.Status.SENT or statuses != {Delivery.Status.SENT}:
        raise SystemExit(f"issue {issue.status}, deliveries {statuses}: not everything was sent")
    if delivered != SUBSCRIBERS or issue.recipient_count != SUBSCRIBERS:
        raise SystemExit(
            f"smtp-sink counted {delivered} messages for {issue.recipient_count} recipients"
        )


def message_size(issue_id: int) -> int:
    from newsdesk.newsletter.mime import IssueMessage, Recipient  # after django.setup()
    from newsdesk.newsletter.models import Delivery, Issue  # after django.setup() in this process

    delivery = Delivery.objects.select_related("subscriber").filter(issue_id=issue_id).first()
    message = IssueMessage(Issue.objects.select_related("newsletter").get(pk=issue_id))
    return len(
        message.build(
            Recipient(delivery.email, delivery.subscriber.link_token, delivery.message_id)
        )
    )


def measure(label: str, database_url: str | None) -> tuple[float, int]:
    from django.db import connections

    start = time.perf_counter()
    issue_id = make_content()
    connections.close_all()
    log(f"{label}: {SUBSCRIBERS} subscribers, {ARTICLES} articles made in "
        f"{time.perf_counter() - start:.1f} s (not timed)")  # fmt: skip
    port = free_port()
    sink_out = Path(VAR) / f"sink-{label}.out"
    sink = start_sink(port, sink_out)
    try:
        log(f"{label}: {WORKERS} x `newsdesk send_issue {issue_id}` to smtp-sink on port {port}")
        elapsed, rss_mb, summaries = run_workers(issue_id, port, database_url)
    finally:
        sink.terminate()
        sink.wait(timeout=10)
    for summary in summaries:
        log(f"{label}: worker: {summary}")
    delivered = sink_count(sink_out)
    check_exactly_once(issue_id, delivered)
    rate = SUBSCRIBERS / elapsed
    log(
        f"{label}: {delivered} messages of {message_size(issue_id)} bytes in {elapsed:.1f} s = "
        f"{rate:.0f} msg/s; peak worker RSS {rss_mb} MB; every row SENT, sink count matches"
    )
    connections.close_all()
    return rate, rss_mb


def postgresql_database(server_url: str) -> tuple[str, str]:
    """A throwaway database on the server: (its URL, its name)."""
    import psycopg

    name = f"newsdesk_bench_newsletter_{os.getpid()}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{name}")), name


def drop_postgresql_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    log(f"instance in {VAR}; load average {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    setup_django(None)
    rate, rss = measure("sqlite", None)
    print(f"BENCH newsletter_msgs_per_s {rate:.0f} msg/s", flush=True)
    print(f"BENCH newsletter_worker_rss_mb {rss} MB", flush=True)
    if POSTGRESQL:
        # Django is set up once per process: PostgreSQL gets a process of its own.
        subprocess.run([sys.executable, __file__, "--postgresql"], check=True)


def main_postgresql() -> None:
    url, name = postgresql_database(POSTGRESQL)
    log(f"throwaway PostgreSQL database {name}")
    try:
        setup_django(url)
        rate, rss = measure("postgresql", url)
    finally:
        from django.db import connections

        connections.close_all()
        drop_postgresql_database(POSTGRESQL, name)
    print(f"BENCH newsletter_msgs_per_s_postgresql {rate:.0f} msg/s", flush=True)
    print(f"BENCH newsletter_worker_rss_mb_postgresql {rss} MB", flush=True)


if __name__ == "__main__":
    instance.run(
        lambda: main_postgresql() if sys.argv[1:] == ["--postgresql"] else main(), VAR, log
    )

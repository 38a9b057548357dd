"""Webhook benchmark: 5,000 events to one endpoint on a local receiver.

    .venv/bin/python bench/webhooks.py

Prints on stdout (everything else goes to stderr):

    BENCH webhook_deliveries_per_s   deliveries per second, from starting the worker until
                                     it exits (process start included): leasing the rows,
                                     signing each body, one HTTP POST per delivery (a new
                                     connection each, as in production), recording the
                                     attempt and marking it delivered

One process running `newsdesk deliver_webhooks` (the loop the huey worker runs,
webhooks/delivery.py), leasing batches and keeping settings.WEBHOOKS_CONCURRENCY (4) requests in
flight. On SQLite one process is the fast setup: a second one mostly waits for the database's
write lock (measured on a loaded 2-core machine: 330-450/s with one, 250-450/s with two). The
receiver is a threaded http.server in a process of its own that answers 204 at once and counts
the requests, so the figure is newsdesk's own. Exactly once is checked: the receiver's count
must equal the number of events and every delivery must be DELIVERED.

Runs in a private temp directory (SQLite, removed at the end; BENCH_KEEP=1 keeps it) whatever
NEWSDESK_VAR or DATABASE_URL say. Knobs, for experiments only: BENCH_WEBHOOK_EVENTS (5000),
BENCH_WEBHOOK_WORKERS (1).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import helpers
import instance

ROOT = Path(__file__).resolve().parent.parent
EVENTS = int(os.environ.get("BENCH_WEBHOOK_EVENTS", "5000"))
WORKERS = int(os.environ.get("BENCH_WEBHOOK_WORKERS", "1"))
# Events emitted per transaction while making them (not timed).
PER_TRANSACTION = 500

VAR = instance.environment(
    "newsdesk-bench-webhooks-",
    # The receiver is on loopback; the outbox's on-commit task goes to a queue nobody reads.
    WEBHOOKS_ALLOW_PRIVATE_TARGETS="1",
    HUEY_IMMEDIATE="0",
)


def log(message: str) -> None:
    print(f"bench webhooks: {message}", file=sys.stderr, flush=True)


def make_events(url: str) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from newsdesk.core.events import emit
    from newsdesk.webhooks.actions import create_endpoint

    call_command("migrate", verbosity=0, interactive=False)
    create_endpoint(url=url, events=["article.published", "article.updated"], created_by=None)
    article = {
        "id": 0,
        "title": "Der Stadtrat beschließt den Haushalt",
        "url": "https://news.example.org/de/a/der-stadtrat-beschliesst-den-haushalt",
        "language": "de",
        "section": "lokales",
        "tags": ["stadtrat", "haushalt"],
        "published_at": "2026-12-04T09:30:00Z",
    }
    for start in range(0, EVENTS, PER_TRANSACTION):
        with transaction.atomic():
            for n in range(start, min(start + PER_TRANSACTION, EVENTS)):
                emit("article.published", current={**article, "id": n})


def main() -> None:
    receiver = subprocess.Popen(
        [sys.executable, "-c", helpers.COUNTING_RECEIVER], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(receiver.stdout.readline())
        import django

        django.setup()
        from django.db.models import Count

        from newsdesk.webhooks.models import Delivery

        make_events(f"http://127.0.0.1:{port}/hook")
        log(f"{EVENTS} events to http://127.0.0.1:{port}/hook, {WORKERS} workers")
        command = [str(ROOT / ".venv" / "bin" / "newsdesk"), "deliver_webhooks"]
        if not Path(command[0]).exists():
            command = [sys.executable, "-m", "newsdesk.manage", "deliver_webhooks"]
        started = time.monotonic()
        workers = [subprocess.Popen(command, stdout=subprocess.DEVNULL) for _ in range(WORKERS)]
        codes = [worker.wait() for worker in workers]
        elapsed = time.monotonic() - started
        if any(codes):
            raise SystemExit(f"a worker failed: exit codes {codes}")
    finally:
        receiver.terminate()
        received = int((receiver.communicate(timeout=30)[0] or "-1").split()[-1])
    states = dict(Delivery.objects.values_list("state").annotate(n=Count("pk")).order_by())
    if received != EVENTS or states != {"delivered": EVENTS}:
        raise SystemExit(f"not exactly once: received {received}, delivery states {states}")
    log(f"{EVENTS} delivered in {elapsed:.2f} s")
    print(f"BENCH webhook_deliveries_per_s {EVENTS / elapsed:.0f} /s", flush=True)


if __name__ == "__main__":
    instance.run(main, VAR, log)

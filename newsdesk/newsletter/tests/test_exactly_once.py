"""Exactly once under kill -9: `newsdesk send_issue` sends 3,000 messages to a real SMTP server
(aiosmtpd) and is killed four times in the middle of batches; restarted until done, every
recipient has the issue, and the only duplicates are the messages in flight at the kills."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from newsdesk.newsletter.sending import CONFIRM_EVERY
from newsdesk.newsletter.tests.test_sending import Collector, SmtpServer

RECIPIENTS = 3000
KILLS = 4
BATCH_SIZE = 100
LEASE_SECONDS = 2
# A slower server (3 ms a message) makes the send last long enough for every kill to land in
# the middle of a batch.
SMTP_DELAY = 0.003

SETUP = f"""
from django.utils import timezone
from newsdesk.articles.tests.factories import article
from newsdesk.newsletter.models import Issue, IssueArticle, Newsletter, Subscriber, Subscription

newsletter = Newsletter.objects.create(
    name="Kill test", slug="kill-test", language="de", from_email="letters@example.org"
)
subscribers = Subscriber.objects.bulk_create(
    Subscriber(email=f"r{{i}}@example.net") for i in range({RECIPIENTS})
)
Subscription.objects.bulk_create(
    Subscription(subscriber=s, newsletter=newsletter, status="confirmed", confirmed_at=timezone.now())
    for s in Subscriber.objects.all()
)
issue = Issue.objects.create(newsletter=newsletter, subject="Die Woche", intro="Hallo")
IssueArticle.objects.create(issue=issue, article=article(), position=1)
print(issue.pk)
"""


def newsdesk(*args: str) -> list[str]:
    return [sys.executable, "-m", "newsdesk.manage", *args]


@pytest.fixture
def instance(tmp_path):
    """A private instance on a SQLite file, migrated, with one issue to 3,000 subscribers."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_HOST", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        NEWSDESK_VAR=str(tmp_path / "var"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'send.sqlite3'}",
        HUEY_IMMEDIATE="1",
        SITE_URL="https://news.example.org",
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
    )
    subprocess.run(newsdesk("migrate", "--noinput", "-v0"), env=env, check=True, timeout=300)
    made = subprocess.run(
        newsdesk("shell", "-c", SETUP), env=env, check=True, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    return env, int(made.stdout.split()[-1]), tmp_path / "send.sqlite3"


def rows(db: Path, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db, timeout=30) as conn:
        return conn.execute(sql, params).fetchall()


def test_kill_9_at_random_moments_loses_nothing_and_duplicates_only_what_was_in_flight(
    instance,
):
    """Killed four times mid-batch and restarted until done: the set of Message-IDs the server
    received is exactly the set of deliveries, every row is SENT, and the duplicates are
    exactly the messages the server had accepted but the dead worker had not yet marked
    (at most CONFIRM_EVERY + 1 per kill)."""
    env, issue_id, db = instance
    rng = random.Random(20261126)
    handler = Collector(delay=SMTP_DELAY)
    in_flight_at_kills = []
    leased_at_kills = []
    command = newsdesk(
        "send_issue", str(issue_id), "--batch-size", str(BATCH_SIZE),
        "--lease-seconds", str(LEASE_SECONDS),
    )  # fmt: skip
    with SmtpServer(handler) as server:
        env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{server.port}"}
        for _kill in range(KILLS):
            before = len(handler.messages)
            counts_at_start = Counter(handler.message_ids())
            worker = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            deadline = time.monotonic() + 60
            while len(handler.messages) == before and time.monotonic() < deadline:
                time.sleep(0.01)  # until this worker is sending
            time.sleep(rng.uniform(0.3, 1.5))
            assert worker.poll() is None, "the send finished before it could be killed"
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            time.sleep(0.3)  # let the server finish a message whose last byte had been sent
            counts = Counter(handler.message_ids())
            marked = {mid for (mid,) in rows(db, "SELECT message_id FROM newsletter_delivery WHERE status = 'sent'")}  # fmt: skip
            # Sent by this worker, accepted by the server, not marked: each goes out once more.
            in_flight_at_kills.append(
                sum(
                    1 for mid, n in counts.items() if n > counts_at_start[mid] and mid not in marked
                )
            )
            leased_at_kills.append(
                rows(db, "SELECT count(*) FROM newsletter_delivery WHERE status = 'sending'")[0][0]
            )
        finished = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=300, check=False
        )
    assert finished.returncode == 0, finished.stderr

    expected = [mid for (mid,) in rows(db, "SELECT message_id FROM newsletter_delivery")]
    received = Counter(handler.message_ids())
    duplicates = sum(n - 1 for n in received.values())
    print(
        f"\nexactly once: {RECIPIENTS} recipients, {KILLS} kills, batch {BATCH_SIZE}, "
        f"rows leased at the kills {leased_at_kills}, accepted but unmarked at the kills "
        f"{in_flight_at_kills}, duplicates {duplicates}"
    )
    assert len(expected) == RECIPIENTS
    assert set(received) == set(expected)  # nobody missing, nothing foreign
    assert all(n > 0 for n in leased_at_kills)  # every kill landed in the middle of a batch
    assert duplicates == sum(in_flight_at_kills)
    assert all(n <= CONFIRM_EVERY + 1 for n in in_flight_at_kills)
    assert rows(db, "SELECT DISTINCT status FROM newsletter_delivery") == [("sent",)]
    assert rows(db, "SELECT status FROM newsletter_issue WHERE id = ?", issue_id) == [("sent",)]

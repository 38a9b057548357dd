"""Exactly once under kill -9: `newsdesk send_issue` sends 3,000 messages to a real SMTP server
(aiosmtpd) and is killed four times in the middle of batches; restarted until done, every
recipient has the issue, and the only duplicates are the messages in flight at the kills.

Each kill lands at a chosen message, not after a random sleep: the server holds its reply to
that message (`Collector.hold`) until the worker has been killed. The worker sends its next
message only after that reply, so at the kill the server has accepted exactly the chosen number
of messages, whatever the speed of the machine.

On a PostgreSQL run (DATABASE_URL=postgres://...) the instance uses a private PostgreSQL
database, otherwise a SQLite file."""

import os
import signal
import subprocess
import time
from collections import Counter

import pytest

from newsdesk.core.tests.instances import Database, instance_env, newsdesk, private_database
from newsdesk.newsletter.delivery import CONFIRM_EVERY
from newsdesk.newsletter.tests.test_sending import Collector, SmtpServer

RECIPIENTS = 3000
# Five confirmation groups per batch, so that kills can land at chosen places inside a group.
BATCH_SIZE = 5 * CONFIRM_EVERY
# (batch of the run, message of that batch) at which each run is killed: all inside a batch, at
# different places in a group of CONFIRM_EVERY (when groups are marked by count: right after a
# group was marked, at the end of a group, inside one), in the first batch and in later ones.
KILLS = [
    (1, CONFIRM_EVERY + 1),
    (2, 2 * CONFIRM_EVERY),
    (1, 3 * CONFIRM_EVERY + CONFIRM_EVERY // 3),
    (3, 4 * CONFIRM_EVERY + CONFIRM_EVERY // 2),
]
# Far longer than any batch takes, so no batch stops at half its lease and hands rows back (a
# batch is then exactly one SMTP connection of BATCH_SIZE messages). Instead of waiting for the
# dead worker's lease, the test expires it (see expire_leases).
LEASE_SECONDS = 600
# Only a guard against a hang (a worker that never reaches its kill point); never a pace.
HOLD_TIMEOUT = 300

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


@pytest.fixture
def database_url(tmp_path):
    """A SQLite file, or on a PostgreSQL run a database of its own, made and dropped here."""
    with private_database(tmp_path, "exactly_once") as url:
        yield url


@pytest.fixture
def instance(tmp_path, database_url):
    """A private instance, migrated, with one issue to 3,000 subscribers."""
    env = instance_env(
        tmp_path, database_url, HUEY_IMMEDIATE="1", SITE_URL="https://news.example.org"
    )
    subprocess.run(newsdesk("migrate", "--noinput", "-v0"), env=env, check=True, timeout=300)
    made = subprocess.run(
        newsdesk("shell", "-c", SETUP), env=env, check=True, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    return env, int(made.stdout.split()[-1]), Database(database_url)


def expire_leases(db: Database) -> None:
    """What LEASE_SECONDS of waiting would do: the dead worker's leases run out, so its rows
    (sent or not) can be taken again. Set back, not waited for, to keep the test free of time."""
    db.rows("UPDATE newsletter_delivery SET claimed_at = '2000-01-01 00:00:00' WHERE status = 'sending'")  # fmt: skip


def wait_until_held(handler: Collector, worker: subprocess.Popen) -> None:
    deadline = time.monotonic() + HOLD_TIMEOUT
    while not handler.held.wait(0.05):
        assert worker.poll() is None, "the send ended before its kill point"
        assert time.monotonic() < deadline, "the send never reached its kill point"


def test_kill_9_mid_batch_loses_nothing_and_duplicates_only_what_was_in_flight(instance):
    """Killed four times at chosen messages in the middle of batches and restarted until done:
    the set of Message-IDs the server received is exactly the set of deliveries, every row is
    SENT, and the duplicates are exactly the messages the server had accepted but the dead
    worker had not yet marked: the held message plus those accepted since the last group was
    marked, so 1 to CONFIRM_EVERY (a group is marked when it reaches CONFIRM_EVERY, or earlier
    after CONFIRM_SECONDS, so where the groups start depends on speed; their size does not)."""
    assert all(1 < message < BATCH_SIZE for _batch, message in KILLS)  # each one mid-batch
    assert RECIPIENTS > BATCH_SIZE * sum(batch for batch, _message in KILLS)  # all full batches
    env, issue_id, db = instance
    handler = Collector()
    in_flight_at_kills = []
    command = newsdesk(
        "send_issue", str(issue_id), "--batch-size", str(BATCH_SIZE),
        "--lease-seconds", str(LEASE_SECONDS),
    )  # fmt: skip
    started = time.monotonic()
    with SmtpServer(handler) as server:
        env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{server.port}"}
        for batch, message in KILLS:
            counts_at_start = Counter(handler.message_ids())
            # Before the first run there are no rows yet; "" is a row no worker holds.
            workers_before = {"", *(w for (w,) in db.rows("SELECT DISTINCT claimed_by FROM newsletter_delivery"))}  # fmt: skip
            handler.hold(connection=batch, message=message)
            worker = subprocess.Popen(
                command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            try:
                wait_until_held(handler, worker)
                held_id = handler.message_ids()[-1]
                # The worker waits for the held reply, so what the database says now is what
                # it says at the kill.
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()
            finally:
                handler.release()
            counts = Counter(handler.message_ids())
            marked = {mid for (mid,) in db.rows("SELECT message_id FROM newsletter_delivery WHERE status = 'sent'")}  # fmt: skip
            # Sent by this worker, accepted by the server, not marked: each goes out once more.
            in_flight = {mid for mid, n in counts.items() if n > counts_at_start[mid]} - marked
            in_flight_at_kills.append(len(in_flight))

            new_workers = {w for (w,) in db.rows("SELECT DISTINCT claimed_by FROM newsletter_delivery")} - workers_before  # fmt: skip
            (worker_id,) = new_workers
            batches = db.rows(
                "SELECT claimed_at, status, count(*) FROM newsletter_delivery "
                "WHERE claimed_by = %s GROUP BY claimed_at, status ORDER BY claimed_at",
                worker_id,
            )
            current = {status: n for at, status, n in batches if at == batches[-1][0]}
            # The kill landed in the chosen batch of this run, a full one, part marked.
            assert len({at for at, _status, _n in batches}) == batch
            assert sum(current.values()) == BATCH_SIZE
            assert set(current) <= {"sent", "sending"} and current["sending"] > 0
            # What the server accepted in this batch is what was marked plus what was in flight.
            assert len(in_flight) == message - current.get("sent", 0)
            assert held_id in in_flight
            assert 1 <= len(in_flight) <= min(message, CONFIRM_EVERY)
            expire_leases(db)
        finished = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=300, check=False
        )
    elapsed = time.monotonic() - started
    assert finished.returncode == 0, finished.stderr

    expected = [mid for (mid,) in db.rows("SELECT message_id FROM newsletter_delivery")]
    received = Counter(handler.message_ids())
    duplicates = sum(n - 1 for n in received.values())
    print(
        f"\nexactly once ({'postgresql' if db.postgresql else 'sqlite'}): {RECIPIENTS} "
        f"recipients, batch {BATCH_SIZE}, kills at (batch, message) {KILLS}, accepted but "
        f"unmarked at the kills {in_flight_at_kills}, duplicates {duplicates}, "
        f"sending took {elapsed:.1f} s"
    )
    assert len(expected) == RECIPIENTS
    assert set(received) == set(expected)  # nobody missing, nothing foreign
    assert duplicates == sum(in_flight_at_kills)
    assert db.rows("SELECT DISTINCT status FROM newsletter_delivery") == [("sent",)]
    assert db.rows("SELECT status FROM newsletter_issue WHERE id = %s", issue_id) == [("sent",)]

"""Exactly once under kill -9: `newsdesk deliver_webhooks` delivers 30 events to a real receiver
on 127.0.0.1 and is killed while the receiver holds its answer to the 11th; a second worker,
started once the dead one's lease has run out, delivers the rest. The receiver gets every event,
each once, except the one in flight at the kill, which comes twice with the same webhook-id.

The kill lands at a chosen request, not after a sleep: the receiver holds that request until
the worker is dead. On a PostgreSQL run (DATABASE_URL=postgres://...) the instance has a
database of its own, otherwise a SQLite file."""

import os
import signal
import subprocess
import threading
import time
from collections import Counter

import pytest
from werkzeug import Response

from newsdesk.core.tests.instances import Database, instance_env, newsdesk, private_database

EVENTS = 30
HELD = 11  # the request the receiver holds until the worker is killed
# Only a guard against a hang, never a pace.
WAIT_SECONDS = 120

SETUP = f"""
from django.db import transaction
from newsdesk.core.events import emit
from newsdesk.webhooks.actions import create_endpoint

endpoint = create_endpoint(url=URL, events=["article.published"], created_by=None)
for n in range({EVENTS}):
    with transaction.atomic():
        emit("article.published", current={{"id": n}})
"""


@pytest.fixture
def database_url(tmp_path):
    with private_database(tmp_path, "webhooks_once") as url:
        yield url


class Receiver:
    """Records each request's webhook-id as it arrives; holds the HELD-th one."""

    def __init__(self):
        self.ids: list[str] = []
        self.held = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, request):
        with self.lock:
            self.ids.append(request.headers["webhook-id"])
            count = len(self.ids)
        if count == HELD:
            self.held.set()
            self.release.wait(WAIT_SECONDS)
        return Response("ok", status=200)


@pytest.fixture
def instance(tmp_path, database_url, httpserver_ipv4):
    receiver = Receiver()
    httpserver_ipv4.expect_request("/hook", method="POST").respond_with_handler(receiver)
    env = instance_env(
        tmp_path,
        database_url,
        # The outbox's on-commit task goes to a queue nobody reads: only the command delivers.
        HUEY_IMMEDIATE="0",
        WEBHOOKS_ALLOW_PRIVATE_TARGETS="1",
    )
    subprocess.run(newsdesk("migrate", "--noinput", "-v0"), env=env, check=True, timeout=300)
    setup = f"URL = {httpserver_ipv4.url_for('/hook')!r}\n{SETUP}"
    subprocess.run(newsdesk("shell", "-c", setup), env=env, check=True, timeout=300)
    return env, receiver, Database(database_url)


def test_kill_9_mid_delivery_repeats_only_the_request_in_flight(instance):
    env, receiver, db = instance
    assert db.rows("SELECT count(*) FROM webhooks_delivery WHERE state = 'pending'") == [(EVENTS,)]
    worker = subprocess.Popen(
        newsdesk("deliver_webhooks", "--concurrency", "1"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not receiver.held.wait(0.05):
            assert worker.poll() is None, "the worker ended before the held request"
            assert time.monotonic() < deadline, "the worker never reached the held request"
        held_id = receiver.ids[-1]
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        receiver.release.set()

    states = dict(db.rows("SELECT state, count(*) FROM webhooks_delivery GROUP BY state"))
    # The ten answered before the kill are marked; the held one and the rest of the batch are
    # still leased to the dead worker.
    assert states == {"delivered": HELD - 1, "delivering": EVENTS - HELD + 1}
    assert db.rows("SELECT state FROM webhooks_delivery WHERE event_id = %s", held_id) == [
        ("delivering",)
    ]
    # What waiting for the lease would do, without the wait.
    db.rows("UPDATE webhooks_delivery SET lease_until = '2000-01-01 00:00:00' WHERE state = 'delivering'")  # fmt: skip

    finished = subprocess.run(
        newsdesk("deliver_webhooks"), env=env, capture_output=True, text=True, timeout=300
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == f"{EVENTS - HELD + 1} attempts"

    expected = {event_id for (event_id,) in db.rows("SELECT id FROM webhooks_event")}
    received = Counter(receiver.ids)
    assert len(expected) == EVENTS
    assert set(received) == expected
    assert {event_id: n for event_id, n in received.items() if n > 1} == {held_id: 2}
    assert sum(received.values()) == EVENTS + 1
    assert db.rows("SELECT DISTINCT state FROM webhooks_delivery") == [("delivered",)]
    # The held request's delivery shows both attempts.
    assert db.rows("SELECT attempts FROM webhooks_delivery WHERE event_id = %s", held_id) == [(2,)]

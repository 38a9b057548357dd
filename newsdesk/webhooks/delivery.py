"""The delivery loop: lease due deliveries (leases.claim), POST each signed body to its
endpoint, record the outcome (leases.record).

One attempt: the URL is checked again (targets.check: a name may have moved to a private
address since it was registered) and the request goes to the checked address; the body is the
event's stored JSON, signed for this attempt's timestamp with every secret in use; the answer's
body is read up to READ_BODY_BYTES. settings.WEBHOOKS_TIMEOUT (10 s) bounds the connection and
every read. No redirect is followed. A batch's requests run on a few threads side by side
(settings.WEBHOOKS_CONCURRENCY), each outcome recorded by the calling thread as soon as it is
back, so a crash repeats only the requests in flight.
"""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from django.conf import settings
from django.utils import timezone

from newsdesk.webhooks import signing, targets
from newsdesk.webhooks.leases import Claimed, Outcome, claim, record_many

# What the deliveries page keeps of a response body, and how much of it is read at most.
STORED_BODY_BYTES = 4096
READ_BODY_BYTES = 64 * 1024
# Rows leased at once; a batch is done well within its lease (leases.LEASE_SECONDS).
BATCH_SIZE = 50
CONCURRENCY = 4
USER_AGENT = "newsdesk-webhooks/1"
# Response headers worth keeping on the page; others are left out.
KEPT_RESPONSE_HEADERS = 30


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}"


def _timeout() -> float:
    return float(getattr(settings, "WEBHOOKS_TIMEOUT", 10))


def send(row: Claimed) -> Outcome:
    """One attempt, with no database access (it runs on a thread of its own)."""
    started = timezone.now()
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        **signing.headers(row.secrets, msg_id=row.event_id, timestamp=timestamp, body=row.body),
    }
    outcome = Outcome(started_at=started, request_headers=headers)
    clock = time.monotonic()
    try:
        target = targets.check(row.url)
        conn = targets.connection(target, timeout=_timeout())
        try:
            conn.request("POST", target.path, body=row.body.encode(), headers=headers)
            response = conn.getresponse()
            body = response.read(READ_BODY_BYTES)
        finally:
            conn.close()
    except targets.TargetRefused as exc:
        outcome.error = exc.messages[0]
    except TimeoutError:
        outcome.error = f"no answer within {_timeout():g} s"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        # Refused, reset, a TLS failure, an answer that is not HTTP.
        outcome.error = f"{type(exc).__name__}: {exc}"
    else:
        outcome.status = response.status
        outcome.response_headers = dict(list(response.getheaders())[:KEPT_RESPONSE_HEADERS])
        outcome.response_body = body[:STORED_BODY_BYTES].decode("utf-8", "replace")
    outcome.latency_ms = round((time.monotonic() - clock) * 1000)
    return outcome


def send_and_record(rows: list, send: Callable, record_many: Callable, concurrency: int) -> int:
    """One attempt for each leased row: `send(row)` on up to `concurrency` threads (it must not
    touch the database), each outcome recorded by the calling thread as soon as it is back
    (`record_many([(row, outcome), ...])` for what came back together), so a crash repeats only
    the requests in flight. The federation's delivery loop runs on this too. How many rows."""
    threads = min(max(1, concurrency), len(rows))
    if threads <= 1:
        for row in rows:
            record_many([(row, send(row))])
        return len(rows)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        waiting = {pool.submit(send, row): row for row in rows}
        while waiting:
            done, _running = wait(waiting, return_when=FIRST_COMPLETED)
            # What came back while the last group was written goes in one transaction.
            record_many([(waiting.pop(future), future.result()) for future in done])
    return len(rows)


def until_done(batch: Callable[[], int], *, max_seconds: float | None) -> int:
    """`batch()` again until it finds nothing (or `max_seconds` passed); the attempts made."""
    started = time.monotonic()
    total = 0
    while max_seconds is None or time.monotonic() - started < max_seconds:
        done = batch()
        if not done:
            break
        total += done
    return total


def deliver_batch(
    *, worker_id: str | None = None, ids: list[int] | None = None, limit: int = BATCH_SIZE
) -> int:
    """Leases one batch of due deliveries and makes one attempt for each; how many it took."""
    owner = f"{worker_id or new_worker_id()}:{secrets.token_hex(4)}"
    rows = claim(lease_owner=owner, limit=limit, ids=ids)
    if not rows:
        return 0
    concurrency = int(getattr(settings, "WEBHOOKS_CONCURRENCY", CONCURRENCY))
    return send_and_record(rows, send, record_many, concurrency)


def deliver_until_done(
    *, ids: list[int] | None = None, max_seconds: float | None = None, worker_id: str | None = None
) -> int:
    """Batches until nothing is due (or `max_seconds` passed); how many attempts were made."""
    return until_done(lambda: deliver_batch(worker_id=worker_id, ids=ids), max_seconds=max_seconds)

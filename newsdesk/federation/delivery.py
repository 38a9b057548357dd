"""The federation outbox's delivery loop: lease due Delivery rows to a worker, POST each stored
body to its inbox signed with its actor's key, record the outcome under the lease. The same
design as the webhooks' (webhooks/leases.py, webhooks/delivery.py), on federation's table.

Exactly once: a row is DELIVERING only under a lease (`lease_owner`, `lease_until`); the UPDATE
that records its outcome names the owner, so a worker whose lease was taken over writes nothing.
A worker killed mid-delivery leaves its rows DELIVERING until the lease expires; then they are
taken again, so what can go out twice is what was in flight at the kill. The copy has the same
activity id, which remote servers deduplicate on.

Outcomes: 2xx delivered. 410 Gone: the inbox is no more, so the followers behind it go and the
row fails. Another 4xx but 408 and 429 will not change on retry: failed. Anything else (a
network error, a refused address, 5xx, 408, 429) is tried again on RETRY_SCHEDULE, over about
four days, then failed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import secrets
import socket
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from newsdesk.federation import remote
from newsdesk.federation.models import Actor, Delivery, Follower
from newsdesk.webhooks.delivery import send_and_record, until_done

D = Delivery.State

# Seconds after a failed attempt before the next: 1 min, 5 min, 30 min, 2 h, 6 h, 12 h, then
# daily: ten attempts over about four days, so a server down for a weekend still gets the
# article. settings.FEDERATION_RETRY_SCHEDULE replaces it (tests).
RETRY_SCHEDULE = [60, 300, 1800, 7200, 21600, 43200, 86400, 86400, 86400]
# Each delay is stretched or shrunk by up to this share, so the retries of one busy publish
# do not all hit a recovering server at the same second.
JITTER = 0.1
# A lease outlasts any batch (at most BATCH_SIZE / concurrency requests of at most the
# delivery timeout each, in a row); a dead worker's rows wait this long.
LEASE_SECONDS = 300
# Rows leased at once: one UPDATE for them, one transaction per group of outcomes.
BATCH_SIZE = 100
# Requests in flight at once: enough to keep the signing and the network busy.
CONCURRENCY = 8
# 4xx answers that may change on retry: a timeout, a rate limit.
RETRYABLE_4XX = {408, 429}
ERROR_LENGTH = 500


def retry_schedule() -> list[float]:
    schedule = getattr(settings, "FEDERATION_RETRY_SCHEDULE", None)
    return list(RETRY_SCHEDULE if schedule is None else schedule)


def lease_seconds() -> int:
    return int(getattr(settings, "FEDERATION_LEASE_SECONDS", LEASE_SECONDS))


def concurrency() -> int:
    return max(1, int(getattr(settings, "FEDERATION_CONCURRENCY", CONCURRENCY)))


def new_worker_id() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}"


@dataclass
class Claimed:
    """A delivery leased to a worker, with what sending it needs."""

    pk: int
    lease_owner: str
    attempts: int
    inbox: str
    body: bytes
    key_id: str
    private_key: object  # a loaded RSA key, shared by the rows of one actor


def claim(*, lease_owner: str, limit: int, ids: list[int] | None = None) -> list[Claimed]:
    """Leases up to `limit` due rows (or of `ids` only) to `lease_owner` in one UPDATE: pending
    rows whose time came, and rows whose lease expired. SKIP LOCKED on PostgreSQL lets workers
    claim side by side; SQLite serialises writers, so the UPDATE alone is atomic there."""
    now = timezone.now()
    with transaction.atomic():
        due = Delivery.objects.filter(
            Q(state=D.PENDING, next_attempt_at__lte=now)
            | Q(state=D.DELIVERING, lease_until__lt=now)
        )
        if ids is not None:
            due = due.filter(pk__in=ids)
        candidates = due.order_by("next_attempt_at", "pk").values("pk")[:limit]
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        claimed = Delivery.objects.filter(pk__in=candidates).update(
            state=D.DELIVERING,
            lease_owner=lease_owner,
            lease_until=now + dt.timedelta(seconds=lease_seconds()),
            attempts=F("attempts") + 1,
        )
    if not claimed:
        return []
    rows = list(
        Delivery.objects.filter(state=D.DELIVERING, lease_owner=lease_owner)
        .values_list("pk", "attempts", "inbox", "body", "actor_id")
        .order_by("pk")
    )
    keys = _keys({actor_id for *_rest, actor_id in rows})
    claimed_rows = []
    for pk, attempts, inbox, body, actor_id in rows:
        claimed_rows.append(
            Claimed(
                pk=pk,
                lease_owner=lease_owner,
                attempts=attempts,
                inbox=inbox,
                body=body.encode(),
                key_id=f"{_actor_url(body)}#main-key",
                private_key=keys[actor_id],
            )
        )
    return claimed_rows


def _keys(actor_ids: set[int]) -> dict[int, object]:
    # Parsing a PEM costs about as much as signing with it: once per actor and batch.
    return {
        pk: serialization.load_pem_private_key(pem.encode(), password=None)
        for pk, pem in Actor.objects.filter(pk__in=actor_ids).values_list("pk", "private_key_pem")
    }


def _actor_url(body: str) -> str:
    # Every activity we send names its actor; the key is `<actor>#main-key` (documents.key_id).
    return json.loads(body)["actor"]


@dataclass
class Outcome:
    status: int | None = None
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def send(row: Claimed) -> Outcome:
    """One attempt, with no database access (it runs on a thread of its own)."""
    try:
        status = remote.post_body(
            row.inbox, row.body, key_id=row.key_id, private_key=row.private_key
        )
    except remote.RemoteError as error:
        return Outcome(error=str(error))
    return Outcome(status=status)


def record_many(results: list[tuple[Claimed, Outcome]]) -> list[str]:
    """Outcomes that came back together, in one transaction (on SQLite every write transaction
    takes the one write lock). Each row still moves only under its own lease."""
    with transaction.atomic():
        return [_record(row, outcome) for row, outcome in results]


def _delay(attempts: int) -> dt.timedelta:
    seconds = retry_schedule()[attempts - 1]
    return dt.timedelta(seconds=seconds * random.uniform(1 - JITTER, 1 + JITTER))


def _record(row: Claimed, outcome: Outcome) -> str:
    """Moves the delivery on under its lease; the new state ("" if the lease was lost)."""
    mine = Delivery.objects.filter(pk=row.pk, state=D.DELIVERING, lease_owner=row.lease_owner)
    now = timezone.now()
    fields = {"last_status": outcome.status, "lease_owner": "", "lease_until": None}
    summary = (outcome.error or f"HTTP {outcome.status}")[:ERROR_LENGTH]
    if outcome.delivered:
        changed = mine.update(
            state=D.DELIVERED, delivered_at=now, next_attempt_at=None, last_error="", **fields
        )
        return D.DELIVERED if changed else ""
    status = outcome.status
    final = status is not None and 400 <= status < 500 and status not in RETRYABLE_4XX
    if final or row.attempts > len(retry_schedule()):
        error = summary if final else f"gave up after {row.attempts} attempts: {summary}"
        if not mine.update(state=D.FAILED, next_attempt_at=None, last_error=error, **fields):
            return ""
        if status == 410:
            # The inbox is gone for good: so are the followers who received there.
            Follower.objects.filter(Q(inbox=row.inbox) | Q(shared_inbox=row.inbox)).delete()
        return D.FAILED
    changed = mine.update(
        state=D.PENDING, next_attempt_at=now + _delay(row.attempts), last_error=summary, **fields
    )
    return D.PENDING if changed else ""


def deliver_batch(
    *, worker_id: str | None = None, ids: list[int] | None = None, limit: int = BATCH_SIZE
) -> int:
    """Leases one batch of due deliveries and makes one attempt for each; how many it took.
    The requests run on a few threads; outcomes are recorded by this thread as they come
    (webhooks.delivery.send_and_record, the same loop as for webhooks)."""
    owner = f"{worker_id or new_worker_id()}:{secrets.token_hex(4)}"
    rows = claim(lease_owner=owner, limit=limit, ids=ids)
    if not rows:
        return 0
    return send_and_record(rows, send, record_many, concurrency())


def deliver_until_done(
    *, ids: list[int] | None = None, max_seconds: float | None = None, worker_id: str | None = None
) -> int:
    """Batches until nothing is due (or `max_seconds` passed); how many attempts were made."""
    return until_done(lambda: deliver_batch(worker_id=worker_id, ids=ids), max_seconds=max_seconds)


def next_retry_before(ids: list[int], before: dt.datetime) -> dt.datetime | None:
    """The earliest retry among `ids` due before `before`, if any."""
    return (
        Delivery.objects.filter(pk__in=ids, state=D.PENDING, next_attempt_at__lt=before)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )

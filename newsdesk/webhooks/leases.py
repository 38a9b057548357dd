"""The delivery loop's writes: lease due deliveries to a worker, and record each attempt's
outcome under that lease.

Exactly once: a row is DELIVERING only under a lease (`lease_owner`, `lease_until`); the UPDATE
that marks it DELIVERED (or schedules its retry) names the owner, so a worker whose lease was
taken over writes nothing. A worker killed mid-delivery leaves its rows DELIVERING until their
lease expires; then they are taken again, and what can go out twice is what was in flight at
the kill: requests sent whose answer was not yet recorded (at most one per connection the
worker had open). Every copy has the same webhook-id, so a receiver can drop the second.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from newsdesk.webhooks.actions import ERROR_LENGTH, disable_endpoint, secrets_in_use
from newsdesk.webhooks.models import Attempt, Delivery, Endpoint

D = Delivery.State

# Seconds after a failed attempt before the next (Svix's schedule): 5 s, 5 min, 30 min, 2 h,
# 5 h, 10 h, 10 h: eight attempts over about 28 hours, so a receiver down for a day still gets
# everything. settings.WEBHOOKS_RETRY_SCHEDULE replaces it (tests).
RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000]
# Each delay is stretched or shrunk by up to this share, so retries of many events spread out.
JITTER = 0.1
# A lease outlasts any batch (its requests, each at most the timeout, run a few side by side);
# a dead worker's rows wait this long before another takes them.
LEASE_SECONDS = 300
# How stale an endpoint's last_success_at may be (it decides disabling after a day of failures).
SUCCESS_RESOLUTION = dt.timedelta(seconds=30)


def retry_schedule() -> list[float]:
    return list(getattr(settings, "WEBHOOKS_RETRY_SCHEDULE", RETRY_SCHEDULE))


def lease_seconds() -> int:
    return int(getattr(settings, "WEBHOOKS_LEASE_SECONDS", LEASE_SECONDS))


@dataclass
class Claimed:
    """A delivery leased to a worker, with what sending it needs."""

    pk: int
    lease_owner: str
    attempts: int
    event_id: str
    event_type: str
    body: str
    endpoint_id: int
    url: str
    secrets: list[str]


def claim(*, lease_owner: str, limit: int, ids: list[int] | None = None) -> list[Claimed]:
    """Leases up to `limit` due rows of enabled endpoints (or of `ids` only) to `lease_owner`
    in one UPDATE: pending rows whose time came, and rows whose lease expired. SKIP LOCKED on
    PostgreSQL lets workers claim side by side; SQLite serialises writers, so the UPDATE alone
    is atomic there."""
    now = timezone.now()
    with transaction.atomic():
        due = Delivery.objects.filter(
            Q(state=D.PENDING, next_attempt_at__lte=now)
            | Q(state=D.DELIVERING, lease_until__lt=now),
            endpoint__enabled=True,
        )
        if ids is not None:
            due = due.filter(pk__in=ids)
        candidates = due.order_by("next_attempt_at", "pk").values("pk")[:limit]
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        claimed = Delivery.objects.filter(pk__in=candidates).update(
            state=D.DELIVERING,
            lease_owner=lease_owner,
            lease_until=now + dt.timedelta(seconds=lease_seconds()),
            attempts=F("attempts") + 1,
            first_attempt_at=Coalesce(F("first_attempt_at"), now),
        )
    if not claimed:
        return []
    rows = (
        Delivery.objects.filter(state=D.DELIVERING, lease_owner=lease_owner)
        .select_related("event", "endpoint")
        .order_by("pk")
    )
    return [
        Claimed(
            pk=row.pk,
            lease_owner=lease_owner,
            attempts=row.attempts,
            event_id=row.event_id,
            event_type=row.event.type,
            body=row.event.body,
            endpoint_id=row.endpoint_id,
            url=row.endpoint.url,
            secrets=secrets_in_use(row.endpoint, now),
        )
        for row in rows
    ]


@dataclass
class Outcome:
    """What one attempt did (delivery.send), to be recorded."""

    started_at: dt.datetime
    request_headers: dict
    latency_ms: int | None = None
    status: int | None = None
    response_headers: dict | None = None
    response_body: str = ""
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _delay(attempts: int) -> dt.timedelta:
    seconds = retry_schedule()[attempts - 1]
    return dt.timedelta(seconds=seconds * random.uniform(1 - JITTER, 1 + JITTER))


def _summary(outcome: Outcome) -> str:
    if outcome.error:
        return outcome.error[:ERROR_LENGTH]
    return f"HTTP {outcome.status}"


def record(row: Claimed, outcome: Outcome) -> str:
    """One outcome, in a transaction of its own (see `_record`)."""
    with transaction.atomic():
        return _record(row, outcome)


def record_many(results: list[tuple[Claimed, Outcome]]) -> list[str]:
    """Outcomes that came back together, in one transaction: on SQLite every write transaction
    takes the database's one write lock, so fewer of them is what lets workers go side by side.
    Each row still moves only under its own lease."""
    with transaction.atomic():
        return [_record(row, outcome) for row, outcome in results]


def _record(row: Claimed, outcome: Outcome) -> str:
    """Writes the attempt and moves the delivery on, under its lease: DELIVERED on a 2xx;
    FAILED and the endpoint disabled on a 410; else PENDING for the next attempt of the
    schedule, or FAILED after the last one (and then the endpoint disabled if nothing reached
    it since this delivery's first attempt). Returns the new state ("" if the lease was lost)."""
    Attempt.objects.create(
        delivery_id=row.pk,
        number=row.attempts,
        started_at=outcome.started_at,
        latency_ms=outcome.latency_ms,
        request_headers=outcome.request_headers,
        response_status=outcome.status,
        response_headers=outcome.response_headers or {},
        response_body=outcome.response_body,
        error=outcome.error[:ERROR_LENGTH],
    )
    mine = Delivery.objects.filter(pk=row.pk, state=D.DELIVERING, lease_owner=row.lease_owner)
    now = timezone.now()
    fields = {"last_status": outcome.status, "lease_owner": "", "lease_until": None}
    if outcome.delivered:
        if not mine.update(state=D.DELIVERED, delivered_at=now, last_error="", **fields):
            return ""
        # The endpoint's row is written only when it changes more than the resolution: not
        # one more write per delivery to a busy endpoint.
        Endpoint.objects.filter(pk=row.endpoint_id).filter(
            Q(consecutive_failures__gt=0)
            | Q(last_success_at__isnull=True)
            | Q(last_success_at__lt=now - SUCCESS_RESOLUTION)
        ).update(consecutive_failures=0, last_success_at=now)
        return D.DELIVERED
    give_up = outcome.status == 410 or row.attempts > len(retry_schedule())
    if give_up:
        error = _summary(outcome)
        if outcome.status != 410:
            error = f"gave up after {row.attempts} attempts: {error}"
        changed = mine.update(
            state=D.FAILED, next_attempt_at=None, last_error=error[:ERROR_LENGTH], **fields
        )
    else:
        changed = mine.update(
            state=D.PENDING,
            next_attempt_at=now + _delay(row.attempts),
            last_error=_summary(outcome),
            **fields,
        )
    if not changed:
        return ""
    Endpoint.objects.filter(pk=row.endpoint_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    if outcome.status == 410:
        disable_endpoint(
            endpoint_id=row.endpoint_id,
            reason="The endpoint answered 410 Gone.",
            notify=True,
        )
    elif give_up and _failing_throughout(row):
        disable_endpoint(
            endpoint_id=row.endpoint_id,
            reason=f"Every attempt failed for {row.attempts} attempts in a row (last: "
            f"{_summary(outcome)}).",
            notify=True,
        )
    return D.FAILED if give_up else D.PENDING


def _failing_throughout(row: Claimed) -> bool:
    """Nothing reached the endpoint since this delivery's first attempt: it has failed for the
    whole schedule (a day), not only for this one event's body."""
    delivery = Delivery.objects.only("first_attempt_at").get(pk=row.pk)
    endpoint = Endpoint.objects.only("last_success_at").get(pk=row.endpoint_id)
    return endpoint.last_success_at is None or endpoint.last_success_at < delivery.first_attempt_at

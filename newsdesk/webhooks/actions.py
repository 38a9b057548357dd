"""Every write of the webhooks app but the delivery loop's own (leases.py): endpoints, their
secrets and state, the outbox, redeliveries and test pings.

The outbox: `record_event` runs inside the transaction of the change (core.events.emit sends
the signal there) and writes one Event and one Delivery per enabled endpoint subscribed to the
type; after the commit a task delivers them. When no endpoint subscribes, nothing is written:
the outbox keeps only what someone is to receive, and an endpoint registered later gets the
events from then on, not a backlog.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsdesk.core.errors import ActionRefused
from newsdesk.core.events import EVENT_TYPES
from newsdesk.webhooks import signing, targets
from newsdesk.webhooks.ids import new_event_id
from newsdesk.webhooks.models import Delivery, Endpoint, Event

logger = logging.getLogger(__name__)

# The ping an admin sends from the endpoint's page; no endpoint subscribes to it.
TEST_EVENT = "webhook.test"
# After a rotation the old secret signs too for this long, so receivers can switch over.
ROTATION_OVERLAP = dt.timedelta(hours=24)
# Rows the page keeps of an error.
ERROR_LENGTH = 500

D = Delivery.State


def event_body(*, event_id: str, event_type: str, created_at, current, previous) -> str:
    """The JSON body every attempt sends, as text (the signature covers these exact bytes)."""
    return json.dumps(
        {
            "id": event_id,
            "type": event_type,
            "created_at": created_at.isoformat().replace("+00:00", "Z"),
            "data": {"current": current, "previous": previous},
        },
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def enqueue(delivery_ids: list[int]) -> None:
    """Starts the delivery task for these rows; if the queue is down, the periodic task
    (tasks.deliver_due_task) takes them within a minute."""
    from newsdesk.webhooks.tasks import deliver_task  # tasks.py imports the delivery loop

    try:
        deliver_task(delivery_ids)
    except Exception:
        logger.exception("could not enqueue webhook deliveries %s", delivery_ids)


def _write_event(*, event_type: str, created_at, current, previous, endpoint_ids) -> list[int]:
    event_id = new_event_id()
    event = Event.objects.create(
        id=event_id,
        type=event_type,
        created_at=created_at,
        body=event_body(
            event_id=event_id,
            event_type=event_type,
            created_at=created_at,
            current=current,
            previous=previous,
        ),
    )
    now = timezone.now()
    rows = Delivery.objects.bulk_create(
        Delivery(event=event, endpoint_id=pk, next_attempt_at=now) for pk in endpoint_ids
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: enqueue(ids))
    return ids


def record_event(*, event_type: str, current, previous, created_at) -> list[int]:
    """The outbox rows for one event (see the module docstring); the new deliveries' ids."""
    subscribed = [
        pk
        for pk, events in Endpoint.objects.filter(enabled=True).values_list("pk", "events")
        if event_type in events
    ]
    if not subscribed:
        return []
    with transaction.atomic():  # a savepoint inside the change's transaction
        return _write_event(
            event_type=event_type,
            created_at=created_at,
            current=current,
            previous=previous,
            endpoint_ids=subscribed,
        )


# --- endpoints ----------------------------------------------------------------------------------


def _clean_events(events) -> list[str]:
    unknown = sorted(set(events) - set(EVENT_TYPES))
    if unknown:
        raise ActionRefused(_("Unknown event type: %(type)s") % {"type": unknown[0]})
    if not events:
        raise ActionRefused(_("Choose at least one event."))
    return [t for t in EVENT_TYPES if t in set(events)]


def create_endpoint(*, url: str, events: list[str], description: str = "", created_by) -> Endpoint:
    """A new enabled endpoint with a fresh secret; the URL is resolved and checked first."""
    targets.check(url)
    endpoint = Endpoint(
        url=url.strip(),
        description=description.strip(),
        events=_clean_events(events),
        secret=signing.new_secret(),
        created_by=created_by,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def update_endpoint(
    *, endpoint: Endpoint, url: str, events: list[str], description: str = ""
) -> Endpoint:
    if url.strip() != endpoint.url:
        targets.check(url)
    endpoint.url = url.strip()
    endpoint.events = _clean_events(events)
    endpoint.description = description.strip()
    endpoint.full_clean()
    endpoint.save(update_fields=["url", "events", "description", "updated_at"])
    return endpoint


def rotate_secret(*, endpoint: Endpoint) -> Endpoint:
    """A new secret; the old one signs beside it for ROTATION_OVERLAP (two signatures)."""
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + ROTATION_OVERLAP
    endpoint.secret = signing.new_secret()
    endpoint.save(
        update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"]
    )
    return endpoint


def secrets_in_use(endpoint: Endpoint, now: dt.datetime | None = None) -> list[str]:
    now = now or timezone.now()
    if endpoint.previous_secret and (endpoint.previous_secret_expires_at or now) > now:
        return [endpoint.secret, endpoint.previous_secret]
    return [endpoint.secret]


@transaction.atomic
def disable_endpoint(*, endpoint_id: int, reason: str, notify: bool) -> bool:
    """Stops deliveries to the endpoint: the waiting ones fail ("endpoint disabled"; an admin
    may redeliver them once it is enabled again), the one in flight finishes its attempt.
    With `notify` (the system disabled it, not an admin) the admins are mailed. True if it
    was enabled."""
    now = timezone.now()
    changed = Endpoint.objects.filter(pk=endpoint_id, enabled=True).update(
        enabled=False, disabled_at=now, disabled_reason=reason[:300], updated_at=now
    )
    if not changed:
        return False
    Delivery.objects.filter(endpoint_id=endpoint_id, state=D.PENDING).update(
        state=D.FAILED, next_attempt_at=None, last_error="endpoint disabled"
    )
    if notify:
        from newsdesk.webhooks import notifications

        transaction.on_commit(lambda: notifications.endpoint_disabled(endpoint_id=endpoint_id))
    return True


def enable_endpoint(*, endpoint: Endpoint) -> Endpoint:
    targets.check(endpoint.url)
    Endpoint.objects.filter(pk=endpoint.pk).update(
        enabled=True,
        disabled_at=None,
        disabled_reason="",
        consecutive_failures=0,
        updated_at=timezone.now(),
    )
    endpoint.refresh_from_db()
    return endpoint


def delete_endpoint(*, endpoint: Endpoint) -> None:
    """The endpoint and its deliveries; events nobody else was to receive go with them."""
    with transaction.atomic():
        event_ids = list(endpoint.deliveries.values_list("event_id", flat=True).distinct())
        endpoint.delete()
        Event.objects.filter(pk__in=event_ids, deliveries__isnull=True).delete()


# --- redeliveries and tests -----------------------------------------------------------------


@transaction.atomic
def redeliver(*, delivery: Delivery) -> Delivery:
    """The same event (same body, same webhook-id, so receivers can tell) to the same endpoint
    again, as a new delivery with its own attempts."""
    if not Endpoint.objects.filter(pk=delivery.endpoint_id, enabled=True).exists():
        raise ActionRefused(_("The endpoint is disabled; enable it first."))
    if delivery.state in (D.PENDING, D.DELIVERING):
        raise ActionRefused(_("This delivery is still on its way."))
    again = Delivery.objects.create(
        event_id=delivery.event_id, endpoint_id=delivery.endpoint_id, next_attempt_at=timezone.now()
    )
    transaction.on_commit(lambda: enqueue([again.pk]))
    return again


@transaction.atomic
def send_test(*, endpoint: Endpoint, user=None) -> Delivery:
    """A `webhook.test` event to this endpoint alone."""
    if not Endpoint.objects.filter(pk=endpoint.pk, enabled=True).exists():
        raise ActionRefused(_("The endpoint is disabled; enable it first."))
    current = {"message": "This is a test from newsdesk.", "site": settings.SITE_URL}
    if user is not None:
        current["sent_by"] = str(user)
    (delivery_id,) = _write_event(
        event_type=TEST_EVENT,
        created_at=timezone.now(),
        current=current,
        previous=None,
        endpoint_ids=[endpoint.pk],
    )
    return Delivery.objects.get(pk=delivery_id)

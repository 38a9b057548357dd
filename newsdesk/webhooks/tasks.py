"""Background work for webhooks: deliver new events at once, retries when due, and take over
deliveries whose worker died (an expired lease); prune old events."""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from newsdesk.webhooks.delivery import deliver_until_done
from newsdesk.webhooks.models import Delivery, Event
from newsdesk.webhooks.queries import next_retry_before

# Retries due sooner than this are scheduled by deliver_task; later ones wait for the periodic
# task.
SOON = dt.timedelta(seconds=60)
# A periodic run stops taking batches after this long, before the next one starts.
PERIODIC_SECONDS = 50
# Events (with their deliveries and attempts) are kept this long for the deliveries page.
RETENTION_DAYS = 30


@db_task()
def deliver_task(delivery_ids: list[int]) -> None:
    """The first attempt of new deliveries, right after the change was committed; a retry
    due before the periodic task's next run (the 5 s one) is scheduled for its time."""
    deliver_until_done(ids=delivery_ids)
    retry_at = next_retry_before(delivery_ids, timezone.now() + SOON)
    if retry_at is not None:
        deliver_task.schedule((delivery_ids,), eta=retry_at)


@db_periodic_task(crontab(minute="*"))
def deliver_due_task() -> None:
    """Every minute: retries whose time came, and rows of a worker that died mid-delivery."""
    deliver_until_done(max_seconds=PERIODIC_SECONDS)


@db_periodic_task(crontab(hour="4", minute="17"))
def prune_events_task() -> None:
    """Daily: events older than the retention whose deliveries are all finished."""
    days = getattr(settings, "WEBHOOKS_RETENTION_DAYS", RETENTION_DAYS)
    cutoff = timezone.now() - dt.timedelta(days=days)
    unfinished = Delivery.objects.filter(
        Q(state=Delivery.State.PENDING) | Q(state=Delivery.State.DELIVERING)
    ).values("event_id")
    Event.objects.filter(created_at__lt=cutoff).exclude(pk__in=unfinished).delete()

"""Background work for federation: deliver new outbox rows at once (delivery.py), retries when
due and rows whose worker died (an expired lease) every minute."""

import datetime as dt
import json

from django.db import IntegrityError, transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from newsdesk.federation.delivery import deliver_until_done, next_retry_before
from newsdesk.federation.models import Actor, Delivery

# Retries due sooner than this are scheduled by deliver_task; later ones wait for the periodic
# task.
SOON = dt.timedelta(seconds=60)
# A periodic run stops taking batches after this long, before the next one starts.
PERIODIC_SECONDS = 50


@db_task()
def deliver_task(delivery_ids: list[int]) -> None:
    """The first attempt of new deliveries, right after the change was committed; a retry
    due before the periodic task's next run is scheduled for its time."""
    deliver_until_done(ids=delivery_ids)
    retry_at = next_retry_before(delivery_ids, timezone.now() + SOON)
    if retry_at is not None:
        deliver_task.schedule((delivery_ids,), eta=retry_at)


@db_periodic_task(crontab(minute="*"))
def deliver_due_task() -> None:
    """Every minute: retries whose time came, and rows of a worker that died mid-delivery."""
    deliver_until_done(max_seconds=PERIODIC_SECONDS)


@db_task()
def send_activity_task(actor_pk: int, actor_url: str, inbox: str, activity: dict) -> int:
    """One activity not about an article (the Accept of a Follow, actions.accept_follow) into
    the outbox and out at once; retried like every delivery. `activity["actor"]` must be
    `actor_url` (its key id is `actor_url#main-key`). The new row's id, or 0 if the actor is
    gone or the activity is already in the outbox for that inbox."""
    if not Actor.objects.filter(pk=actor_pk).exists():
        return 0
    activity = {**activity, "actor": actor_url}
    try:
        with transaction.atomic():
            row = Delivery.objects.create(
                activity_id=activity.get("id") or "",
                activity_type=str(activity.get("type", ""))[:20],
                actor_id=actor_pk,
                inbox=inbox,
                body=json.dumps(activity, ensure_ascii=False, separators=(",", ":")),
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        return 0
    deliver_task.call_local([row.pk])
    return row.pk

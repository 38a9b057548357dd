"""The periodic tasks: due retries and expired leases are delivered; old finished events are
pruned with their deliveries and attempts."""

import datetime as dt

import pytest
from django.utils import timezone

from newsdesk.webhooks import tasks
from newsdesk.webhooks.actions import record_event
from newsdesk.webhooks.models import Delivery, Event
from newsdesk.webhooks.tests.conftest import make_endpoint

pytestmark = pytest.mark.django_db


def test_the_minute_task_delivers_due_retries_and_expired_leases(receiver):
    receiver.expect_request("/hook", method="POST").respond_with_data("ok")
    make_endpoint(receiver.url_for("/hook"))
    for n in range(3):
        record_event(
            event_type="article.published", current={"id": n}, previous=None,
            created_at=timezone.now(),
        )  # fmt: skip
    first, second, third = Delivery.objects.order_by("pk")
    past = timezone.now() - dt.timedelta(seconds=1)
    Delivery.objects.filter(pk=second.pk).update(
        state="delivering", lease_owner="dead", lease_until=past
    )
    Delivery.objects.filter(pk=third.pk).update(
        state="delivering", lease_owner="alive", lease_until=timezone.now() + dt.timedelta(60)
    )
    tasks.deliver_due_task.call_local()
    states = dict(Delivery.objects.values_list("pk", "state"))
    assert states == {first.pk: "delivered", second.pk: "delivered", third.pk: "delivering"}
    assert len(receiver.log) == 2


def test_pruning_keeps_recent_and_unfinished_events(allow_private):
    endpoint = make_endpoint("http://127.0.0.1:9/hook")
    old = timezone.now() - dt.timedelta(days=31)
    ids = []
    for n, state in enumerate(["delivered", "failed", "pending", "delivered"]):
        record_event(
            event_type="article.published", current={"id": n}, previous=None,
            created_at=old if n < 3 else timezone.now(),
        )  # fmt: skip
        delivery = Delivery.objects.get(endpoint=endpoint, event__body__contains=f'"id":{n}}}')
        Delivery.objects.filter(pk=delivery.pk).update(state=state)
        ids.append(delivery.event_id)
    tasks.prune_events_task.call_local()
    assert sorted(Event.objects.values_list("pk", flat=True)) == sorted([ids[2], ids[3]])
    assert Delivery.objects.count() == 2

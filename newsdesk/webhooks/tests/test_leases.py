"""Leases: a claimed delivery is no other worker's until its lease expires, and a worker whose
lease was taken over records nothing on the row. Run on PostgreSQL too (SKIP LOCKED)."""

import datetime as dt

import pytest
from django.utils import timezone

from newsdesk.webhooks import leases
from newsdesk.webhooks.actions import record_event
from newsdesk.webhooks.models import Attempt, Delivery
from newsdesk.webhooks.tests.conftest import make_endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(allow_private):
    make_endpoint("http://127.0.0.1:9/hook")
    for n in range(3):
        record_event(
            event_type="article.published", current={"id": n}, previous=None,
            created_at=timezone.now(),
        )  # fmt: skip
    return list(Delivery.objects.order_by("pk").values_list("pk", flat=True))


def outcome(status):
    return leases.Outcome(started_at=timezone.now(), request_headers={}, status=status)


def test_a_claimed_row_is_not_claimed_again_until_its_lease_expires(three):
    a = leases.claim(lease_owner="a", limit=2)
    assert [row.pk for row in a] == three[:2]
    b = leases.claim(lease_owner="b", limit=5)
    assert [row.pk for row in b] == three[2:]
    assert leases.claim(lease_owner="c", limit=5) == []
    Delivery.objects.filter(pk=three[0]).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )
    c = leases.claim(lease_owner="c", limit=5)
    assert [(row.pk, row.attempts) for row in c] == [(three[0], 2)]


def test_only_the_lease_holder_moves_the_row_on(three):
    (row,) = leases.claim(lease_owner="a", limit=1)
    Delivery.objects.filter(pk=row.pk).update(lease_until=timezone.now() - dt.timedelta(seconds=1))
    (again,) = leases.claim(lease_owner="b", limit=1)
    assert again.pk == row.pk
    assert leases.record(row, outcome(200)) == ""  # a's lease was taken over
    assert Delivery.objects.get(pk=row.pk).state == "delivering"
    assert leases.record(again, outcome(200)) == "delivered"
    assert Delivery.objects.get(pk=row.pk).state == "delivered"
    # Both attempts happened and are on the page.
    assert Attempt.objects.filter(delivery_id=row.pk).count() == 2
    assert leases.claim(lease_owner="c", limit=5, ids=[row.pk]) == []


def test_rows_of_a_disabled_endpoint_are_not_claimed(three):
    Delivery.objects.update(state="delivering", lease_until=timezone.now() - dt.timedelta(1))
    Delivery.objects.first().endpoint.__class__.objects.update(enabled=False)
    assert leases.claim(lease_owner="a", limit=5) == []


def test_a_pending_row_waits_for_its_time(three):
    Delivery.objects.filter(pk=three[1]).update(next_attempt_at=timezone.now() + dt.timedelta(1))
    assert [row.pk for row in leases.claim(lease_owner="a", limit=5)] == [three[0], three[2]]

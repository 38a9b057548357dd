"""Fixtures for the webhooks tests: a receiver on 127.0.0.1 (pytest-httpserver), allowed as a
target, and helpers that emit events the way the apps do."""

import pytest
from django.db import transaction
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.core.events import emit
from newsdesk.webhooks import actions
from newsdesk.webhooks.models import Delivery


@pytest.fixture
def allow_private(settings):
    """The receiver is on loopback: allowed, as a setting allows it."""
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    return settings


@pytest.fixture
def receiver(httpserver_ipv4, allow_private):
    return httpserver_ipv4


@pytest.fixture
def admin(db):
    return UserFactory(admin=True, email="admin@example.org")


def make_endpoint(url, events=("article.published",), user=None):
    return actions.create_endpoint(url=url, events=list(events), created_by=user)


def emit_committed(capture, event_type="article.published", current=None, previous=None):
    """emit() inside a transaction, as the actions call it; the on-commit work (the delivery
    task, run inline: HUEY_IMMEDIATE) runs when it commits."""
    with capture(execute=True):
        with transaction.atomic():
            emit(event_type, current=current or {"id": 1}, previous=previous)


def make_due() -> int:
    """What waiting for the retry would do: pending rows become due now."""
    return Delivery.objects.filter(state=Delivery.State.PENDING).update(
        next_attempt_at=timezone.now()
    )

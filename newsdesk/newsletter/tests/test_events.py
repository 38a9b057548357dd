"""The events the newsletter actions announce (core.events): an issue sent, a subscription
confirmed or ended."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from newsdesk.core.tests.events import listening, types
from newsdesk.newsletter import actions
from newsdesk.newsletter.models import Issue
from newsdesk.newsletter.tests.factories import (
    IssueFactory,
    NewsletterFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db


def test_confirming_is_announced_with_the_newsletters_confirmed():
    weekly, daily = NewsletterFactory(slug="weekly"), NewsletterFactory(slug="daily")
    reader = SubscriberFactory(email="leser@example.org", language="en")
    SubscriptionFactory(subscriber=reader, newsletter=daily, confirmed=True)
    SubscriptionFactory(
        subscriber=reader,
        newsletter=weekly,
        confirmation_hash=actions.hash_token("tok-1"),
        confirmation_expires_at=timezone.now() + dt.timedelta(days=1),
    )
    with listening() as heard:
        assert actions.confirm(token="tok-1", ip="192.0.2.9") == reader
        assert actions.confirm(token="tok-1", ip="192.0.2.9") is None  # used: nothing again
    assert types(heard) == ["subscriber.confirmed"]
    assert heard[0].in_transaction
    assert heard[0].current == {
        "id": reader.pk,
        "email": "leser@example.org",
        "language": "en",
        "newsletters": ["weekly"],
        "subscribed": ["daily", "weekly"],
    }


def test_unsubscribing_announces_only_subscriptions_that_were_confirmed():
    weekly, daily = NewsletterFactory(slug="weekly"), NewsletterFactory(slug="daily")
    reader = SubscriberFactory()
    SubscriptionFactory(subscriber=reader, newsletter=weekly, confirmed=True)
    SubscriptionFactory(subscriber=reader, newsletter=daily)  # pending
    with listening() as heard:
        actions.unsubscribe(subscriber=reader)
        actions.unsubscribe(subscriber=reader)  # idempotent: nothing left to announce
    assert types(heard) == ["subscriber.unsubscribed"]
    assert heard[0].current["newsletters"] == ["weekly"]
    assert heard[0].current["subscribed"] == []


def test_the_subscriber_page_announces_what_it_confirms_and_ends():
    weekly, daily = NewsletterFactory(slug="weekly"), NewsletterFactory(slug="daily")
    reader = SubscriberFactory()
    SubscriptionFactory(subscriber=reader, newsletter=weekly, confirmed=True)
    with listening() as heard:
        actions.update_subscriptions(subscriber=reader, newsletters=[daily])
    assert types(heard) == ["subscriber.unsubscribed", "subscriber.confirmed"]
    assert heard[0].current["newsletters"] == ["weekly"]
    assert heard[1].current["newsletters"] == ["daily"]
    assert heard[1].current["subscribed"] == ["daily"]


def test_an_issue_is_announced_once_when_its_last_delivery_is_done():
    issue = IssueFactory(status=Issue.Status.SENDING, subject="Die Woche in Neustadt")
    with listening() as heard:
        assert actions.finish_if_done(issue)
        actions.finish_if_done(issue)  # already sent: not again
    assert types(heard) == ["newsletter.sent"]
    sent = heard[0].current
    assert (sent["id"], sent["subject"], sent["status"]) == (
        issue.pk,
        "Die Woche in Neustadt",
        "sent",
    )
    assert sent["sent_at"] is not None
    assert sent["api_url"] == (
        f"{settings.SITE_URL}/api/v1/desk/newsletters/{issue.newsletter_id}/issues/{issue.pk}/"
    )

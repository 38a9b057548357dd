"""Double opt-in through the public form and the link in the mail, as a visitor sees it."""

import datetime as dt
import hashlib
import re
import types
from urllib.parse import urlsplit

import django_ratelimit.core
import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from newsdesk.newsletter import actions, tasks
from newsdesk.newsletter.models import Subscriber, Subscription
from newsdesk.newsletter.queries import subscriber_by_link_token
from newsdesk.newsletter.tests.factories import (
    NewsletterFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

# Mail goes out after commit: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)

# English pages, so that the texts asserted here do not change with the German catalogue.
SUBSCRIBE = "/en/newsletters/subscribe/"
CONFIRM_LINK = re.compile(r"https?://[^\s]+/newsletters/confirm/([A-Za-z0-9_-]+)/")
S = Subscription.Status


@pytest.fixture(autouse=True)
def _mail_and_clock(settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The rate limit windows depend on the clock; freeze it so no window ends mid-test.
    clock = types.SimpleNamespace(now=1_900_000_000.0)
    monkeypatch.setattr(
        django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: clock.now)
    )
    cache.clear()
    return clock


@pytest.fixture
def letter():
    return NewsletterFactory(name="Neustadt am Morgen", slug="am-morgen")


def post(client, email, newsletters, *, consent=True, url=SUBSCRIBE, website="", ip="127.0.0.1"):
    data = {"email": email, "newsletters": [n.pk for n in newsletters], "website": website}
    if consent:
        data["consent"] = "on"
    return client.post(url, data, REMOTE_ADDR=ip)


def confirm_path(message) -> str:
    match = CONFIRM_LINK.search(message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def token_of(message) -> str:
    return CONFIRM_LINK.search(message.body).group(1)


class SubscribeTests:
    def test_subscribing_sends_exactly_one_confirmation_mail(self, client, letter):
        """One mail to the address, naming the newsletter and carrying the link; the page only
        says to check the inbox, and the database holds a hash, never the token."""
        response = post(client, "Reader@Example.org", [letter])
        assert response.status_code == 200
        assert "Check your inbox" in response.content.decode()
        assert "X-Page-Cache" not in response
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["Reader@example.org"]
        assert "Neustadt am Morgen" in message.body
        token = token_of(message)
        assert token not in response.content.decode()
        subscription = Subscription.objects.get()
        assert subscription.status == S.PENDING
        assert subscription.confirmation_hash == hashlib.sha256(token.encode()).hexdigest()
        assert subscription.confirmation_expires_at > timezone.now() + dt.timedelta(hours=47)
        assert subscription.requested_ip == "127.0.0.1"
        assert subscriber_by_link_token(token) is None

    def test_the_mail_is_sent_by_the_worker_and_no_token_waits_in_the_queue(
        self, client, letter, monkeypatch
    ):
        """The request only enqueues (it does not wait for the mail server); the task's
        arguments are the subscriber's id, never a token; the worker makes the link."""
        queued = []
        monkeypatch.setattr(tasks, "send_confirmation_task", lambda *a, **k: queued.append((a, k)))
        assert post(client, "queued@example.org", [letter]).status_code == 200
        assert mail.outbox == []
        assert Subscription.objects.get().confirmation_hash == ""
        assert queued == [((Subscriber.objects.get().pk,), {})]
        actions.send_confirmation(subscriber_id=Subscriber.objects.get().pk)  # the worker
        [message] = mail.outbox
        assert client.post(confirm_path(message)).status_code == 200
        assert Subscription.objects.get().status == S.CONFIRMED

    def test_a_queue_that_cannot_be_reached_loses_nothing(self, client, letter, monkeypatch):
        """The subscription is kept and the address may ask again at once."""

        def broken(*args, **kwargs):
            raise ConnectionError("queue down")

        monkeypatch.setattr(tasks, "send_confirmation_task", broken)
        assert post(client, "later@example.org", [letter]).status_code == 200
        assert Subscription.objects.get().status == S.PENDING
        assert Subscriber.objects.get().last_confirmation_sent_at is None

    def test_the_link_confirms_once(self, client, letter):
        """GET shows a button and changes nothing (mail scanners open links); the POST
        confirms and records time, IP and consent version; the link then stops working."""
        post(client, "once@example.org", [letter])
        path = confirm_path(mail.outbox[0])
        page = client.get(path)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Neustadt am Morgen" in html and '<form method="post"' in html
        assert "csrfmiddlewaretoken" not in html
        assert Subscription.objects.get().status == S.PENDING

        done = client.post(path)
        assert done.status_code == 200
        assert "You are subscribed" in done.content.decode()
        subscription = Subscription.objects.get()
        assert subscription.status == S.CONFIRMED
        assert subscription.confirmed_at is not None
        assert subscription.confirmed_ip == "127.0.0.1"
        assert subscription.consent_version == actions.CONSENT_VERSION
        assert subscription.confirmation_hash == ""

        again = client.post(path)
        assert again.status_code == 410
        html = again.content.decode()
        assert "This link no longer works" in html and 'href="/en/newsletters/"' in html
        assert client.get(path).status_code == 410

    def test_an_expired_link_confirms_nothing(self, client, letter):
        post(client, "late@example.org", [letter])
        path = confirm_path(mail.outbox[0])
        Subscription.objects.update(
            confirmation_expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        assert client.get(path).status_code == 410
        response = client.post(path)
        assert response.status_code == 410
        assert "Subscribe again" in response.content.decode()
        assert Subscription.objects.get().status == S.PENDING

    def test_an_unknown_token_confirms_nothing(self, client, letter):
        assert client.post("/en/newsletters/confirm/not-a-token/").status_code == 410
        assert actions.confirm(token="", ip=None) is None

    def test_the_answer_is_the_same_whatever_the_address_is(self, client, letter):
        """New, pending, subscribed and suppressed addresses get the same page, byte for byte."""
        SubscriptionFactory(subscriber__email="pending@example.org", newsletter=letter)
        SubscriptionFactory(
            subscriber__email="subscribed@example.org", newsletter=letter, confirmed=True
        )
        SubscriberFactory(email="bounced@example.org", suppressed=True)
        bodies = {
            email: post(client, email, [letter]).content
            for email in (
                "new@example.org",
                "pending@example.org",
                "Subscribed@example.org",
                "bounced@example.org",
            )
        }
        assert len(set(bodies.values())) == 1
        # Only the new and the pending address needed a confirmation.
        assert sorted(m.to[0] for m in mail.outbox) == ["new@example.org", "pending@example.org"]
        assert Subscription.objects.get(subscriber__email="subscribed@example.org").status == (
            S.CONFIRMED
        )

    def test_one_confirmation_mail_per_address_per_window(self, client, letter):
        """Sending the form again within the window, in any spelling of the address, sends
        nothing; after the window a new mail goes out and only its link works."""
        post(client, "twice@example.org", [letter])
        post(client, "TWICE@example.org", [letter])
        assert len(mail.outbox) == 1
        assert Subscriber.objects.count() == 1

        Subscriber.objects.update(
            last_confirmation_sent_at=timezone.now()
            - actions.CONFIRMATION_WINDOW
            - dt.timedelta(seconds=1)
        )
        post(client, "twice@example.org", [letter])
        assert len(mail.outbox) == 2
        assert client.post(confirm_path(mail.outbox[0])).status_code == 410
        assert client.post(confirm_path(mail.outbox[1])).status_code == 200

    def test_one_mail_lists_every_pending_newsletter(self, client, letter):
        other = NewsletterFactory(name="Sport am Sonntag", slug="sport")
        subscribed = NewsletterFactory(name="Kultur kompakt", slug="kultur")
        SubscriptionFactory(
            subscriber__email="many@example.org", newsletter=subscribed, confirmed=True
        )
        post(client, "many@example.org", [letter, other, subscribed])
        assert len(mail.outbox) == 1
        body = mail.outbox[0].body
        assert "Neustadt am Morgen" in body and "Sport am Sonntag" in body
        assert "Kultur kompakt" not in body
        client.post(confirm_path(mail.outbox[0]))
        statuses = dict(Subscription.objects.values_list("newsletter__slug", "status"))
        assert statuses == {"am-morgen": S.CONFIRMED, "sport": S.CONFIRMED, "kultur": S.CONFIRMED}

    def test_suppressed_addresses_get_nothing(self, client, letter):
        SubscriberFactory(email="gone@example.org", suppressed=True)
        response = post(client, "gone@example.org", [letter])
        assert "Check your inbox" in response.content.decode()
        assert mail.outbox == []

    def test_the_honeypot_answers_like_success_and_does_nothing(self, client, letter):
        human = post(client, "human@example.org", [letter]).content
        bot = post(client, "bot@example.org", [letter], website="http://spam.example").content
        assert bot == human
        assert not Subscriber.objects.filter(email="bot@example.org").exists()
        assert [m.to for m in mail.outbox] == [["human@example.org"]]

    def test_the_form_is_rate_limited_per_ip(self, client, letter, _mail_and_clock):
        """Five a minute and thirty an hour from one address; then a friendly 429."""
        for n in range(5):
            assert post(client, f"r{n}@example.org", [letter]).status_code == 200
        limited = post(client, "r5@example.org", [letter])
        assert limited.status_code == 429
        assert "Too many requests" in limited.content.decode()
        assert not Subscriber.objects.filter(email="r5@example.org").exists()
        # Another visitor is not affected.
        assert post(client, "o@example.org", [letter], ip="192.0.2.9").status_code == 200

        sent = 5
        while sent < 30:
            _mail_and_clock.now += 61
            for _ in range(5):
                assert post(client, f"h{sent}@example.org", [letter]).status_code == 200
                sent += 1
        _mail_and_clock.now += 61
        assert post(client, "over@example.org", [letter]).status_code == 429

    def test_an_invalid_address_shows_the_form_again_with_what_was_typed(self, client, letter):
        response = post(client, "reader(at)example", [letter])
        assert response.status_code == 200
        html = response.content.decode()
        assert "This is not a valid email address" in html
        assert 'value="reader(at)example"' in html
        assert re.search(rf'value="{letter.pk}"[^>]*checked', html)
        assert 'aria-invalid="true"' in html
        assert "csrfmiddlewaretoken" not in html
        assert mail.outbox == [] and not Subscriber.objects.exists()

    def test_consent_and_a_newsletter_are_required(self, client, letter):
        html = post(client, "x@example.org", [letter], consent=False).content.decode()
        assert "Please agree to receive the newsletter by email." in html
        assert 'value="x@example.org"' in html
        html = post(client, "x@example.org", []).content.decode()
        assert "Please choose at least one newsletter." in html
        assert mail.outbox == []

    def test_the_subscribe_endpoint_takes_only_posts(self, client):
        assert client.get(SUBSCRIBE).status_code == 405

    def test_the_mail_speaks_the_language_of_the_form(self, client, letter):
        post(client, "en@example.org", [letter])
        assert "/en/newsletters/confirm/" in mail.outbox[0].body
        assert mail.outbox[0].subject == "Please confirm your newsletter subscription"
        post(client, "de@example.org", [letter], url="/de/newsletters/subscribe/")
        assert "/de/newsletters/confirm/" in mail.outbox[1].body
        languages = dict(Subscriber.objects.values_list("email", "language"))
        assert languages == {"en@example.org": "en", "de@example.org": "de"}

    def test_a_failed_mail_keeps_the_subscription_and_allows_a_retry(
        self, client, letter, settings
    ):
        settings.EMAIL_BACKEND = "newsdesk.newsletter.tests.test_subscribe.BrokenBackend"
        response = post(client, "retry@example.org", [letter])
        assert "Check your inbox" in response.content.decode()
        assert Subscription.objects.get().status == S.PENDING
        assert Subscriber.objects.get().last_confirmation_sent_at is None
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        post(client, "retry@example.org", [letter])
        assert len(mail.outbox) == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("connection refused")

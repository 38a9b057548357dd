"""Deliveries against a real HTTP receiver on 127.0.0.1: retries, 2xx, 410, signatures checked
with the independent `standardwebhooks` package, rotation, disabling after a failed schedule."""

import datetime as dt
import json
import time

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from newsdesk.webhooks import actions
from newsdesk.webhooks.delivery import deliver_until_done
from newsdesk.webhooks.models import Attempt, Delivery, Endpoint, Event
from newsdesk.webhooks.tests.conftest import emit_committed, make_due, make_endpoint

pytestmark = pytest.mark.django_db

ARTICLE = {"id": 7, "title": "Der Stadtrat tagt", "url": "https://news.example.org/a/7"}


def headers_of(request) -> dict:
    return {k.lower(): v for k, v in request.headers.items()}


def test_nothing_is_written_when_no_endpoint_subscribes(
    receiver, django_capture_on_commit_callbacks
):
    """No endpoint for the type (or none enabled): no Event, no Delivery, no request."""
    make_endpoint(receiver.url_for("/hook"), events=["report.received"])
    emit_committed(django_capture_on_commit_callbacks, "article.published", ARTICLE)
    assert Event.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert receiver.log == []


def test_nothing_is_written_for_a_change_rolled_back(receiver):
    from django.db import transaction

    from newsdesk.core.events import emit

    make_endpoint(receiver.url_for("/hook"))
    with pytest.raises(RuntimeError), transaction.atomic():
        emit("article.published", current=ARTICLE)
        raise RuntimeError("the change fails")
    assert Event.objects.count() == 0


def test_500_500_200_delivers_on_the_third_attempt_then_410_disables(
    receiver, admin, django_capture_on_commit_callbacks, mailoutbox
):
    """Two 500s are retried after about 5 s and 5 min, the 200 delivers; every request has the
    same webhook-id and a signature standardwebhooks accepts. A later 410 fails its delivery,
    disables the endpoint and mails the admins; the next event is not even written."""
    for status, text in [(500, "boom"), (500, "boom again"), (200, "thanks")]:
        receiver.expect_ordered_request("/hook", method="POST").respond_with_data(
            text, status=status
        )
    endpoint = make_endpoint(receiver.url_for("/hook"), user=admin)

    emit_committed(django_capture_on_commit_callbacks, "article.published", ARTICLE)
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    first = Attempt.objects.get(delivery=delivery, number=1)
    # 5 s, jittered by up to 10 %.
    assert dt.timedelta(seconds=4.5) <= delivery.next_attempt_at - first.started_at
    assert delivery.next_attempt_at - first.started_at <= dt.timedelta(seconds=5.6)
    assert deliver_until_done() == 0  # not due yet

    make_due()
    assert deliver_until_done() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 2, 500)
    second = Attempt.objects.get(delivery=delivery, number=2)
    assert dt.timedelta(seconds=270) <= delivery.next_attempt_at - second.started_at
    assert delivery.next_attempt_at - second.started_at <= dt.timedelta(seconds=331)

    make_due()
    assert deliver_until_done() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 3, 200)
    assert delivery.delivered_at is not None
    receiver.check_assertions()

    event = Event.objects.get()
    assert event.id.startswith("msg_") and len(event.id) == 30
    expected = {
        "id": event.id,
        "type": "article.published",
        "created_at": event.created_at.isoformat().replace("+00:00", "Z"),
        "data": {"current": ARTICLE, "previous": None},
    }
    assert len(receiver.log) == 3
    for request, _response in receiver.log:
        headers = headers_of(request)
        assert headers["webhook-id"] == event.id
        assert headers["content-type"] == "application/json"
        assert headers["webhook-signature"].startswith("v1,")
        assert Webhook(endpoint.secret).verify(request.get_data(), headers) == expected
        with pytest.raises(WebhookVerificationError):
            Webhook(actions.signing.new_secret()).verify(request.get_data(), headers)
    attempts = Attempt.objects.filter(delivery=delivery).order_by("number")
    assert [(a.number, a.response_status, a.response_body) for a in attempts] == [
        (1, 500, "boom"),
        (2, 500, "boom again"),
        (3, 200, "thanks"),
    ]
    assert all(a.latency_ms is not None for a in attempts)
    assert attempts[0].request_headers["webhook-id"] == event.id
    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.enabled) == (0, True)

    receiver.clear()
    receiver.expect_ordered_request("/hook", method="POST").respond_with_data("", status=410)
    emit_committed(django_capture_on_commit_callbacks, "article.published", {"id": 8})
    gone = Delivery.objects.exclude(pk=delivery.pk).get()
    assert (gone.state, gone.attempts, gone.last_status) == ("failed", 1, 410)
    assert gone.next_attempt_at is None
    endpoint.refresh_from_db()
    assert endpoint.enabled is False
    assert endpoint.disabled_reason == "The endpoint answered 410 Gone."
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["admin@example.org"]
    assert mailoutbox[0].subject == f"Webhook endpoint disabled: {endpoint.url}"
    assert "The endpoint answered 410 Gone." in mailoutbox[0].body
    assert f"/en/webhooks/{endpoint.pk}/" in mailoutbox[0].body

    emit_committed(django_capture_on_commit_callbacks, "article.published", {"id": 9})
    assert Delivery.objects.count() == 2
    assert Event.objects.count() == 2
    assert len(receiver.log) == 1
    receiver.check_assertions()


def test_rotation_sends_both_signatures_until_the_old_secret_expires(
    receiver, django_capture_on_commit_callbacks
):
    """After a rotation each request carries two v1 signatures, one per secret, and each
    secret alone verifies it; once the old one expired only the new one signs."""
    receiver.expect_request("/hook", method="POST").respond_with_data("ok")
    endpoint = make_endpoint(receiver.url_for("/hook"))
    old = endpoint.secret
    actions.rotate_secret(endpoint=endpoint)
    new = endpoint.secret
    assert new != old and new.startswith("whsec_")
    assert endpoint.previous_secret_expires_at - timezone.now() > dt.timedelta(hours=23)

    emit_committed(django_capture_on_commit_callbacks, "article.published", ARTICLE)
    (request, _response), = receiver.log  # fmt: skip
    headers = headers_of(request)
    signatures = headers["webhook-signature"].split(" ")
    assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)
    for secret, signature in [(new, signatures[0]), (old, signatures[1])]:
        alone = {**headers, "webhook-signature": signature}
        assert Webhook(secret).verify(request.get_data(), alone)["data"]["current"] == ARTICLE
        assert Webhook(secret).verify(request.get_data(), headers)["type"] == "article.published"

    Endpoint.objects.filter(pk=endpoint.pk).update(
        previous_secret_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    emit_committed(django_capture_on_commit_callbacks, "article.published", {"id": 2})
    request = receiver.log[-1][0]
    headers = headers_of(request)
    assert len(headers["webhook-signature"].split(" ")) == 1
    Webhook(new).verify(request.get_data(), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(request.get_data(), headers)


def test_failing_for_the_whole_schedule_gives_up_disables_and_mails_admins(
    receiver, admin, django_capture_on_commit_callbacks, mailoutbox
):
    """Eight 503s over the schedule: the delivery gives up, and since nothing reached the
    endpoint meanwhile it is disabled, with one mail to each admin (not to an editor)."""
    from newsdesk.accounts.tests.factories import UserFactory

    UserFactory(editor=True, email="editor@example.org")
    UserFactory(admin=True, email="second-admin@example.org")
    receiver.expect_request("/hook", method="POST").respond_with_data("down", status=503)
    endpoint = make_endpoint(receiver.url_for("/hook"))
    emit_committed(django_capture_on_commit_callbacks, "article.published", ARTICLE)
    for _retry in range(7):
        assert Delivery.objects.get().state == "pending"
        make_due()
        # The mail goes once the worker's transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            assert deliver_until_done() == 1
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", 8)
    assert delivery.last_error == "gave up after 8 attempts: HTTP 503"
    assert len(receiver.log) == 8
    endpoint.refresh_from_db()
    assert endpoint.enabled is False
    assert endpoint.consecutive_failures == 8
    assert endpoint.disabled_reason == (
        "Every attempt failed for 8 attempts in a row (last: HTTP 503)."
    )
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == ["admin@example.org", "second-admin@example.org"]


def test_giving_up_on_one_event_keeps_an_endpoint_that_takes_others(
    receiver, django_capture_on_commit_callbacks, mailoutbox
):
    """An endpoint that refuses one event's body but takes the next one stays enabled when the
    first delivery gives up: it is not down, and no admin is mailed."""

    def by_body(request):
        from werkzeug import Response

        body = json.loads(request.get_data())
        return Response("", status=422 if body["data"]["current"]["id"] == 1 else 204)

    receiver.expect_request("/hook", method="POST").respond_with_handler(by_body)
    endpoint = make_endpoint(receiver.url_for("/hook"))
    emit_committed(django_capture_on_commit_callbacks, "article.published", {"id": 1})
    emit_committed(django_capture_on_commit_callbacks, "article.published", {"id": 2})
    for _retry in range(7):
        make_due()
        deliver_until_done()
    assert sorted(Delivery.objects.values_list("state", "attempts")) == [
        ("delivered", 1),
        ("failed", 8),
    ]
    endpoint.refresh_from_db()
    assert endpoint.enabled is True
    assert mailoutbox == []


def test_a_timeout_is_a_failed_attempt(receiver, settings, django_capture_on_commit_callbacks):
    """An endpoint that does not answer within WEBHOOKS_TIMEOUT: the attempt records the
    timeout and the delivery waits for its retry."""
    import threading

    settings.WEBHOOKS_TIMEOUT = 0.3
    release = threading.Event()

    def stall(request):
        from werkzeug import Response

        release.wait(5)
        return Response("late")

    receiver.expect_request("/hook", method="POST").respond_with_handler(stall)
    make_endpoint(receiver.url_for("/hook"))
    try:
        emit_committed(django_capture_on_commit_callbacks, "article.published", ARTICLE)
    finally:
        release.set()
        # The receiver is shared by the session's tests: let the stalled request finish and be
        # logged here, not in the next test's log.
        deadline = time.monotonic() + 5
        while not receiver.log and time.monotonic() < deadline:
            time.sleep(0.01)
    attempt = Attempt.objects.get()
    assert attempt.error == "no answer within 0.3 s"
    assert attempt.response_status is None
    assert Delivery.objects.get().state == "pending"


def test_redirects_are_not_followed(receiver, django_capture_on_commit_callbacks):
    """A 3xx is a failed attempt; the Location is not requested."""
    receiver.expect_request("/hook", method="POST").respond_with_data(
        "", status=307, headers={"Location": receiver.url_for("/elsewhere")}
    )
    make_endpoint(receiver.url_for("/hook"))
    emit_committed(django_capture_on_commit_callbacks, "article.published", ARTICLE)
    assert [r.path for r, _ in receiver.log] == ["/hook"]
    attempt = Attempt.objects.get()
    assert attempt.response_status == 307
    assert attempt.response_headers["Location"] == receiver.url_for("/elsewhere")
    assert Delivery.objects.get().state == "pending"


def test_response_bodies_are_kept_only_in_part(receiver, django_capture_on_commit_callbacks):
    receiver.expect_request("/hook", method="POST").respond_with_data("x" * 200_000)
    make_endpoint(receiver.url_for("/hook"))
    emit_committed(django_capture_on_commit_callbacks, "article.published", ARTICLE)
    attempt = Attempt.objects.get()
    assert attempt.response_body == "x" * 4096
    assert Delivery.objects.get().state == "delivered"


def test_each_subscribed_endpoint_gets_its_own_delivery(
    receiver, django_capture_on_commit_callbacks
):
    receiver.expect_request("/a", method="POST").respond_with_data("ok")
    receiver.expect_request("/b", method="POST").respond_with_data("ok")
    a = make_endpoint(receiver.url_for("/a"), events=["article.published", "report.received"])
    b = make_endpoint(receiver.url_for("/b"), events=["article.published"])
    make_endpoint(receiver.url_for("/c"), events=["report.received"])
    actions.disable_endpoint(endpoint_id=b.pk, reason="test", notify=False)
    emit_committed(django_capture_on_commit_callbacks, "article.published", ARTICLE)
    assert list(Delivery.objects.values_list("endpoint_id", "state")) == [(a.pk, "delivered")]
    assert [r.path for r, _ in receiver.log] == ["/a"]
    a_secret = Endpoint.objects.get(pk=a.pk).secret
    request = receiver.log[0][0]
    Webhook(a_secret).verify(request.get_data(), headers_of(request))


def test_the_5_second_retry_is_scheduled_not_left_to_the_minute_task(
    receiver, django_capture_on_commit_callbacks
):
    """After a failed first attempt the delivery task schedules itself for the retry's time
    (the periodic task, once a minute, would be late for a 5 s retry)."""
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    receiver.expect_request("/hook", method="POST").respond_with_data("", status=502)
    make_endpoint(receiver.url_for("/hook"))
    emit_committed(django_capture_on_commit_callbacks)
    delivery = Delivery.objects.get()
    (task,) = [t for t in HUEY.scheduled() if t.name == "deliver_task"]
    assert task.args == ([delivery.pk],)
    eta = task.eta.replace(tzinfo=dt.UTC)
    assert abs(eta - delivery.next_attempt_at) < dt.timedelta(milliseconds=1)
    HUEY.flush()

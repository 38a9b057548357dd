"""The webhooks API with a `webhooks:manage` token (admins only): register, read, change,
rotate, test, list deliveries, redeliver, delete; and who else gets what (written out)."""

import pytest
from standardwebhooks.webhooks import Webhook

from newsdesk.accounts import actions as accounts
from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.webhooks import actions
from newsdesk.webhooks.models import Delivery, Endpoint
from newsdesk.webhooks.tests.conftest import emit_committed, make_endpoint

pytestmark = pytest.mark.django_db

BASE = "/api/v1/webhooks/endpoints/"


def token_for(user, scopes):
    _row, token = accounts.create_token(user=user, name="ci", scopes=scopes, expires_in_days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def manage(admin):
    return token_for(admin, ["webhooks:manage"])


def test_register_read_change_and_delete(client, manage, receiver):
    url = receiver.url_for("/hook")
    made = client.post(
        BASE,
        {"url": url, "events": ["report.received", "article.published"], "description": "CI"},
        content_type="application/json",
        **manage,
    )
    assert made.status_code == 201, made.content
    body = made.json()
    endpoint = Endpoint.objects.get()
    assert body["secret"] == endpoint.secret and body["secret"].startswith("whsec_")
    assert body["events"] == ["article.published", "report.received"]  # in EVENT_TYPES order
    assert (body["url"], body["description"], body["enabled"]) == (url, "CI", True)

    listed = client.get(BASE, **manage).json()
    assert [e["id"] for e in listed["data"]] == [endpoint.pk]
    assert "secret" not in listed["data"][0]
    read = client.get(f"{BASE}{endpoint.pk}/", **manage).json()
    assert "secret" not in read
    assert read["deliveries_url"] == f"/api/v1/webhooks/endpoints/{endpoint.pk}/deliveries/"

    changed = client.patch(
        f"{BASE}{endpoint.pk}/",
        {"events": ["newsletter.sent"], "enabled": False},
        content_type="application/json",
        **manage,
    )
    assert changed.status_code == 200
    assert (changed.json()["events"], changed.json()["enabled"]) == (["newsletter.sent"], False)
    again = client.patch(
        f"{BASE}{endpoint.pk}/", {"enabled": True}, content_type="application/json", **manage
    )
    assert again.json()["enabled"] is True

    rotated = client.post(f"{BASE}{endpoint.pk}/rotate-secret/", **manage)
    assert rotated.status_code == 200
    endpoint.refresh_from_db()
    assert rotated.json()["secret"] == endpoint.secret != body["secret"]
    assert endpoint.previous_secret == body["secret"]

    assert client.delete(f"{BASE}{endpoint.pk}/", **manage).status_code == 204
    assert not Endpoint.objects.exists()
    assert client.get(f"{BASE}{endpoint.pk}/", **manage).status_code == 404


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        (
            {"url": "http://127.0.0.1/x", "events": ["article.published"]},
            "url",
            "Webhooks are not sent to 127.0.0.1: 127.0.0.1 is a loopback address.",
        ),
        (
            {"url": "ftp://example.org/", "events": ["article.published"]},
            "url",
            "Webhook URLs must start with http:// or https://.",
        ),
        ({"url": "https://93.184.215.14/", "events": []}, "events", "This list may not be empty."),
        (
            {"url": "https://93.184.215.14/", "events": ["article.deleted"]},
            "events",
            '"article.deleted" is not a valid choice.',
        ),
        ({"events": ["article.published"]}, "url", "This field is required."),
    ],
)
def test_bad_registrations_are_400_problems(client, manage, payload, field, message):
    response = client.post(BASE, payload, content_type="application/json", **manage)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"][field]
    flat = errors if isinstance(errors, list) else [m for ms in errors.values() for m in ms]
    assert flat == [message]
    assert not Endpoint.objects.exists()


def test_send_test_deliveries_and_redeliver(
    client, manage, receiver, django_capture_on_commit_callbacks
):
    receiver.expect_request("/hook", method="POST").respond_with_data("ok")
    endpoint = make_endpoint(receiver.url_for("/hook"))
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"{BASE}{endpoint.pk}/test/", **manage)
    assert sent.status_code == 202
    assert (sent.json()["event_type"], sent.json()["state"]) == ("webhook.test", "pending")
    request = receiver.log[0][0]
    payload = Webhook(endpoint.secret).verify(request.get_data(), dict(request.headers))
    assert payload["type"] == "webhook.test"

    emit_committed(django_capture_on_commit_callbacks, "article.published", {"id": 5})
    listed = client.get(f"{BASE}{endpoint.pk}/deliveries/", **manage).json()
    assert [(d["event_type"], d["state"]) for d in listed["data"]] == [
        ("article.published", "delivered"),
        ("webhook.test", "delivered"),
    ]
    first = listed["data"][0]
    assert first["attempt_log"][0]["response_status"] == 200
    assert first["attempt_log"][0]["response_body"] == "ok"
    assert first["attempt_log"][0]["request_headers"]["webhook-id"] == first["event_id"]

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"{BASE}{endpoint.pk}/deliveries/{first['id']}/redeliver/", **manage)
    assert again.status_code == 202
    assert again.json()["event_id"] == first["event_id"] and again.json()["id"] != first["id"]
    assert [r.headers["webhook-id"] for r, _ in receiver.log][-2:] == [first["event_id"]] * 2
    assert Delivery.objects.get(pk=again.json()["id"]).state == "delivered"

    Delivery.objects.filter(pk=again.json()["id"]).update(state="pending")
    refused = client.post(
        f"{BASE}{endpoint.pk}/deliveries/{again.json()['id']}/redeliver/", **manage
    )
    assert refused.status_code == 409
    assert refused.json()["detail"] == "This delivery is still on its way."


def test_a_delivery_of_another_endpoint_is_404(client, manage, allow_private):
    a = make_endpoint("http://127.0.0.1:9/a")
    b = make_endpoint("http://127.0.0.1:9/b")
    delivery = actions.send_test(endpoint=a)
    response = client.post(f"{BASE}{b.pk}/deliveries/{delivery.pk}/redeliver/", **manage)
    assert response.status_code == 404
    assert client.get(f"{BASE}99999999999999999999/", **manage).status_code == 404


# (method, path, then the status for: no token, a contributor's token, an editor's token with
# every scope an editor may hold, an admin's token without webhooks:manage, an admin's with it)
MATRIX = [
    ("GET", BASE, 401, 403, 403, 403, 200),
    ("POST", BASE, 401, 403, 403, 403, 400),
    ("GET", BASE + "{e}/", 401, 403, 403, 403, 200),
    ("PATCH", BASE + "{e}/", 401, 403, 403, 403, 200),
    ("DELETE", BASE + "{e}/", 401, 403, 403, 403, 204),
    ("POST", BASE + "{e}/rotate-secret/", 401, 403, 403, 403, 200),
    ("POST", BASE + "{e}/test/", 401, 403, 403, 403, 202),
    ("GET", BASE + "{e}/deliveries/", 401, 403, 403, 403, 200),
    ("POST", BASE + "{e}/deliveries/{d}/redeliver/", 401, 403, 403, 403, 202),
    ("PUT", BASE + "{e}/", 405, 405, 405, 405, 405),
    ("GET", BASE + "{e}/test/", 405, 405, 405, 405, 405),
]


@pytest.mark.parametrize("row", MATRIX, ids=[f"{m} {p}" for m, p, *_ in MATRIX])
def test_who_may_call_what(client, allow_private, row):
    method, template, *expected = row
    endpoint = make_endpoint("http://127.0.0.1:9/hook")
    delivery = actions.send_test(endpoint=endpoint)
    Delivery.objects.filter(pk=delivery.pk).update(state="failed")
    path = template.format(e=endpoint.pk, d=delivery.pk)
    callers = [
        {},
        token_for(UserFactory(), ["submissions:write"]),
        token_for(
            UserFactory(editor=True),
            ["submissions:write", "reviews:write", "reports:read", "newsletters:read"],
        ),
        token_for(UserFactory(admin=True), ["subscribers:read", "reports:read"]),
        token_for(UserFactory(admin=True), ["webhooks:manage"]),
    ]
    got = [
        client.generic(method, path, "{}", content_type="application/json", **headers).status_code
        for headers in callers
    ]
    assert got == expected


def test_an_admin_demoted_loses_the_scope(client, allow_private):
    user = UserFactory(admin=True)
    headers = token_for(user, ["webhooks:manage"])
    assert client.get(BASE, **headers).status_code == 200
    user.role, user.is_superuser = "editor", False
    user.save()
    assert client.get(BASE, **headers).status_code == 403

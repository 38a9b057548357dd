"""The admins' webhook pages through the test client: who may open them (written out), adding an
endpoint, its secret, rotating, disabling, sending a test and redelivering."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.accounts.tests.factories import user_for_role
from newsdesk.webhooks import actions
from newsdesk.webhooks.models import Delivery, Endpoint
from newsdesk.webhooks.tests.conftest import emit_committed, make_endpoint

pytestmark = pytest.mark.django_db

# (page, then the status for anonymous, contributor, editor, admin). Anonymous visitors are sent
# to the login page; everyone but admins is told the page does not exist.
PAGES = [
    ("GET", "/en/webhooks/", 302, 404, 404, 200),
    ("GET", "/en/webhooks/{e}/", 302, 404, 404, 200),
    ("POST", "/en/webhooks/{e}/rotate/", 302, 404, 404, 302),
    ("POST", "/en/webhooks/{e}/state/", 302, 404, 404, 302),
    ("POST", "/en/webhooks/{e}/test/", 302, 404, 404, 302),
    ("POST", "/en/webhooks/{e}/deliveries/{d}/redeliver/", 302, 404, 404, 302),
    ("POST", "/en/webhooks/{e}/delete/", 302, 404, 404, 302),
]


@pytest.mark.parametrize("row", PAGES, ids=[f"{m} {p}" for m, p, *_ in PAGES])
def test_pages_by_role(client, allow_private, row):
    method, template, *expected = row
    got = []
    for role in ("anonymous", "contributor", "editor", "admin"):
        endpoint = make_endpoint("http://127.0.0.1:9/hook")
        delivery = actions.send_test(endpoint=endpoint)
        Delivery.objects.filter(pk=delivery.pk).update(state="failed")
        client.logout()
        if role != "anonymous":
            client.force_login(user_for_role(role))
        path = template.format(e=endpoint.pk, d=delivery.pk)
        response = client.get(path) if method == "GET" else client.post(path)
        got.append(response.status_code)
        if role == "anonymous":
            assert response["Location"].startswith("/en/accounts/login/")
    assert got == expected


def test_a_get_changes_nothing(client, admin, allow_private):
    endpoint = make_endpoint("http://127.0.0.1:9/hook")
    client.force_login(admin)
    for action in ("rotate", "state", "test", "delete"):
        assert client.get(f"/en/webhooks/{endpoint.pk}/{action}/").status_code == 405
    assert Endpoint.objects.get().secret == endpoint.secret


def test_adding_an_endpoint_shows_its_secret(client, admin, receiver):
    client.force_login(admin)
    page = client.get("/en/webhooks/").content.decode()
    boxes = re.findall(r'<input type="checkbox" name="events" value="([^"]+)"', page)
    assert boxes[:3] == ["article.published", "article.updated", "article.unpublished"]
    assert len(boxes) == 12
    response = client.post(
        "/en/webhooks/",
        {"url": receiver.url_for("/hook"), "events": ["article.published", "report.received"]},
        follow=True,
    )
    endpoint = Endpoint.objects.get()
    assert response.redirect_chain == [(f"/en/webhooks/{endpoint.pk}/", 302)]
    html = response.content.decode()
    assert "The endpoint was added. Its secret is below." in html
    assert f"<code>{endpoint.secret}</code>" in html
    assert endpoint.events == ["article.published", "report.received"]
    assert endpoint.created_by == admin
    assert "no-store" in response["Cache-Control"]


def test_a_refused_url_is_shown_on_the_form(client, admin):
    client.force_login(admin)
    response = client.post(
        "/en/webhooks/", {"url": "http://169.254.169.254/", "events": ["article.published"]}
    )
    assert response.status_code == 400
    assert (
        "Webhooks are not sent to 169.254.169.254: 169.254.169.254 is a link-local address."
        in response.content.decode()
    )
    assert not Endpoint.objects.exists()


def test_send_test_and_redeliver(client, admin, receiver, django_capture_on_commit_callbacks):
    receiver.expect_request("/hook", method="POST").respond_with_data("received")
    endpoint = make_endpoint(receiver.url_for("/hook"))
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/webhooks/{endpoint.pk}/test/", follow=True)
    assert "A test event is on its way." in response.content.decode()
    (delivery,) = Delivery.objects.all()
    assert (delivery.event.type, delivery.state) == ("webhook.test", "delivered")

    page = client.get(f"/en/webhooks/{endpoint.pk}/").content.decode()
    assert "<code>webhook.test</code>" in page
    assert "received" in page  # the response body, under "Request and response"
    assert f"/en/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/en/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/", follow=True
        )
    assert "The event is being delivered again." in response.content.decode()
    ids = [request.headers["webhook-id"] for request, _ in receiver.log]
    assert ids == [delivery.event_id, delivery.event_id]
    assert Delivery.objects.filter(state="delivered").count() == 2


def test_disable_enable_and_rotate(client, admin, allow_private):
    endpoint = make_endpoint("http://127.0.0.1:9/hook")
    old = endpoint.secret
    client.force_login(admin)
    response = client.post(f"/en/webhooks/{endpoint.pk}/state/", {"enabled": "0"}, follow=True)
    assert "The endpoint is disabled." in response.content.decode()
    assert Endpoint.objects.get().enabled is False
    response = client.post(f"/en/webhooks/{endpoint.pk}/test/", follow=True)
    assert "The endpoint is disabled; enable it first." in response.content.decode()
    client.post(f"/en/webhooks/{endpoint.pk}/state/", {"enabled": "1"})
    assert Endpoint.objects.get().enabled is True

    response = client.post(f"/en/webhooks/{endpoint.pk}/rotate/", follow=True)
    endpoint.refresh_from_db()
    html = response.content.decode()
    assert endpoint.previous_secret == old
    assert f"<code>{endpoint.secret}</code>" in html and f"<code>{old}</code>" in html


def test_delete(client, admin, allow_private):
    endpoint = make_endpoint("http://127.0.0.1:9/hook")
    actions.send_test(endpoint=endpoint)
    client.force_login(admin)
    response = client.post(f"/en/webhooks/{endpoint.pk}/delete/", follow=True)
    assert response.redirect_chain == [("/en/webhooks/", 302)]
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()


def test_the_deliveries_page_queries_do_not_grow_with_rows(
    client, admin, receiver, django_capture_on_commit_callbacks
):
    receiver.expect_request("/hook", method="POST").respond_with_data("ok")
    endpoint = make_endpoint(receiver.url_for("/hook"))
    client.force_login(admin)

    def queries_for_page():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/en/webhooks/{endpoint.pk}/").status_code == 200
        return len(captured)

    emit_committed(django_capture_on_commit_callbacks)
    few = queries_for_page()
    for n in range(5):
        emit_committed(django_capture_on_commit_callbacks, current={"id": n})
    assert queries_for_page() == few


def test_an_id_too_large_for_the_database_is_404(client, admin):
    client.force_login(admin)
    assert client.get("/en/webhooks/99999999999999999999/").status_code == 404
    assert (
        client.get("/en/webhooks/1/deliveries/99999999999999999999/redeliver/").status_code == 405
    )
    assert (
        client.post("/en/webhooks/1/deliveries/99999999999999999999/redeliver/").status_code == 404
    )

"""Every API error is an RFC 9457 problem (application/problem+json), never an HTML page."""

import json

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.urls import path

from newsdesk import urls as project_urls
from newsdesk.accounts.actions import create_token
from newsdesk.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def assert_problem(response, status: int):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) >= {"type", "title", "status", "detail"} and body["status"] == status
    assert "<html" not in response.content.decode().lower()
    return body


@pytest.mark.parametrize(
    "url",
    ["/api/v1/nope/", "/api/v1/articles", "/api/v2/articles/", "/api/", "/api/v1/articles/a/b/"],
)
def test_unknown_api_paths_are_404_problems(client, url):
    assert_problem(client.get(url, headers={"Accept": "text/html"}), 404)
    assert_problem(client.post(url), 404)


def test_a_browser_asking_for_html_still_gets_json(client):
    response = client.get("/api/v1/sections/", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


def test_a_write_to_a_read_endpoint_is_a_405_problem(client):
    body = assert_problem(client.post("/api/v1/articles/", {}), 405)
    assert "POST" in body["detail"]
    assert client.delete("/api/v1/sections/").status_code == 405


def test_a_crash_is_a_500_problem(client, settings):
    """Django's 500 handler answers a problem under /api/ and the site's page elsewhere."""

    def crash(request):
        raise RuntimeError("boom")

    settings.ROOT_URLCONF = __name__
    urlpatterns[:] = [path("api/crash", crash), path("crash", crash)]
    body = assert_problem(client.get("/api/crash"), 500)
    assert "boom" not in body["detail"]
    site = client.get("/crash")
    assert site.status_code == 500 and site["Content-Type"].startswith("text/html")


def test_a_body_over_the_upload_limit_is_a_413_problem(client, settings):
    """Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE before any view reads it; under
    /api/ that is a problem too (an admin's token, so the view gets as far as reading it)."""
    admin = UserFactory(admin=True)
    _row, token = create_token(
        user=admin, name="big", scopes=["webhooks:manage"], expires_in_days=1
    )
    big = json.dumps({"url": "https://example.org/hook", "description": "x" * (4 << 20)})
    response = client.post(
        "/api/v1/webhooks/endpoints/",
        big,
        "application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    body = assert_problem(response, 413)
    assert body["detail"] == "The request body is larger than 3 MB."


def test_django_own_400_is_a_problem_under_api_and_a_page_elsewhere(client, settings):
    def read(request):
        raise SuspiciousOperation("bad")

    settings.ROOT_URLCONF = __name__
    urlpatterns[:] = [path("api/read", read), path("read", read)]
    assert (
        assert_problem(client.post("/api/read"), 400)["detail"] == "The request could not be read."
    )
    site = client.post("/read")
    assert site.status_code == 400 and site["Content-Type"].startswith("text/html")


urlpatterns: list = []
handler400 = project_urls.handler400
handler500 = project_urls.handler500


def test_the_rate_limit_answers_429_with_headers(client, settings):
    """Per client address (TRUSTED_PROXY_COUNT decides which), with the draft IETF headers."""
    # A day's window: a minute's could end between two of the requests.
    settings.API_ANONYMOUS_RATE = "3/d"
    settings.TRUSTED_PROXY_COUNT = 1
    me = {"HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    first = client.get("/api/v1/sections/", **me)
    assert first["RateLimit-Policy"] == '"anonymous";q=3;w=86400'
    assert first["RateLimit"].startswith('"anonymous";r=2;t=')
    client.get("/api/v1/sections/", **me)
    client.get("/api/v1/sections/", **me)
    limited = client.get("/api/v1/sections/", **me)
    body = assert_problem(limited, 429)
    assert int(limited["Retry-After"]) >= 1 and body["detail"]
    assert limited["RateLimit"].startswith('"anonymous";r=0;t=')
    # Another client (another X-Forwarded-For entry from our proxy) is not limited.
    other = client.get("/api/v1/sections/", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 200

"""Personal access tokens on the API: Bearer, 401 with WWW-Authenticate, 403 insufficient_scope,
expiry, revocation, a role that no longer allows a scope, per-token rate limits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.accounts import actions
from newsdesk.accounts.models import ApiToken, User
from newsdesk.accounts.tokens import digest_of

pytestmark = pytest.mark.django_db


def make_user(role="contributor", email="c@example.org"):
    return User.objects.create_user(email, "pw-123456789", display_name="Tess", role=role)


def make_token(user, scopes, days=30):
    return actions.create_token(user=user, name="ci", scopes=scopes, expires_in_days=days)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_token_is_stored_hashed_with_prefix_and_answers_me(client):
    user = make_user()
    row, token = make_token(user, ["submissions:write"])
    assert token.startswith(f"ndt_{row.prefix}_")
    assert row.digest == digest_of(token) and token not in row.digest
    stored = ApiToken.objects.get(pk=row.pk)
    assert token not in repr(stored.__dict__)
    response = client.get("/api/v1/me/", **bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["role"] == "contributor"
    assert body["token"]["scopes"] == ["submissions:write"]
    assert ApiToken.objects.get(pk=row.pk).last_used_at is not None
    assert response["RateLimit-Policy"].startswith('"token";')


@pytest.mark.parametrize(
    "header",
    ["Bearer ndt_0000000000_nope", "Bearer nonsense", "Bearer", "Basic dXNlcjpwdw==", "Bearer a b"],
)
def test_bad_token_is_401_with_www_authenticate(client, header):
    make_token(make_user(), ["submissions:write"])
    response = client.get("/api/v1/articles/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith('Bearer realm="newsdesk API"')
    assert response.json()["status"] == 401


def test_wrong_secret_with_a_real_prefix_is_401(client):
    row, token = make_token(make_user(), ["submissions:write"])
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = client.get("/api/v1/me/", **bearer(forged))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_no_token_where_one_is_needed_is_401(client):
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="newsdesk API"'


def test_expired_and_revoked_tokens_are_401(client):
    user = make_user()
    row, token = make_token(user, ["submissions:write"])
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me/", **bearer(token)).status_code == 401
    row2, token2 = make_token(user, ["submissions:write"])
    assert client.get("/api/v1/me/", **bearer(token2)).status_code == 200
    assert actions.revoke_token(user=user, token_id=row2.pk)
    assert client.get("/api/v1/me/", **bearer(token2)).status_code == 401
    other = make_user(email="o@example.org")
    row3, _token3 = make_token(user, ["submissions:write"])
    assert not actions.revoke_token(user=other, token_id=row3.pk)


def test_inactive_user_token_is_401(client):
    user = make_user()
    _row, token = make_token(user, ["submissions:write"])
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/api/v1/me/", **bearer(token)).status_code == 401


def test_scopes_a_role_may_not_hold_are_refused():
    contributor = make_user()
    for scope in ["reviews:write", "reports:read", "subscribers:read", "webhooks:manage", "x"]:
        with pytest.raises(actions.ValidationError):
            make_token(contributor, [scope])
    editor = make_user("editor", "e@example.org")
    make_token(editor, ["reviews:write", "reports:read", "reports:write", "newsletters:read"])
    with pytest.raises(actions.ValidationError):
        make_token(editor, ["subscribers:read"])
    admin = make_user("admin", "a@example.org")
    make_token(admin, ["subscribers:read", "reviews:write", "webhooks:manage"])
    with pytest.raises(actions.ValidationError):
        make_token(admin, ["webhooks:read"])  # not a scope


@pytest.mark.parametrize("days", [0, 367, None])
def test_every_token_expires_within_a_year(days):
    with pytest.raises(actions.ValidationError):
        make_token(make_user(), ["submissions:write"], days=days)


def test_demoted_editor_token_loses_the_scope(client):
    editor = make_user("editor", "e@example.org")
    _row, token = make_token(editor, ["reviews:write", "submissions:write"])
    assert client.get("/api/v1/me/", **bearer(token)).json()["token"]["usable_scopes"] == [
        "reviews:write",
        "submissions:write",
    ]
    actions.set_role(user=editor, role="contributor")
    body = client.get("/api/v1/me/", **bearer(token)).json()
    assert body["token"]["usable_scopes"] == ["submissions:write"]


def test_per_token_rate_limit_is_429_with_headers(client, settings):
    settings.API_TOKEN_RATE = "2/m"
    _row, token = make_token(make_user(), ["submissions:write"])
    _row2, token2 = make_token(make_user(email="x@example.org"), ["submissions:write"])
    assert client.get("/api/v1/me/", **bearer(token)).status_code == 200
    assert client.get("/api/v1/me/", **bearer(token)).status_code == 200
    limited = client.get("/api/v1/me/", **bearer(token))
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert limited["RateLimit-Policy"] == '"token";q=2;w=60'
    assert limited["RateLimit"].startswith('"token";r=0;')
    # Another token from the same address has its own allowance.
    assert client.get("/api/v1/me/", **bearer(token2)).status_code == 200

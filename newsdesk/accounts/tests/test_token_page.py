"""Personal access tokens on the account page: listing, creating (the token shown once), revoking,
the scopes a role is offered, errors that keep the input, the rate limit, the German page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.accounts import tokens
from newsdesk.accounts.actions import create_token
from newsdesk.accounts.models import ApiToken
from newsdesk.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PROFILE = "/en/account/profile/"
CREATE = "/en/account/tokens/"
TOKEN_RE = re.compile(r"ndt_[0-9a-f]{10}_[A-Za-z0-9_-]+")


def revoke_url(row):
    return f"/en/account/tokens/{row.pk}/revoke/"


@pytest.fixture
def writer(client):
    user = UserFactory()
    client.force_login(user)
    return user


def checkbox_values(html):
    return re.findall(r'<input type="checkbox" name="scopes" value="([^"]+)"', html)


def test_page_lists_the_users_tokens_only(client, writer):
    row, _token = create_token(
        user=writer, name="laptop script", scopes=["submissions:write"], expires_in_days=30
    )
    create_token(
        user=UserFactory(), name="not mine", scopes=["submissions:write"], expires_in_days=7
    )
    response = client.get(PROFILE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "laptop script" in html and f"ndt_{row.prefix}_…" in html
    assert "not mine" not in html
    assert ">active<" in html


def test_created_token_is_shown_once_stored_as_digest_and_works_until_revoked(client, writer):
    response = client.post(
        CREATE,
        {"name": "CI", "scopes": ["submissions:write"], "expires_in_days": "30"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/account/profile/")
    page = client.get(PROFILE)
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    shown = TOKEN_RE.findall(html)
    assert len(shown) == 1
    token = shown[0]
    assert f'<code id="new-token-value">{token}</code>' in html
    assert "won&#x27;t be shown again" in html or "won't be shown again" in html
    # Only once: the next page has no secret on it.
    assert not TOKEN_RE.search(client.get(PROFILE).content.decode())

    row = ApiToken.objects.get(user=writer)
    assert row.name == "CI" and row.scopes == ["submissions:write"]
    assert tokens.digest_of(token) == row.digest and token not in repr(row.__dict__)
    assert 29 <= (row.expires_at - row.created_at).days <= 30

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    client.logout()
    assert client.get("/api/v1/me/", **bearer).status_code == 200
    client.force_login(writer)
    response = client.post(revoke_url(row))
    assert response.status_code == 302
    client.logout()
    assert client.get("/api/v1/me/", **bearer).status_code == 401
    client.force_login(writer)
    html = client.get(PROFILE).content.decode()
    assert ">revoked<" in html and revoke_url(row) not in html


def test_revoking_someone_elses_token_is_404(client, writer):
    row, _token = create_token(
        user=UserFactory(), name="theirs", scopes=["submissions:write"], expires_in_days=7
    )
    assert client.post(revoke_url(row)).status_code == 404
    assert client.post("/en/account/tokens/999999/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=row.pk).revoked_at is None


def test_revoke_and_create_are_post_only_and_need_a_login(client):
    row, _token = create_token(
        user=UserFactory(), name="theirs", scopes=["submissions:write"], expires_in_days=7
    )
    assert client.post(CREATE, {"name": "x"}).status_code == 302
    assert client.post(revoke_url(row)).status_code == 302
    client.force_login(row.user)
    assert client.get(CREATE).status_code == 405
    assert client.get(revoke_url(row)).status_code == 405
    assert ApiToken.objects.get(pk=row.pk).revoked_at is None


def test_revoke_needs_csrf(writer):
    from django.test import Client

    row, _token = create_token(
        user=writer, name="mine", scopes=["submissions:write"], expires_in_days=7
    )
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(writer)
    assert strict.post(revoke_url(row)).status_code == 403
    assert ApiToken.objects.get(pk=row.pk).revoked_at is None


def test_revoking_twice_says_so(client, writer):
    row, _token = create_token(
        user=writer, name="mine", scopes=["submissions:write"], expires_in_days=7
    )
    client.post(revoke_url(row))
    response = client.post(revoke_url(row), follow=True)
    assert "already revoked" in response.content.decode()


def test_scopes_offered_follow_the_role(client):
    client.force_login(UserFactory())
    html = client.get(PROFILE).content.decode()
    assert checkbox_values(html) == ["submissions:write"]
    client.force_login(UserFactory(admin=True))
    html = client.get(PROFILE).content.decode()
    assert checkbox_values(html) == list(tokens.SCOPES)
    assert len(checkbox_values(html)) == 7
    assert str(tokens.SCOPES["subscribers:read"]) in html


def test_lifetime_choices_default_to_90_days(client, writer):
    html = client.get(PROFILE).content.decode()
    values = re.findall(r'<option value="(\d+)"', html)
    assert values == ["7", "30", "90", "366"]
    assert '<option value="90" selected>' in html


def test_a_contributor_cannot_post_an_editor_scope(client, writer):
    response = client.post(
        CREATE, {"name": "sneaky", "scopes": ["reviews:write"], "expires_in_days": "30"}
    )
    assert response.status_code == 200
    assert not ApiToken.objects.exists()
    assert 'value="sneaky"' in response.content.decode()


def test_bad_input_shows_errors_and_keeps_what_was_typed(client, writer):
    response = client.post(CREATE, {"name": "Kept Name", "expires_in_days": "30"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Kept Name"' in html and "Choose at least one scope." in html
    assert '<option value="30" selected>' in html
    response = client.post(
        CREATE, {"name": "   ", "scopes": ["submissions:write"], "expires_in_days": "30"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Give the token a name." in html
    assert re.search(r'value="submissions:write"[^>]*checked', html)
    response = client.post(
        CREATE, {"name": "x", "scopes": ["submissions:write"], "expires_in_days": "9999"}
    )
    assert response.status_code == 200 and 'value="x"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_creation_is_rate_limited_per_user(client, writer, settings):
    settings.RATELIMIT_ENABLE = True
    data = {"name": "many", "scopes": ["submissions:write"], "expires_in_days": "7"}
    for _ in range(20):
        assert client.post(CREATE, data).status_code == 302
    response = client.post(CREATE, data)
    assert response.status_code == 429
    html = response.content.decode()
    assert "too many tokens" in html and 'value="many"' in html
    assert ApiToken.objects.filter(user=writer).count() == 20


def test_expired_and_revoked_tokens_show_their_state_and_no_revoke_button(client, writer):
    expired, _token = create_token(
        user=writer, name="old", scopes=["submissions:write"], expires_in_days=7
    )
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    revoked, _token = create_token(
        user=writer, name="gone", scopes=["submissions:write"], expires_in_days=7
    )
    client.post(revoke_url(revoked))
    html = client.get(PROFILE).content.decode()
    assert ">expired<" in html and ">revoked<" in html and ">active<" not in html
    assert revoke_url(expired) not in html and revoke_url(revoked) not in html


def test_german_page_renders(client, writer):
    create_token(user=writer, name="Skript", scopes=["submissions:write"], expires_in_days=7)
    response = client.get("/de/account/profile/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="de"' in html and "Skript" in html and "Ihr Profil" in html
    assert 'action="/de/account/tokens/"' in html

"""What the API's tests share: users by role, their tokens, JSON requests and the refusals.

The scopes each role may hold are written out here, not read from accounts.tokens: the matrices
and the schemathesis run check the scope table against them."""

import json

import pytest

from newsdesk.accounts import actions as accounts
from newsdesk.accounts.tests.factories import UserFactory

CONTRIBUTOR_SCOPES = ("submissions:write",)
EDITOR_SCOPES = (
    "submissions:write",
    "reviews:write",
    "reports:read",
    "reports:write",
    "newsletters:read",
)
ADMIN_SCOPES = (*EDITOR_SCOPES, "subscribers:read")
# The callers of the endpoint matrices: no token; a contributor's token; an editor's token with
# the row's scope; an editor's token with every other scope an editor may hold; an admin's.
CALLERS = ("anonymous", "contributor", "editor_with_scope", "editor_without_scope", "admin")


def token_for(user, *scopes: str, days: int = 30) -> dict:
    """The request headers that carry a new token of `user` with `scopes`."""
    _row, token = accounts.create_token(
        user=user, name="ci", scopes=list(scopes), expires_in_days=days
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def caller(name: str, *, scope: str, admin_scopes=(None,)) -> tuple:
    """(user or None, headers) for one of CALLERS, for a row that needs `scope`; the admin's
    token has `admin_scopes` (None: the row's scope alone)."""
    if name == "anonymous":
        return None, {}
    if name == "contributor":
        user = UserFactory()
        return user, token_for(user, *CONTRIBUTOR_SCOPES)
    if name == "admin":
        user = UserFactory(admin=True)
        return user, token_for(user, *(s or scope for s in admin_scopes))
    user = UserFactory(editor=True)
    if name == "editor_with_scope":
        return user, token_for(user, scope)
    return user, token_for(user, *(s for s in EDITOR_SCOPES if s != scope))


def post_json(client, path: str, headers: dict, body=None):
    """POST `body` (an empty object when None) as JSON."""
    return client.post(
        path, json.dumps(body if body is not None else {}), "application/json", **headers
    )


def assert_insufficient_scope(response, scope: str) -> None:
    assert response.status_code == 403, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["error"] == "insufficient_scope"
    assert response.json()["scope"] == scope


@pytest.fixture
def editor():
    return UserFactory(editor=True, display_name="Erika Editor")

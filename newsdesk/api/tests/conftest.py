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


def send(client, method: str, path: str, headers: dict, body=None):
    """`method` to `path` with `body` as JSON, or with no body when it is None."""
    call = getattr(client, method.lower())
    if body is None:
        return call(path, **headers)
    return call(path, json.dumps(body), content_type="application/json", **headers)


def post_json(client, path: str, headers: dict, body=None):
    """POST `body` (an empty object when None) as JSON."""
    return send(client, "POST", path, headers, {} if body is None else body)


def endpoint_paths(urlpatterns) -> set[str]:
    """The named endpoints of an endpoints module, as the matrices write their paths."""
    return {
        str(p.pattern).replace("<int:article_id>", "{id}")
        for p in urlpatterns
        if p.name is not None
    }


def matrix_paths(matrix) -> set[str]:
    """The paths a matrix has rows for (its second column), in endpoint_paths' terms."""
    return {row[1].removeprefix("/api/v1/").replace("{missing}", "{id}") for row in matrix}


def matrix_cases(matrix, callers=CALLERS, *, shown=str) -> list:
    """One test case per row of `matrix` and caller: (method, path, body, state, caller, the
    status the row writes for that caller), for rows (method, path, body, state, one status per
    caller in the order of `callers`); the id shows the body as `shown` writes it."""
    return [
        pytest.param(
            method,
            path,
            body,
            state,
            name,
            codes[callers.index(name)],
            id=f"{method} {path} {shown(body)} {state} {name}",
        )
        for method, path, body, state, *codes in matrix
        for name in callers
    ]


def assert_insufficient_scope(response, scope: str) -> None:
    assert response.status_code == 403, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["error"] == "insufficient_scope"
    assert response.json()["scope"] == scope


@pytest.fixture
def editor():
    return UserFactory(editor=True, display_name="Erika Editor")

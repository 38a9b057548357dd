"""What a token may do: a view names the scope each method needs (`required_scopes`).

No token: 401 (NotAuthenticated, with WWW-Authenticate). A token without the scope, or whose
user's role may no longer hold it: 403 `insufficient_scope` (RFC 6750 3.1). Whether the user may
do the particular thing (edit this draft, decide this report) is then the app's own permission
function, as on the web.
"""

from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from newsdesk.accounts.tokens import token_allows


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"

    def __init__(self, scope: str):
        super().__init__(f"This needs a token with the scope {scope}.")
        self.scope = scope


class TokenScope(BasePermission):
    """`view.required_scopes = {"GET": "reports:read", "POST": "reports:write"}`; a method
    not named there needs no token."""

    def has_permission(self, request, view) -> bool:
        scope = getattr(view, "required_scopes", {}).get(request.method)
        if request.method == "HEAD":
            scope = getattr(view, "required_scopes", {}).get("GET")
        if scope is None:
            return True
        if request.auth is None:
            raise exceptions.NotAuthenticated("This needs a personal access token.")
        if not token_allows(request.auth, scope):
            raise InsufficientScope(scope)
        return True

"""The schema says who may call what: the bearer token scheme, and per operation the scope it
needs (`required_scopes` of the view, read by api.scopes.TokenScope) or that no token is needed."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


def required_scope(view, method: str) -> str | None:
    scopes = getattr(view, "required_scopes", {})
    return scopes.get("GET" if method == "HEAD" else method)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "newsdesk.api.authentication.BearerAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token (`ndt_...`), made on your account page."
            " A bad, expired or revoked token is a 401, also where no token is needed.",
        }


class ScopedAutoSchema(AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        if required_scope(self.view, self.method) is None:
            return [{}, *auths]  # anonymous, or with a token
        return auths

    def get_description(self):
        description = super().get_description() or ""
        scope = required_scope(self.view, self.method)
        if scope is None:
            return description
        return f"{description}\n\nNeeds a token with the scope `{scope}`.".strip()

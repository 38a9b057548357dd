"""`Authorization: Bearer <token>` with a personal access token (accounts.tokens).

No header: anonymous (public reads). A header that names no usable token: 401 with
`WWW-Authenticate: Bearer ... error="invalid_token"` (RFC 6750), never anonymous access.
"""

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from newsdesk.accounts.tokens import find_token

REALM = "newsdesk API"


class InvalidToken(exceptions.AuthenticationFailed):
    default_detail = "The token is unknown, revoked or expired."


class BearerAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != b"bearer" or len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as `Authorization: Bearer <token>`."
            )
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise InvalidToken() from None
        row = find_token(token)
        if row is None:
            raise InvalidToken()
        return row.user, row

    def authenticate_header(self, request):
        error = ', error="invalid_token"' if get_authorization_header(request) else ""
        return f'Bearer realm="{REALM}"{error}'

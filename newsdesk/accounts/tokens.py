"""Personal access tokens: the format, the scopes and who may hold them, and the lookup.

A token reads ``ndt_<prefix>_<secret>``: the prefix (10 characters) is stored as it is and finds
the row; the whole token's SHA-256 is stored and compared in constant time. Tokens carry 160
random bits, so a fast digest is enough (no password hashing: nothing to guess).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsdesk.accounts.models import ApiToken
from newsdesk.accounts.roles import ADMIN, CONTRIBUTOR, EDITOR, PermissionTable

TOKEN_PREFIX = "ndt_"  # noqa: S105 - the public part of every token
# Last-used time is written at most this often per token (not a write per request).
LAST_USED_RESOLUTION = timedelta(minutes=1)

# Scope -> what it allows (shown on the account page and in the API description).
SCOPES = {
    "submissions:write": _("Your own drafts: create, edit, upload a cover, run checks, submit"),
    "reviews:write": _("Editors: the review queue, claiming and review decisions"),
    "reports:read": _("Editors: read reports"),
    "reports:write": _("Editors: decide reports (take down, reject, ask, restore)"),
    "newsletters:read": _("Editors: newsletters and their issues"),
    "subscribers:read": _("Admins: newsletter subscribers"),
    "webhooks:manage": _("Admins: webhook endpoints, their secrets and deliveries"),
}
# Scope -> the roles that may hold (and use) it. Read by `may_hold` on creation and on every
# request: a user who lost a role loses what their tokens could do with it.
SCOPE_ROLES = PermissionTable(
    {
        "submissions:write": {CONTRIBUTOR, EDITOR, ADMIN},
        "reviews:write": {EDITOR, ADMIN},
        "reports:read": {EDITOR, ADMIN},
        "reports:write": {EDITOR, ADMIN},
        "newsletters:read": {EDITOR, ADMIN},
        "subscribers:read": {ADMIN},
        "webhooks:manage": {ADMIN},
    }
)
assert set(SCOPES) == set(SCOPE_ROLES)  # noqa: S101 - one list of scopes


def may_hold(user, scope: str) -> bool:
    return scope in SCOPE_ROLES and SCOPE_ROLES.can(user, scope)


def scopes_for(user) -> list[str]:
    """The scopes `user` may give a token, in the order of SCOPES."""
    return [scope for scope in SCOPES if may_hold(user, scope)]


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(prefix, token)."""
    prefix = secrets.token_hex(5)
    return prefix, f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(20)}"


def find_token(token: str) -> ApiToken | None:
    """The usable token `token` names, or None (unknown, wrong secret, revoked, expired, or its
    user is inactive). Records when it was last used."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    prefix, _sep, secret = token[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not secret:
        return None
    row = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if row is None or not hmac.compare_digest(row.digest, digest_of(token)):
        return None
    now = timezone.now()
    if not row.is_usable(now):
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        row.last_used_at = now
    return row


def token_allows(row: ApiToken, scope: str) -> bool:
    return scope in row.scopes and may_hold(row.user, scope)

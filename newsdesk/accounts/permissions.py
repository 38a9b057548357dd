"""Who may do what with accounts. The table is the declaration; tests spell out the matrix."""

from django.core.exceptions import PermissionDenied

from newsdesk.accounts.roles import ADMIN, ANONYMOUS, CONTRIBUTOR, EDITOR, role_of

PERMISSIONS = {
    "view_author_profile": {ANONYMOUS, CONTRIBUTOR, EDITOR, ADMIN},
    "edit_own_profile": {CONTRIBUTOR, EDITOR, ADMIN},
    "read_outbox": {ADMIN},
    "change_roles": {ADMIN},
}


def can(user, action: str) -> bool:
    return role_of(user) in PERMISSIONS[action]


def access_outbox_for_reading(user) -> None:
    """Only admins may read mail written to var/mail/ (it holds other people's links)."""
    if not can(user, "read_outbox"):
        raise PermissionDenied

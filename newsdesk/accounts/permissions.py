"""Who may do what with accounts. The table is the declaration; tests spell out the matrix."""

from django.http import Http404

from newsdesk.accounts.roles import ADMIN, CONTRIBUTOR, EDITOR, PermissionTable

PERMISSIONS = PermissionTable(
    {
        "edit_own_profile": {CONTRIBUTOR, EDITOR, ADMIN},
        "read_outbox": {ADMIN},
        "change_roles": {ADMIN},
    }
)


def access_profile_for_editing(user):
    """The user's own account; there is no other profile to edit."""
    if not PERMISSIONS.can(user, "edit_own_profile"):
        raise Http404("No such page")
    return user


def access_outbox_for_reading(user) -> None:
    """Only admins may read mail written to var/mail/ (it holds other people's links); to
    everyone else the outbox answers as a page that does not exist."""
    if not PERMISSIONS.can(user, "read_outbox"):
        raise Http404("No such page")

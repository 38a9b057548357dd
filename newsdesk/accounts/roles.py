"""The roles every app's permission table speaks of, and the one check that reads a table."""

ANONYMOUS = "anonymous"
CONTRIBUTOR = "contributor"
EDITOR = "editor"
ADMIN = "admin"
ROLES = (ANONYMOUS, CONTRIBUTOR, EDITOR, ADMIN)


def role_of(user) -> str:
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    if user.is_superuser:
        return ADMIN
    return user.role


class PermissionTable(dict):
    """One app's declaration, action -> the roles that may do it. Each row is read by an
    `access_*` function (or an admin class) of its app; a row nothing reads is deleted."""

    def can(self, user, action: str) -> bool:
        # An unknown action is a KeyError, never a silent "no".
        return role_of(user) in self[action]

"""The roles every app's permission table speaks of."""

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

"""Who may change an article's state. Tests spell out the matrix."""

from django.core.exceptions import PermissionDenied

from newsdesk.accounts.roles import ADMIN, ANONYMOUS, CONTRIBUTOR, EDITOR, role_of

PERMISSIONS = {
    "read_guidelines": {ANONYMOUS, CONTRIBUTOR, EDITOR, ADMIN},
    "publish": {EDITOR, ADMIN},
    "unpublish": {EDITOR, ADMIN},
    "import": {ADMIN},
}


def can(user, action: str) -> bool:
    return role_of(user) in PERMISSIONS[action]


def access_article_for_publishing(user, article):
    """Only editors and admins publish or unpublish."""
    if not can(user, "publish"):
        raise PermissionDenied
    return article

"""Who may do what with articles. Tests spell out the matrix; views call access_* only."""

from django.http import Http404

from newsdesk.accounts.roles import ADMIN, ANONYMOUS, CONTRIBUTOR, EDITOR, role_of

PERMISSIONS = {
    "read_published": {ANONYMOUS, CONTRIBUTOR, EDITOR, ADMIN},
    "read_any_unpublished": {EDITOR, ADMIN},
    "read_own_unpublished": {CONTRIBUTOR, EDITOR, ADMIN},
    "browse_in_admin": {EDITOR, ADMIN},
}


def can(user, action: str) -> bool:
    return role_of(user) in PERMISSIONS[action]


def access_article_for_preview(user, article):
    """An unpublished article, for its author and editors; everyone else gets the same 404
    as for an article that does not exist."""
    if can(user, "read_any_unpublished"):
        return article
    if can(user, "read_own_unpublished") and article.author_id == user.pk:
        return article
    raise Http404("No such article")

"""Who may do what in the editorial workflow. Tests spell out the matrix; views call access_*.

Fetches for a purpose answer "not found" both for a missing article and for one the user may not
use that way, so that ids reveal nothing.
"""

from django.http import Http404

from newsdesk.accounts.roles import ADMIN, ANONYMOUS, CONTRIBUTOR, EDITOR, role_of
from newsdesk.articles.models import Article

PERMISSIONS = {
    "read_guidelines": {ANONYMOUS, CONTRIBUTOR, EDITOR, ADMIN},
    "write": {CONTRIBUTOR, EDITOR, ADMIN},
    "edit_others": {EDITOR, ADMIN},
    "review": {EDITOR, ADMIN},
    "publish": {EDITOR, ADMIN},
    "unpublish": {EDITOR, ADMIN},
    "take_down": {EDITOR, ADMIN},
    "read_audit_log": {EDITOR, ADMIN},
    "edit_guidelines": {ADMIN},
    "import": {ADMIN},
}


def can(user, action: str) -> bool:
    return role_of(user) in PERMISSIONS[action]


def _get(article_id) -> Article:
    try:
        return Article.objects.select_related("author", "section", "cover").get(pk=article_id)
    except (Article.DoesNotExist, ValueError, TypeError):
        raise Http404("No such article") from None


def access_article_for_writing(user, article_id) -> Article:
    """The author's own article, or any article for editors."""
    article = _get(article_id)
    if can(user, "edit_others"):
        return article
    if can(user, "write") and article.author_id == user.pk:
        return article
    raise Http404("No such article")


def access_article_for_review(user, article_id) -> Article:
    """Any article, for editors and admins only."""
    if not can(user, "review"):
        raise Http404("No such article")
    return _get(article_id)

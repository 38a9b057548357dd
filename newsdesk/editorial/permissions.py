"""Who may do what in the editorial workflow. Tests spell out the matrix; views call access_*.

Fetches for a purpose answer "not found" both for a missing article and for one the user may not
use that way, so that ids reveal nothing.
"""

from django.http import Http404
from django.utils.translation import gettext as _

from newsdesk.accounts.roles import ADMIN, CONTRIBUTOR, EDITOR, PermissionTable
from newsdesk.articles.models import Article
from newsdesk.core.errors import ActionRefused

PERMISSIONS = PermissionTable(
    {
        "write": {CONTRIBUTOR, EDITOR, ADMIN},
        "edit_others": {EDITOR, ADMIN},
        "review": {EDITOR, ADMIN},
        "publish": {EDITOR, ADMIN},
        "unpublish": {EDITOR, ADMIN},
        "take_down": {EDITOR, ADMIN},
        "read_audit_log": {EDITOR, ADMIN},
        "edit_guidelines": {ADMIN},
    }
)

S = Article.Status
# The states an author may change their text in: before the editors have it, or back from them.
EDITABLE_BY_AUTHOR = frozenset({S.DRAFT, S.CHANGES_REQUESTED, S.WITHDRAWN})
# The row each review decision needs; every other decision on the review screen needs "review".
DECISION_ROWS = {"publish": "publish", "schedule": "publish", "unpublish": "unpublish"}


def _get(article_id) -> Article:
    try:
        return Article.objects.select_related("author", "section", "cover").get(pk=article_id)
    except (Article.DoesNotExist, ValueError, TypeError):
        raise Http404("No such article") from None


def access_desk_for_writing(user) -> None:
    """The writer's pages (their articles, a new one, the live preview): contributors and up."""
    if not PERMISSIONS.can(user, "write"):
        raise Http404("No such page")


def access_article_for_writing(user, article_id) -> Article:
    """The author's own article, or any article for editors (in any state: this is also who
    may see its private cover)."""
    article = _get(article_id)
    if PERMISSIONS.can(user, "edit_others"):
        return article
    if PERMISSIONS.can(user, "write") and article.author_id == user.pk:
        return article
    raise Http404("No such article")


def access_article_for_editing(user, article_id) -> Article | None:
    """The article whose text `user` may change now (None for a new one, article_id None).
    The editor page and its autosave both ask this.

    404 alike for a missing article and for another's; ActionRefused, saying why, for an
    article the user may open but not change in its state: an author's once the editors have
    it, and anyone's while it is taken down (the notice, the counter-notice and a restore are
    about the text as it was taken down).
    """
    access_desk_for_writing(user)
    if article_id is None:
        return None
    article = access_article_for_writing(user, article_id)
    if article.status == S.TAKEN_DOWN:
        raise ActionRefused(
            _("This article is taken down; its text can't be changed."), code="taken_down"
        )
    if article.status not in EDITABLE_BY_AUTHOR and not PERMISSIONS.can(user, "edit_others"):
        raise ActionRefused(
            _("This article is with the editors; you can't change it now."), code="with_editors"
        )
    return article


def access_queue_for_review(user) -> None:
    """The review queue: editors and admins only; everyone else gets "not found"."""
    if not PERMISSIONS.can(user, "review"):
        raise Http404("No such page")


def access_article_for_review(user, article_id) -> Article:
    """Any article, for editors and admins only."""
    access_queue_for_review(user)
    return _get(article_id)


def may_decide(user, decision: str) -> bool:
    return PERMISSIONS.can(user, DECISION_ROWS.get(decision, "review"))


def access_article_for_deciding(user, article_id, decision: str) -> Article:
    """Any article, for those whose row allows `decision` (DECISION_ROWS); the action itself
    refuses a decision its state does not allow."""
    if not may_decide(user, decision):
        raise Http404("No such article")
    return _get(article_id)


def access_audit_log_for_reading(user) -> None:
    """The audit log of every decision: editors and admins only."""
    if not PERMISSIONS.can(user, "read_audit_log"):
        raise Http404("No such page")

"""Who may do what with newsletters. Tests spell out the matrix; views call access_*.

Subscribers have no account: their pages are opened by the secret token in their emails, so
`access_subscriber_by_token` is their permission check. Every fetch answers "not found" alike for
a missing object and for one the user may not use that way.
"""

from django.http import Http404

from newsdesk.accounts.roles import ADMIN, ANONYMOUS, CONTRIBUTOR, EDITOR, PermissionTable
from newsdesk.newsletter import queries
from newsdesk.newsletter.models import Issue, Newsletter, Subscriber

PERMISSIONS = PermissionTable(
    {
        "read_archive": {ANONYMOUS, CONTRIBUTOR, EDITOR, ADMIN},
        "compose": {EDITOR, ADMIN},
        "send": {EDITOR, ADMIN},
        "manage_newsletters": {ADMIN},
        "browse_subscribers": {ADMIN},
    }
)


def _issue(pk) -> Issue:
    try:
        return Issue.objects.select_related("newsletter").get(pk=pk)
    except (Issue.DoesNotExist, ValueError, TypeError):
        raise Http404("No such issue") from None


def access_issues_for_composing(user) -> None:
    """The compose screens' list of issues: editors and admins only."""
    if not PERMISSIONS.can(user, "compose"):
        raise Http404("No such page")


def access_newsletter_for_composing(user, slug) -> Newsletter:
    """An active newsletter to write a new issue for; editors and admins only."""
    if not PERMISSIONS.can(user, "compose"):
        raise Http404("No such newsletter")
    try:
        return Newsletter.objects.get(slug=slug, is_active=True)
    except Newsletter.DoesNotExist:
        raise Http404("No such newsletter") from None


def access_issue_for_editing(user, pk) -> Issue:
    """Any issue, for editors and admins only (the compose screen decides what may change)."""
    if not PERMISSIONS.can(user, "compose"):
        raise Http404("No such issue")
    return _issue(pk)


def access_issue_for_sending(user, pk) -> Issue:
    if not PERMISSIONS.can(user, "send"):
        raise Http404("No such issue")
    return _issue(pk)


def access_newsletter_for_reading(user, slug) -> Newsletter:
    """A newsletter's public archive: any newsletter, active or retired."""
    if not PERMISSIONS.can(user, "read_archive"):
        raise Http404("No such newsletter")
    try:
        return Newsletter.objects.get(slug=slug)
    except Newsletter.DoesNotExist:
        raise Http404("No such newsletter") from None


def access_issue_for_reading(user, newsletter: Newsletter, pk) -> Issue:
    """A sent issue of `newsletter`; drafts, scheduled and sending issues are not public."""
    if not PERMISSIONS.can(user, "read_archive"):
        raise Http404("No such issue")
    try:
        return newsletter.issues.get(pk=pk, status=Issue.Status.SENT)
    except (Issue.DoesNotExist, ValueError, TypeError):
        raise Http404("No such issue") from None


def access_subscriber_by_token(token) -> Subscriber:
    """The subscriber whose emails carry `token`; 404 for any other string."""
    subscriber = queries.subscriber_by_link_token(token or "")
    if subscriber is None:
        raise Http404("No such subscriber")
    return subscriber

"""The newsletter desk: newsletters and their issues for editors (`newsletters:read`), and a
newsletter's subscribers for admins (`subscribers:read`). Read only.

The same doors as the web: the token's scope first (api.scopes), then newsletter.permissions
(access_issues_for_composing for the desk's lists, access_issue_for_editing for one issue, as
the compose screens), and for subscribers the permission table's `browse_subscribers` row that
the admin's subscriber list reads. The public list of newsletters is /api/v1/newsletters/
(api.views), not here.
"""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response

from newsdesk.api.endpoints.newsletter_serializers import (
    DeskIssueDetailSerializer,
    DeskIssueSerializer,
    DeskNewsletterSerializer,
    DeskSubscriberFilterSerializer,
    DeskSubscriberSerializer,
)
from newsdesk.api.endpoints.report_serializers import check_query
from newsdesk.api.pagination import PAGE_PARAMETERS
from newsdesk.api.queries import ID_DIGITS
from newsdesk.api.views import ApiView, _page_of, problems
from newsdesk.newsletter import queries
from newsdesk.newsletter.models import Newsletter, Subscription
from newsdesk.newsletter.permissions import (
    PERMISSIONS,
    access_issue_for_editing,
    access_issues_for_composing,
)

ID_SCHEMA = {"type": "integer", "minimum": 1}
NEWSLETTER_PARAMETER = OpenApiParameter(
    "newsletter_id", ID_SCHEMA, OpenApiParameter.PATH, description="the newsletter's id"
)
ISSUE_PARAMETER = OpenApiParameter("issue_id", ID_SCHEMA, OpenApiParameter.PATH)
# Every operation here can answer these, as application/problem+json.
ERRORS = problems(400, 401, 403, 404, 429)


def _id(value: int) -> int:
    # A longer "id" is no row, and would overflow the database's integer.
    if len(str(value)) > ID_DIGITS:
        raise Http404("No such newsletter")
    return value


def _newsletter(newsletter_id: int) -> Newsletter:
    try:
        return Newsletter.objects.get(pk=_id(newsletter_id))
    except Newsletter.DoesNotExist:
        raise Http404("No such newsletter") from None


def access_newsletter_for_desk(user, newsletter_id: int) -> Newsletter:
    """Any newsletter, active or retired, whose issues the desk lists: editors and admins (the
    compose screens' rule)."""
    access_issues_for_composing(user)
    return _newsletter(newsletter_id)


def access_subscribers_for_browsing(user, newsletter_id: int) -> Newsletter:
    """A newsletter's subscribers: admins only (the `browse_subscribers` row, which the admin's
    subscriber list reads); "not found" for everyone else, as every access_* answers."""
    if not PERMISSIONS.can(user, "browse_subscribers"):
        raise Http404("No such newsletter")
    return _newsletter(newsletter_id)


class DeskNewsletterList(ApiView):
    """Every newsletter, active or retired, with its count of issues."""

    serializer_class = DeskNewsletterSerializer
    required_scopes = {"GET": "newsletters:read"}

    @extend_schema(
        operation_id="desk_newsletters_list",
        parameters=PAGE_PARAMETERS,
        responses={200: _page_of(DeskNewsletterSerializer), **ERRORS},
    )
    def get(self, request):
        access_issues_for_composing(request.user)
        check_query(request, set())
        return self.respond_with_page(request, queries.desk_newsletters(), DeskNewsletterSerializer)


class DeskIssueList(ApiView):
    """The newsletter's issues in every state (drafts, waiting for approval, scheduled,
    sending, sent), newest first."""

    serializer_class = DeskIssueSerializer
    required_scopes = {"GET": "newsletters:read"}

    @extend_schema(
        operation_id="desk_newsletter_issues_list",
        parameters=[NEWSLETTER_PARAMETER, *PAGE_PARAMETERS],
        responses={200: _page_of(DeskIssueSerializer), **ERRORS},
    )
    def get(self, request, newsletter_id):
        newsletter = access_newsletter_for_desk(request.user, newsletter_id)
        check_query(request, set())
        return self.respond_with_page(request, queries.issues_of(newsletter), DeskIssueSerializer)


class DeskIssueDetail(ApiView):
    """One issue: its state, schedule, articles and the counts of its send."""

    serializer_class = DeskIssueDetailSerializer
    required_scopes = {"GET": "newsletters:read"}

    @extend_schema(
        operation_id="desk_newsletter_issues_retrieve",
        parameters=[NEWSLETTER_PARAMETER, ISSUE_PARAMETER],
        responses={200: DeskIssueDetailSerializer, **ERRORS},
    )
    def get(self, request, newsletter_id, issue_id):
        issue = access_issue_for_editing(request.user, _id(issue_id))
        if issue.newsletter_id != newsletter_id:
            raise Http404("No such issue")
        issue = queries.issues_of(issue.newsletter).select_related("created_by").get(pk=issue.pk)
        issue.entries = queries.issue_entries(issue)
        issue.progress = queries.progress(issue)
        return Response(DeskIssueDetailSerializer(issue).data)


class DeskSubscriberList(ApiView):
    """The newsletter's subscribers: each address with its state (pending until confirmed,
    confirmed, unsubscribed), oldest first. Admins only: addresses are personal data."""

    serializer_class = DeskSubscriberSerializer
    required_scopes = {"GET": "subscribers:read"}

    @extend_schema(
        operation_id="desk_newsletter_subscribers_list",
        parameters=[
            NEWSLETTER_PARAMETER,
            OpenApiParameter("state", str, enum=Subscription.Status.values),
            *PAGE_PARAMETERS,
        ],
        responses={200: _page_of(DeskSubscriberSerializer), **ERRORS},
    )
    def get(self, request, newsletter_id):
        newsletter = access_subscribers_for_browsing(request.user, newsletter_id)
        check_query(request, {"state"})
        filters = DeskSubscriberFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        subscriptions = queries.subscriptions_of(
            newsletter, status=filters.validated_data.get("state", "")
        )
        return self.respond_with_page(request, subscriptions, DeskSubscriberSerializer)


urlpatterns = [
    path("desk/newsletters/", DeskNewsletterList.as_view(), name="desk-newsletters"),
    path(
        "desk/newsletters/<int:newsletter_id>/issues/",
        DeskIssueList.as_view(),
        name="desk-newsletter-issues",
    ),
    path(
        "desk/newsletters/<int:newsletter_id>/issues/<int:issue_id>/",
        DeskIssueDetail.as_view(),
        name="desk-newsletter-issue",
    ),
    path(
        "desk/newsletters/<int:newsletter_id>/subscribers/",
        DeskSubscriberList.as_view(),
        name="desk-newsletter-subscribers",
    ),
]

"""The review queue for editors: the queue, one submission, claiming and decisions (a token
with `reviews:write` for every method, reads too: the queue holds unpublished text).

The same doors as the web desk (editorial.views): the token's scope first (api.scopes), then
editorial.permissions.access_* (editors and admins), the queue from editorial.queries, and
every claim and decision through editorial.actions. So a decision made here is checked against
the same TRANSITIONS, recorded in the same audit entries, mailed and purged exactly as one made
with the review page's buttons. What an action refuses is a 409 with its own message (the state
does not allow it, another editor holds the claim) or a 400 (a note left out, a time past).
"""

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import path
from django.utils import translation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from newsdesk.api.endpoints.review_serializers import (
    CLAIM_ACTIONS,
    DECISION_REQUEST,
    DECISIONS,
    OLDER_THAN_MAX,
    ClaimSerializer,
    QueueFilterSerializer,
    ReleaseSerializer,
    ReviewDecisionSerializer,
    ReviewDetailSerializer,
    ReviewSerializer,
)
from newsdesk.api.pagination import PAGE_PARAMETERS
from newsdesk.api.problems import PROBLEM_JSON, refusal_response
from newsdesk.api.views import PROBLEM, ApiView, _page_of, problems
from newsdesk.articles.models import Article
from newsdesk.core.errors import ActionRefused
from newsdesk.editorial import actions
from newsdesk.editorial.models import CheckReport
from newsdesk.editorial.permissions import (
    access_article_for_deciding,
    access_article_for_review,
    access_queue_for_review,
)
from newsdesk.editorial.queries import (
    audit_log,
    contributor_history,
    review_queue,
    revision_diff,
)

SCOPE = "reviews:write"
# Every method an endpoint has needs the scope, reads included (TokenScope reads HEAD as GET);
# one it does not have is a 405 for anyone, as elsewhere in the API.
READ = {"GET": SCOPE}
WRITE = {"POST": SCOPE}
# As many audit entries as the review page shows; revisions listed, newest first.
AUDIT_SHOWN = 50
REVISIONS_SHOWN = 50
QUEUE_PARAMETERS = {"section", "language", "kind", "older_than_days", "limit", "offset"}
# Refusals that are the request's fault, by the field to blame; every other refusal is about
# the article's state or its claim: 409.
BAD_REQUEST_FIELDS = {"note_required": "note", "past": "at"}
S = Article.Status

ID_PARAMETER = OpenApiParameter(
    "article_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="its id"
)
# Every error is application/problem+json.
ERRORS = problems(401, 403, 404, 429)
BAD_REQUEST = problems(400)
UNSUPPORTED = problems(415)
CONFLICT = OpenApiResponse(
    PROBLEM.response,
    description="the article's state does not allow it, or another editor holds the claim"
    " (`code`: invalid_transition, claimed, version_taken_down); `detail` is the action's"
    " message",
)


def allowed_decisions(user, article: Article) -> tuple[list[str], str | None]:
    """The decisions the review page's buttons offer `user` now (actions.may_take), and
    which claim button."""
    claim = actions.claim_decision(user, article)
    assert claim in CLAIM_ACTIONS  # noqa: S101 - one list of claim actions
    allowed = [d for d in DECISIONS if actions.may_take(user, article, d)]
    return allowed, claim if actions.may_take(user, article, claim) else None


def _latest_reports() -> Prefetch:
    """Each article's latest check report, for a page of articles in one query."""
    latest = (
        CheckReport.objects.filter(article=OuterRef("article"))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    return Prefetch(
        "check_reports",
        queryset=CheckReport.objects.filter(pk=Subquery(latest)),
        to_attr="latest_reports",
    )


def _detail(user, article_id) -> Article:
    """The article read again as access_article_for_review gives it, with the review page's
    parts beside its fields (ReviewDetailSerializer)."""
    article = access_article_for_review(user, article_id)
    article.latest_reports = [r for r in [article.check_reports.first()] if r is not None]
    article.diff = revision_diff(article)
    article.revision_list = list(
        article.revisions.select_related("created_by").order_by("-number")[:REVISIONS_SHOWN]
    )
    history = contributor_history(article.author)
    counts = history["counts"]
    article.author_record = {
        "published": counts[S.PUBLISHED],
        "rejected": counts[S.REJECTED],
        "unpublished": counts[S.UNPUBLISHED],
        "taken_down": counts[S.TAKEN_DOWN],
        "recent": [{"id": a.pk, "title": a.title, "state": a.status} for a in history["recent"]],
    }
    article.audit_entries = audit_log(article=article, limit=AUDIT_SHOWN)
    article.allowed_decisions, article.claim_action = allowed_decisions(user, article)
    return article


def _respond(user, article_id) -> Response:
    with translation.override(settings.LANGUAGE_CODE):
        return Response(ReviewDetailSerializer(_detail(user, article_id)).data)


def _refused(exc: ActionRefused) -> Response:
    return refusal_response(exc, fields=BAD_REQUEST_FIELDS)


class ReviewList(ApiView):
    """The review queue as editors see it: submitted and in review, oldest submission first,
    with the web queue's filters."""

    serializer_class = ReviewSerializer
    required_scopes = READ

    @extend_schema(
        operation_id="reviews_list",
        parameters=[
            OpenApiParameter("section", str, description="section slug"),
            OpenApiParameter(
                "language",
                {"type": "string", "maxLength": 35},
                description="BCP 47 tag; `de` also finds `de-AT`",
            ),
            OpenApiParameter("kind", str, enum=Article.Kind.values),
            OpenApiParameter(
                "older_than_days",
                {"type": "integer", "minimum": 0, "maximum": OLDER_THAN_MAX},
                description="waiting at least this many days",
            ),
            *PAGE_PARAMETERS,
        ],
        responses={200: _page_of(ReviewSerializer), **BAD_REQUEST, **ERRORS},
    )
    def get(self, request):
        access_queue_for_review(request.user)
        unknown = sorted(set(request.query_params) - QUEUE_PARAMETERS)
        if unknown:
            raise serializers.ValidationError({unknown[0]: ["is not a parameter here"]})
        filters = QueueFilterSerializer(
            data={k: v for k, v in request.query_params.items() if k not in {"limit", "offset"}}
        )
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        queue = review_queue(
            section=data.get("section"),
            language=data.get("language", ""),
            kind=data.get("kind", ""),
            older_than_days=data.get("older_than_days"),
        ).prefetch_related(_latest_reports())
        return self.respond_with_page(request, queue, ReviewSerializer)


class ReviewDetail(ApiView):
    """One submission as the review page shows it: the text as written and rendered, the
    checks, the revisions and their diff, the author's record, the audit entries, and the
    decisions its state allows this editor now."""

    serializer_class = ReviewDetailSerializer
    required_scopes = READ

    @extend_schema(
        operation_id="reviews_retrieve",
        parameters=[ID_PARAMETER],
        responses={200: ReviewDetailSerializer, **ERRORS},
    )
    def get(self, request, article_id):
        return _respond(request.user, article_id)


class ReviewClaim(ApiView):
    """Claims the submission for review, as the review page's "Claim" button; with `force`,
    takes over another editor's claim ("Take over", recorded in the audit log)."""

    serializer_class = ClaimSerializer
    required_scopes = WRITE

    @extend_schema(
        operation_id="reviews_claim",
        parameters=[ID_PARAMETER],
        request=ClaimSerializer,
        responses={
            200: OpenApiResponse(ReviewDetailSerializer, description="the submission after it"),
            (409, PROBLEM_JSON): CONFLICT,
            **BAD_REQUEST,
            **UNSUPPORTED,
            **ERRORS,
        },
    )
    def post(self, request, article_id):
        access_article_for_review(request.user, article_id)
        claim = ClaimSerializer(data=request.data)  # no body: {}; a JSON null: a 400
        claim.is_valid(raise_exception=True)
        force = claim.validated_data["force"]
        article = access_article_for_deciding(
            request.user, article_id, "take_over" if force else "claim"
        )
        try:
            actions.claim_submission(article=article, editor=request.user, force=force)
        except ActionRefused as exc:
            return _refused(exc)
        return _respond(request.user, article_id)


class ReviewRelease(ApiView):
    """Gives up one's own claim, as the review page's "Release" button (no body)."""

    serializer_class = ReleaseSerializer
    required_scopes = WRITE

    @extend_schema(
        operation_id="reviews_release",
        parameters=[ID_PARAMETER],
        request=None,
        responses={
            200: OpenApiResponse(ReviewDetailSerializer, description="the submission after it"),
            (409, PROBLEM_JSON): CONFLICT,
            **ERRORS,
        },
    )
    def post(self, request, article_id):
        article = access_article_for_deciding(request.user, article_id, "release")
        try:
            actions.release_submission(article=article, editor=request.user)
        except ActionRefused as exc:
            return _refused(exc)
        return _respond(request.user, article_id)


# Each decision onto its action, as editorial.views.DECISIONS (reject's reason has its name).
DECIDE = {
    "request_changes": lambda a, u, d: actions.request_changes(article=a, editor=u, note=d["note"]),
    "approve": lambda a, u, d: actions.approve_submission(article=a, editor=u, note=d["note"]),
    "publish": lambda a, u, d: actions.publish_article(article=a, by=u, note=d["note"]),
    "schedule": lambda a, u, d: actions.schedule_article(
        article=a, editor=u, at=d["at"], note=d["note"]
    ),
    "reject": lambda a, u, d: actions.reject_submission(article=a, editor=u, reason=d["reason"]),
    "unpublish": lambda a, u, d: actions.unpublish_article(article=a, by=u, note=d["note"]),
}
assert set(DECIDE) == set(DECISIONS)  # noqa: S101 - one list of decisions


class ReviewDecisions(ApiView):
    """A decision on the submission, as the review page's buttons make it: the same action,
    the same audit entry, mail and purges. `allowed_decisions` of the submission says which
    its state allows now."""

    serializer_class = ReviewDecisionSerializer
    required_scopes = WRITE

    @extend_schema(
        operation_id="reviews_decide",
        parameters=[ID_PARAMETER],
        request=DECISION_REQUEST,
        responses={
            200: OpenApiResponse(ReviewDetailSerializer, description="the submission after it"),
            (409, PROBLEM_JSON): CONFLICT,
            **BAD_REQUEST,
            **UNSUPPORTED,
            **ERRORS,
        },
    )
    def post(self, request, article_id):
        access_article_for_review(request.user, article_id)
        decision = ReviewDecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        data = decision.validated_data
        article = access_article_for_deciding(request.user, article_id, data["decision"])
        try:
            DECIDE[data["decision"]](article, request.user, data)
        except ActionRefused as exc:
            return _refused(exc)
        return _respond(request.user, article_id)


def _without_slash(view_class):
    """The same view at the address without the trailing slash, left out of the schema: other
    endpoints end in a slash, and a client that drops it should not get a 404."""
    return extend_schema(exclude=True)(type(f"{view_class.__name__}NoSlash", (view_class,), {}))


urlpatterns = [
    path("reviews/", ReviewList.as_view(), name="reviews"),
    path("reviews/<int:article_id>/", ReviewDetail.as_view(), name="review"),
    path("reviews/<int:article_id>/claim/", ReviewClaim.as_view(), name="review-claim"),
    path("reviews/<int:article_id>/release/", ReviewRelease.as_view(), name="review-release"),
    path("reviews/<int:article_id>/decisions/", ReviewDecisions.as_view(), name="review-decisions"),
]
urlpatterns += [
    path(f"reviews/<int:article_id>/{name}", _without_slash(view).as_view())
    for name, view in [
        ("claim", ReviewClaim),
        ("release", ReviewRelease),
        ("decisions", ReviewDecisions),
    ]
]

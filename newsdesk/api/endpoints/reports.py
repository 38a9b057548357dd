"""Reports for editors: the queue, the case, and decisions on it (tokens with `reports:read`,
`reports:write`).

The same doors as the web desk (reports.views): the token's scope first (api.scopes), then
reports.permissions.access_* (editors and admins; a report is found by its case number), the
queue from reports.queries.report_queue, and every decision through reports.actions, which
takes articles down and restores them through the editorial actions. So a decision made here is
logged, mailed and purged exactly as one made on the report page; what an action refuses is a
409 (its state) or a 400 (a reason left out) with the action's own message.
"""

from django.urls import path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from newsdesk.api.endpoints.report_serializers import (
    DecisionSerializer,
    QueueFilterSerializer,
    ReportDetailSerializer,
    ReportSerializer,
    check_query,
    decision_from,
)
from newsdesk.api.openapi import ScopedAutoSchema
from newsdesk.api.pagination import PAGE_PARAMETERS
from newsdesk.api.problems import PROBLEM_JSON, refusal_response
from newsdesk.api.views import PROBLEM, ApiView, _page_of, problems
from newsdesk.articles.models import Article
from newsdesk.core.errors import ActionRefused
from newsdesk.editorial.grounds import Ground
from newsdesk.editorial.queries import audit_log
from newsdesk.reports import actions, queries
from newsdesk.reports.mail import find_article
from newsdesk.reports.models import Report
from newsdesk.reports.permissions import (
    access_queue_for_triage,
    access_report_for_deciding,
    access_report_for_triage,
)

# Case numbers as reports.urls.CaseNumberConverter has them: anything else is a 404 before any
# query (a NUL byte would otherwise reach PostgreSQL).
CASE = r"(?P<case>R-[0-9]{4}-[0-9]{6})"
CASE_PARAMETER = OpenApiParameter(
    "case",
    {"type": "string", "pattern": "^R-[0-9]{4}-[0-9]{6}$"},
    OpenApiParameter.PATH,
    description="the case number, R-<year>-<6 digits>",
)
# The article's audit entries the case shows (the web page shows as many).
AUDIT_SHOWN = 20
# A refusal that is the request's fault (a reason or question left out): 400, as
# reports.views.decide; an article to assign that is not there: 404; every other refusal is
# about the report's or the article's state: 409.
STATUS_OF_REFUSAL = {"note_required": 400, "ground": 400, "unknown_article": 404}
TRIAGE = {"assign", "change_ground"}
QUEUE_FILTERS = {"state", "ground", "unassigned"}


def _case(report: Report) -> Report:
    """The report with what its page shows beside its own fields."""
    article = report.article
    report.restore_possible_from = queries.restore_possible_from(report)
    report.decisions = _open_decisions(report)
    report.versions = queries.published_versions(article)
    report.versions_taken_down = queries.versions_taken_down_with(report)
    report.other_reports = queries.other_reports(report)
    report.history = queries.events_of(report)
    report.audit = audit_log(article=article, limit=AUDIT_SHOWN) if article else []
    return report


def _open_decisions(report: Report) -> list[str]:
    """The buttons the report page shows for it now (reports/detail.html)."""
    decisions = []
    if report.is_open:
        if report.article is not None and report.article.status == Article.Status.PUBLISHED:
            decisions.append("take_down")
        decisions += ["ask", "reject", "change_ground"]
        if report.article is None:
            decisions.append("assign")
    elif queries.can_restore(report):
        decisions.append("restore")
    return decisions


def _article_named(text: str) -> Article | None:
    # As reports.views._article_named: an address of this site, else a slug.
    text = text.strip()
    return find_article(text) or Article.objects.filter(slug=text.strip("/")).first()


def _decide(report: Report, editor, data: dict) -> Report:
    decision, note = data["decision"], data["note"]
    if decision == "take_down":
        return actions.take_down(report=report, editor=editor, note=note)
    if decision == "reject":
        return actions.reject_report(report=report, editor=editor, reason=note)
    if decision == "ask":
        return actions.request_information(report=report, editor=editor, question=note)
    if decision == "restore":
        return actions.restore(report=report, editor=editor, note=note)
    if decision == "change_ground":
        return actions.change_ground(report=report, ground=data["ground"], editor=editor)
    article = _article_named(data["article"])
    if article is None:
        # The web's message (reports.views.assign); a 404: what it names is not there.
        raise ActionRefused(
            _("No article of this site has that address or slug."), code="unknown_article"
        )
    return actions.assign_report(report=report, article=article, editor=editor)


def _detail(report: Report) -> Report:
    """The report read again, as access_report_for_triage gives it, with the case's parts."""
    fresh = (
        Report.objects.select_related("article", "article__author")
        .prefetch_related("attachments")
        .get(pk=report.pk)
    )
    return _case(fresh)


class ReportList(ApiView):
    """The editors' queue: oldest first, by default the reports waiting for a decision (new,
    needs info, counter-notice), as on the web."""

    serializer_class = ReportSerializer
    required_scopes = {"GET": "reports:read"}

    @extend_schema(
        operation_id="reports_list",
        parameters=[
            OpenApiParameter(
                "state",
                str,
                enum=Report.State.values,
                description="only reports in this state (default: the waiting ones)",
            ),
            OpenApiParameter("ground", str, enum=Ground.values),
            OpenApiParameter("unassigned", bool, description="only reports with no article"),
            *PAGE_PARAMETERS,
        ],
        responses={
            200: _page_of(ReportSerializer),
            **problems(400, 401, 403, 404, 429),
        },
    )
    def get(self, request):
        access_queue_for_triage(request.user)
        check_query(request, QUEUE_FILTERS)
        filters = QueueFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        reports = queries.report_queue(
            state=filters.validated_data.get("state", ""),
            ground=filters.validated_data.get("ground", ""),
            unassigned=filters.validated_data["unassigned"],
        )
        return self.respond_with_page(request, reports, ReportSerializer)


class ReportDetail(ApiView):
    """One case as editors see it: the reporter's details, the article, the state, the
    counter-notice, the history and the article's audit entries."""

    serializer_class = ReportDetailSerializer
    required_scopes = {"GET": "reports:read"}

    @extend_schema(
        operation_id="reports_retrieve",
        parameters=[CASE_PARAMETER],
        responses={
            200: ReportDetailSerializer,
            **problems(401, 403, 404, 429),
        },
    )
    def get(self, request, case):
        report = access_report_for_triage(request.user, case)
        return Response(ReportDetailSerializer(_detail(report)).data)


class DecisionSchema(ScopedAutoSchema):
    """drf-spectacular cannot tell that a oneOf whose every member has a required field needs
    a body: it does (an empty POST is a 400)."""

    def _get_request_body(self, *args, **kwargs):
        body = super()._get_request_body(*args, **kwargs)
        if body:
            body["required"] = True
        return body


class ReportDecisions(ApiView):
    """A decision on the report, as the report page's buttons make it: the same action, the
    same log entries, mails and purges."""

    schema = DecisionSchema()
    serializer_class = ReportDetailSerializer
    required_scopes = {"POST": "reports:write"}

    @extend_schema(
        operation_id="reports_decide",
        parameters=[CASE_PARAMETER],
        request=DecisionSerializer,
        responses={
            200: OpenApiResponse(ReportDetailSerializer, description="the case after it"),
            **problems(400, 401, 403, 415, 429),
            (404, PROBLEM_JSON): OpenApiResponse(
                PROBLEM.response,
                description="no such report, or (assign, `code` unknown_article) no such article",
            ),
            (409, PROBLEM_JSON): OpenApiResponse(
                PROBLEM.response,
                description="the report's or the article's state does not allow it"
                " (`code` says why: invalid_state, not_public, unassigned, assigned,"
                " court, waiting)",
            ),
        },
    )
    def post(self, request, case):
        data = decision_from(request.data)
        # Assigning and correcting the ground are triage on the web too (reports.views).
        if data["decision"] in TRIAGE:
            report = access_report_for_triage(request.user, case)
        else:
            report = access_report_for_deciding(request.user, case)
        try:
            report = _decide(report, request.user, data)
        except ActionRefused as exc:
            return refusal_response(exc, statuses=STATUS_OF_REFUSAL)
        return Response(ReportDetailSerializer(_detail(report)).data)


urlpatterns = [
    path("reports/", ReportList.as_view(), name="reports"),
    re_path(rf"^reports/{CASE}/$", ReportDetail.as_view(), name="report"),
    re_path(rf"^reports/{CASE}/decisions/$", ReportDecisions.as_view(), name="report-decisions"),
]

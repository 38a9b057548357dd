"""A writer's own articles: list, create, edit, upload a cover, run the checks, submit and
withdraw (a token with `submissions:write` for every method, reads too: drafts are private).

The same doors as the writer's pages (editorial.views): the token's scope first (api.scopes),
then the permission functions of the web (access_article_for_editing for every change, as the
editor page and its autosave), the text checked by the web's ArticleForm (the same limits and
messages), saved by editorial.writing.save_draft (the web's save), and checks, submitting and
withdrawing through editorial.actions. The submit and upload rate limits are the web's, with
the same counters.

An edit here is the editor page's Save button, not its autosave: an editor's token may change
a published or scheduled article (its public page is purged), as an editor may with the button;
a contributor's token can't change an article the editors have (409 `with_editors`), and
nobody's one that was taken down (409 `taken_down`).

Lost updates: every read and write answers with an ETag (the hash of the submission as shown);
an edit, cover upload or submit with `If-Match` is refused with a 412 when the submission has
changed since. An edit may instead send `revision`, the text's revision it started from.
"""

from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import path
from django.utils import translation
from django.utils.http import parse_etags
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from newsdesk.api.conditional import conditional
from newsdesk.api.endpoints.review_serializers import CheckReportSerializer
from newsdesk.api.endpoints.submission_input import (
    IMAGE_TYPES,
    ImageParser,
    LimitedJSONParser,
    cover_form,
    form_data,
    invalid,
    text_fields,
)
from newsdesk.api.endpoints.submission_serializers import (
    DEFAULTS,
    NEXT_ACTIONS,
    CoverUploadSerializer,
    NoBodySerializer,
    SubmissionDetailSerializer,
    SubmissionSerializer,
    SubmissionWriteSerializer,
    SubmitSerializer,
    check_report_data,
)
from newsdesk.api.pagination import PAGE_PARAMETERS
from newsdesk.api.problems import PROBLEM_JSON, problem, refusal_response
from newsdesk.api.views import PROBLEM, ApiView, _page_of, problems
from newsdesk.articles.images import ImageRejected
from newsdesk.articles.models import Article
from newsdesk.core.errors import ActionRefused
from newsdesk.editorial import actions, writing
from newsdesk.editorial.forms import ArticleForm
from newsdesk.editorial.permissions import (
    access_article_for_editing,
    access_article_for_writing,
    access_desk_for_writing,
)
from newsdesk.editorial.queries import articles_of, latest_check_report, latest_requests

SCOPE = "submissions:write"
S = Article.Status
# ImageRejected's codes that are not about the image's content (400) but its size or type.
IMAGE_STATUS = {"too_large": 413, "format": 415, "invalid": 415}
# Refusals that are the request's fault, by the field to blame; every other one (the state,
# failed checks, a suspension) is a 409.
BAD_REQUEST_FIELDS = {"guidelines": "accepted_guidelines_version"}

ID_PARAMETER = OpenApiParameter(
    "article_id", {"type": "integer", "minimum": 1}, OpenApiParameter.PATH, description="its id"
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="the submission's ETag as last read: refused with a 412 if it changed since",
)
ERRORS = problems(401, 403, 404, 429)
BAD_REQUEST = problems(400)
TOO_LARGE = problems(413)
UNSUPPORTED = problems(415)
CHANGED = {
    (412, PROBLEM_JSON): OpenApiResponse(
        PROBLEM.response,
        description="`If-Match` (or `revision`) names an older version: read it again"
        " (`code`: edit_conflict)",
    )
}
CONFLICT = OpenApiResponse(
    PROBLEM.response,
    description="not possible in the submission's state, or for this account now (`code`:"
    " with_editors, taken_down, invalid_transition, checks, repeat_infringer); `detail` is the"
    " message the web shows",
)
DETAIL = OpenApiResponse(SubmissionDetailSerializer, description="the submission after it")
# A draft as a script would send it (the section by its slug, tags by name).
NEW_DRAFT_EXAMPLE = OpenApiExample(
    "A new draft",
    request_only=True,
    value={
        "title": "Stadtrat beschließt den Haushalt für 2027",
        "lead": "Nach langer Debatte steht der Plan für das kommende Jahr.",
        "body": "## Der Beschluss\n\nDer Stadtrat hat am Dienstagabend den Haushalt beschlossen."
        " Die Mehrheit war knapp, doch die Fraktionen hatten sich zuvor auf einen Kompromiss"
        " bei den Investitionen geeinigt.\n\n## Was jetzt folgt\n\nDie Verwaltung stellt die"
        " Vorhaben in den kommenden Wochen in den Ausschüssen vor.",
        "language": "de",
        "kind": "news",
        "section": "politik",
        "tags": ["Haushalt", "Stadtrat"],
    },
)
# PATCH and PUT: the same request, answers and precondition.
EDIT_SCHEMA = {
    "parameters": [ID_PARAMETER, IF_MATCH],
    "request": SubmissionWriteSerializer,
    "responses": {
        200: DETAIL,
        (409, PROBLEM_JSON): CONFLICT,
        **CHANGED,
        **BAD_REQUEST,
        **TOO_LARGE,
        **UNSUPPORTED,
        **ERRORS,
    },
}


def _problem(status: int, detail: str, **extensions) -> Response:
    body = problem(status, detail, **extensions)
    return Response(body, status=status, content_type=PROBLEM_JSON)


def _refused(exc: ActionRefused, **extensions) -> Response:
    return refusal_response(exc, fields=BAD_REQUEST_FIELDS, **extensions)


def next_actions(user, article: Article) -> tuple[list[str], str | None]:
    """What `user` may do with `article` now, and why its text can't be changed if so: the
    writer's page's rule (access_article_for_editing) and the states the actions start from."""
    try:
        access_article_for_editing(user, article.pk)
    except ActionRefused as exc:
        editable, locked_because = False, exc.messages[0]
    else:
        editable, locked_because = True, None
    allowed = {
        "edit": editable,
        "cover": editable,
        "check": editable,
        "submit": editable and article.status in actions.TRANSITIONS["submit"][0],
        "withdraw": article.status in actions.TRANSITIONS["withdraw"][0],
    }
    return [a for a in NEXT_ACTIONS if allowed[a]], locked_because


def _detail_data(user, article: Article) -> dict:
    article.report = latest_check_report(article)
    article.requests = latest_requests(article)
    article.revision = (
        article.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    )
    guidelines = actions.latest_guidelines()
    article.guidelines_version = guidelines.number if guidelines else None
    article.next_actions, article.locked_because = next_actions(user, article)
    with translation.override(settings.LANGUAGE_CODE):
        return SubmissionDetailSerializer(article).data


def etag_of(data) -> str:
    """The ETag a GET of `data` answers with: api.conditional's, a hash of the body as sent."""
    response = Response(data)
    response.accepted_renderer = JSONRenderer()
    response.accepted_media_type = "application/json"
    response.renderer_context = {}
    return conditional(_NO_CONDITIONS, response, None)["ETag"]


# A request without conditional headers, for conditional() to compute the ETag alone.
_NO_CONDITIONS = SimpleNamespace(method="PUT", META={})


def _respond(user, article_id, *, status=200, headers=None) -> Response:
    article = access_article_for_writing(user, article_id)
    data = _detail_data(user, article)
    response = Response(data, status=status, headers=headers)
    response["ETag"] = etag_of(data)
    return response


def _check_preconditions(request, user, article: Article, revision: int | None):
    """A 412 response if If-Match or `revision` names an older version, else None. Call with
    the article's row locked."""
    if_match = request.headers.get("If-Match")
    if if_match is None and revision is None:
        return None
    data = _detail_data(user, article)
    current = etag_of(data)
    if if_match is not None:
        tags = parse_etags(if_match)
        if "*" not in tags and current not in tags:
            return _problem(
                412,
                "The submission changed since you read it; read it again and redo the change.",
                code="edit_conflict",
                etag=current,
            )
    if revision is not None and revision != data["revision"]:
        return _problem(
            412,
            f"The text has a newer revision ({data['revision']}) than the one this edit is"
            f" based on ({revision}); read it again and redo the change.",
            code="edit_conflict",
            revision=data["revision"],
        )
    return None


def _lock(article_id) -> None:
    """Locks the article's row (if there is one) for the rest of the transaction: two edits
    wait for each other, and the second compares its If-Match with the first's result."""
    list(Article.objects.select_for_update().filter(pk=article_id).values_list("pk", flat=True))


def _save(request, article: Article | None, fields: dict) -> Article:
    """Validates `fields` (the whole text) with the web's ArticleForm and saves it as the Save
    button does; a 400 with the form's messages otherwise (and nothing saved)."""
    form = ArticleForm(form_data(fields))
    if not form.is_valid():
        raise invalid(form.errors)
    try:
        return writing.save_draft(user=request.user, article=article, data=form.cleaned_data)
    except DjangoValidationError as exc:
        raise invalid(exc.message_dict) from exc


class SubmissionList(ApiView):
    """The token's user's own articles, newest change first, as their dashboard lists them;
    POST writes a new draft."""

    serializer_class = SubmissionSerializer
    required_scopes = {"GET": SCOPE, "POST": SCOPE}
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        operation_id="submissions_list",
        parameters=PAGE_PARAMETERS,
        responses={200: _page_of(SubmissionSerializer), **BAD_REQUEST, **ERRORS},
    )
    def get(self, request):
        access_desk_for_writing(request.user)
        unknown = sorted(set(request.query_params) - {"limit", "offset"})
        if unknown:
            raise serializers.ValidationError({unknown[0]: ["is not a parameter here"]})
        return self.respond_with_page(
            request, articles_of(request.user).order_by("-updated_at", "-pk"), SubmissionSerializer
        )

    @extend_schema(
        operation_id="submissions_create",
        request=SubmissionWriteSerializer,
        examples=[NEW_DRAFT_EXAMPLE],
        responses={
            201: OpenApiResponse(SubmissionDetailSerializer, description="the new draft"),
            **BAD_REQUEST,
            **TOO_LARGE,
            **UNSUPPORTED,
            **ERRORS,
        },
    )
    def post(self, request):
        access_desk_for_writing(request.user)
        fields = {**DEFAULTS, **text_fields(request, partial=False)}
        if "revision" in fields:
            raise exceptions.ValidationError({"revision": ["only with an edit"]})
        article = _save(request, None, fields)
        location = SubmissionSerializer(article).data["api_url"]
        return _respond(request.user, article.pk, status=201, headers={"Location": location})


class SubmissionDetail(ApiView):
    """One of the writer's articles as the editor page shows it (editors: any article, as on
    the web); PATCH and PUT change its text as the page's Save button."""

    serializer_class = SubmissionDetailSerializer
    required_scopes = {"GET": SCOPE, "PATCH": SCOPE, "PUT": SCOPE}
    parser_classes = [LimitedJSONParser]

    def get_object(self):
        # What OPTIONS asks before describing PUT (DRF's SimpleMetadata): the same 404.
        return access_article_for_writing(self.request.user, self.kwargs["article_id"])

    @extend_schema(
        operation_id="submissions_retrieve",
        parameters=[ID_PARAMETER],
        responses={200: SubmissionDetailSerializer, **ERRORS},
    )
    def get(self, request, article_id):
        access_desk_for_writing(request.user)
        article = access_article_for_writing(request.user, article_id)
        # No Last-Modified: a check run or an editor's note changes the submission, not
        # its row's updated_at. The ETag (ApiView: a hash of the body) sees every change.
        return Response(_detail_data(request.user, article))

    def _edit(self, request, article_id, *, partial: bool):
        try:
            access_article_for_editing(request.user, article_id)  # 404 and 409 before 400
        except ActionRefused as exc:
            return _refused(exc)
        fields = text_fields(request, partial=partial)
        with transaction.atomic():
            _lock(article_id)
            try:
                article = access_article_for_editing(request.user, article_id)
            except ActionRefused as exc:
                return _refused(exc)
            refused = _check_preconditions(request, request.user, article, fields.get("revision"))
            if refused is not None:
                return refused
            base = writing.text_of(article) if partial else DEFAULTS
            _save(request, article, {**base, **fields})
        return _respond(request.user, article_id)

    @extend_schema(operation_id="submissions_partial_update", **EDIT_SCHEMA)
    def patch(self, request, article_id):
        """Changes the fields given, keeps the others. As the editor page's Save button (not
        its autosave): an editor's token may change a published or scheduled article, whose
        public page changes at once; a contributor's only their draft, or one the editors sent
        back or they withdrew."""
        return self._edit(request, article_id, partial=True)

    @extend_schema(operation_id="submissions_update", **EDIT_SCHEMA)
    def put(self, request, article_id):
        """Replaces the text: lead and tags left out are emptied, kind is `news`."""
        return self._edit(request, article_id, partial=False)


class SubmissionCover(ApiView):
    """Uploads a cover (JPEG, PNG or WebP), as the editor page's cover field: re-encoded
    without metadata, with its alt text and credit; a multipart form (`image`, `alt`, `credit`,
    `ai_generated`) or the image itself as the body (`Content-Type: image/jpeg`, ...) with
    `alt`, `credit` and `ai_generated` as query parameters. The web's upload rate limit."""

    serializer_class = CoverUploadSerializer
    required_scopes = {"POST": SCOPE}
    parser_classes = [MultiPartParser, ImageParser]

    @extend_schema(
        operation_id="submissions_cover",
        parameters=[
            ID_PARAMETER,
            IF_MATCH,
            OpenApiParameter("alt", str, description="raw image body only: the alt text"),
            OpenApiParameter("credit", str, description="raw image body only"),
            OpenApiParameter("ai_generated", bool, description="raw image body only"),
        ],
        request={
            "multipart/form-data": CoverUploadSerializer,
            **{t: {"type": "string", "format": "binary"} for t in IMAGE_TYPES},
        },
        responses={
            200: DETAIL,
            (409, PROBLEM_JSON): CONFLICT,
            **CHANGED,
            **BAD_REQUEST,
            **TOO_LARGE,
            **UNSUPPORTED,
            **ERRORS,
        },
    )
    def post(self, request, article_id):
        try:
            access_article_for_editing(request.user, article_id)
        except ActionRefused as exc:
            return _refused(exc)
        cleaned = cover_form(request).cleaned_data  # read before the row is locked
        upload = writing.Upload(
            data=cleaned["cover"].read(),
            alt=cleaned["cover_alt"],
            credit=cleaned["cover_credit"],
            ai_generated=cleaned["cover_ai_generated"],
        )
        with transaction.atomic():
            _lock(article_id)
            try:
                article = access_article_for_editing(request.user, article_id)
            except ActionRefused as exc:
                return _refused(exc)
            refused = _check_preconditions(request, request.user, article, None)
            if refused is not None:
                return refused
            wait = writing.upload_wait(request)
            if wait is not None:
                raise exceptions.Throttled(wait=wait, detail=str(writing.UPLOADS_LIMITED))
            try:
                writing.save_draft(
                    user=request.user, article=article, data=writing.text_of(article), upload=upload
                )
            except ImageRejected as exc:
                return _image_rejected(exc)
            except DjangoValidationError as exc:
                raise invalid(exc.message_dict) from exc
        return _respond(request.user, article_id)


def _image_rejected(exc: ImageRejected) -> Response:
    message = exc.messages[0]
    status = IMAGE_STATUS.get(exc.code, 400)
    field = {"alt_required": "alt", "alt_too_long": "alt", "credit_too_long": "credit"}.get(
        exc.code, "image"
    )
    return _problem(status, message, errors={field: [message]}, code=exc.code)


class SubmissionChecks(ApiView):
    """Runs the automated checks on the text as saved, as the editor page's "Run checks"
    button, and answers with their report (also the submission's `check_report` from now)."""

    serializer_class = NoBodySerializer
    required_scopes = {"POST": SCOPE}

    @extend_schema(
        operation_id="submissions_checks",
        parameters=[ID_PARAMETER],
        request=None,
        responses={
            200: OpenApiResponse(CheckReportSerializer, description="the checks' report"),
            (409, PROBLEM_JSON): CONFLICT,
            **ERRORS,
        },
    )
    def post(self, request, article_id):
        try:
            article = access_article_for_editing(request.user, article_id)
        except ActionRefused as exc:
            return _refused(exc)
        report = actions.check_article(article=article)
        with translation.override(settings.LANGUAGE_CODE):
            return Response(check_report_data(report))


class SubmissionSubmit(ApiView):
    """Sends the article to the editors, as the editor page's Submit button: the current
    guidelines accepted, the automated checks run first (and recorded even when they fail:
    then a 409 `checks` with the report), the web's submit rate limit."""

    serializer_class = SubmitSerializer
    required_scopes = {"POST": SCOPE}

    @extend_schema(
        operation_id="submissions_submit",
        parameters=[ID_PARAMETER, IF_MATCH],
        request=SubmitSerializer,
        responses={
            200: DETAIL,
            (409, PROBLEM_JSON): CONFLICT,
            **CHANGED,
            **BAD_REQUEST,
            **UNSUPPORTED,
            **ERRORS,
        },
    )
    def post(self, request, article_id):
        wait = writing.submit_wait(request)
        if wait is not None:
            raise exceptions.Throttled(wait=wait, detail=str(writing.SUBMITS_LIMITED))
        try:
            article = access_article_for_editing(request.user, article_id)
        except ActionRefused as exc:
            return _refused(exc)
        if not isinstance(request.data, dict):
            raise exceptions.ValidationError({"non_field_errors": ["Expected a JSON object."]})
        given = SubmitSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        refused = _check_preconditions(request, request.user, article, None)
        if refused is not None:
            return refused
        try:
            actions.submit_article(
                article=article,
                by=request.user,
                accepted_version=given.validated_data["accepted_guidelines_version"],
            )
        except ActionRefused as exc:
            extensions = {}
            if exc.code == "checks":
                with translation.override(settings.LANGUAGE_CODE):
                    extensions["check_report"] = check_report_data(latest_check_report(article))
            return _refused(exc, **extensions)
        return _respond(request.user, article_id)


class SubmissionWithdraw(ApiView):
    """Takes a submission back from the editors, as the dashboard's Withdraw button; it can be
    edited and submitted again."""

    serializer_class = NoBodySerializer
    required_scopes = {"POST": SCOPE}

    @extend_schema(
        operation_id="submissions_withdraw",
        parameters=[ID_PARAMETER],
        request=None,
        responses={200: DETAIL, (409, PROBLEM_JSON): CONFLICT, **ERRORS},
    )
    def post(self, request, article_id):
        article = access_article_for_writing(request.user, article_id)
        try:
            actions.withdraw_submission(article=article, by=request.user)
        except ActionRefused as exc:
            return _refused(exc)
        return _respond(request.user, article_id)


def _without_slash(view_class):
    """The same view at the address without the trailing slash, left out of the schema (as
    reviews' actions): a client that drops it should not get a 404."""
    no_slash = type(f"{view_class.__name__}NoSlash", (view_class,), {"__doc__": view_class.__doc__})
    return extend_schema(exclude=True)(no_slash)


ACTIONS = {
    "cover": SubmissionCover,
    "checks": SubmissionChecks,
    "submit": SubmissionSubmit,
    "withdraw": SubmissionWithdraw,
}
urlpatterns = [
    path("submissions/", SubmissionList.as_view(), name="submissions"),
    path("submissions/<int:article_id>/", SubmissionDetail.as_view(), name="submission"),
    *(
        path(f"submissions/<int:article_id>/{name}/", view.as_view(), name=f"submission-{name}")
        for name, view in ACTIONS.items()
    ),
    *(
        path(f"submissions/<int:article_id>/{name}", _without_slash(view).as_view())
        for name, view in ACTIONS.items()
    ),
]

"""Every API error as `application/problem+json` (RFC 9457), never an HTML page."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from newsdesk.api.authentication import REALM, InvalidToken
from newsdesk.api.scopes import InsufficientScope

PROBLEM_JSON = "application/problem+json"
# RFC 9457 4.2.1: "about:blank" means the status code says it all; the title is its phrase.
BLANK = "about:blank"
TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    451: "Unavailable For Legal Reasons",
    500: "Internal Server Error",
}


def problem(status_code: int, detail: str, **extensions) -> dict:
    return {
        "type": BLANK,
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        **extensions,
    }


class Unavailable(exceptions.APIException):
    """An article that was taken down (RFC 7725), with its public notice."""

    status_code = 451
    default_detail = "This article was removed for legal reasons."

    def __init__(self, notice: dict):
        super().__init__()
        self.notice = notice


def exception_handler(exc, context):
    """DRF's handler (it sets Retry-After, Allow and the like), then its body as a problem."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # not an API exception: Django's 500 handler answers (server_error)
    extensions = {}
    if isinstance(exc, exceptions.ValidationError):
        detail, extensions["errors"] = _first_message(exc.detail), exc.detail
    elif isinstance(exc, Unavailable):
        detail = str(exc.detail)
        extensions = {
            "ground": exc.notice["ground"],
            "ground_label": str(exc.notice["ground_label"]),
            "date": exc.notice["date"].isoformat(),
            "case": exc.notice["case"],
        }
    else:
        detail = str(exc.detail) if hasattr(exc, "detail") else TITLES.get(response.status_code)
    if isinstance(exc, InsufficientScope):
        # RFC 6750 3.1: the error and the scope that would do, in the header and the body.
        extensions = {"error": "insufficient_scope", "scope": exc.scope}
        response["WWW-Authenticate"] = (
            f'Bearer realm="{REALM}", error="insufficient_scope", scope="{exc.scope}"'
        )
    elif isinstance(exc, InvalidToken):
        extensions = {"error": "invalid_token"}
    response.data = problem(response.status_code, detail, **extensions)
    response.content_type = PROBLEM_JSON
    return response


def _first_message(detail) -> str:
    if isinstance(detail, dict):
        name, value = next(iter(detail.items()))
        return f"{name}: {_first_message(value)}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def refusal_response(
    exc, *, fields: dict[str, str] | None = None, statuses: dict[str, int] | None = None, **extra
) -> Response:
    """What an action's ActionRefused is over the API: the action's own message and code, a 400
    naming the field when the refusal is the request's fault (`fields`: code -> field), the
    status `statuses` gives its code, else a 409 (the state or another person's work forbids
    it). `extra`: more members of the problem."""
    message = exc.messages[0]
    code = getattr(exc, "code", None)
    coded = {"code": code} if code else {}
    field = (fields or {}).get(code)
    if field is not None:
        body = problem(400, f"{field}: {message}", errors={field: [message]}, **coded)
        return Response(body, status=400, content_type=PROBLEM_JSON)
    status_code = (statuses or {}).get(code, 409)
    body = problem(status_code, message, **coded, **extra)
    return Response(body, status=status_code, content_type=PROBLEM_JSON)


def not_found_response(detail: str = "There is no such API endpoint.") -> Response:
    return Response(problem(404, detail), status=404, content_type=PROBLEM_JSON)


def bad_request(request, exception=None, *args, **kwargs):
    """The project's 400 handler (what Django answers itself, before any view: a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields): a problem for the API, the site's page for
    everything else."""
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception, *args, **kwargs)
    if isinstance(exception, RequestDataTooBig):
        megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
        code, detail = 413, f"The request body is larger than {megabytes:g} MB."
    elif isinstance(exception, TooManyFieldsSent):
        code, detail = 400, "The request has too many fields."
    else:
        code, detail = 400, "The request could not be read."
    return JsonResponse(problem(code, detail), status=code, content_type=PROBLEM_JSON)


def server_error(request, *args, **kwargs):
    """The project's 500 handler: a problem for the API, the site's page for everything else."""
    if request.path.startswith("/api/"):
        body = problem(500, "The server failed to answer this request.")
        return JsonResponse(
            body, status=status.HTTP_500_INTERNAL_SERVER_ERROR, content_type=PROBLEM_JSON
        )
    return defaults.server_error(request, *args, **kwargs)

"""Every submissions endpoint and method, by every caller and the article's state: the
expected status codes are written out here, not read from the scope or permission tables.

Callers: no token; the article's author (a contributor) with submissions:write; another
contributor with submissions:write; an editor with submissions:write; an editor with every
scope an editor may hold except submissions:write; an admin with submissions:write.
"""

import io
import json

import pytest
from PIL import Image as PILImage

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.api.endpoints import submissions
from newsdesk.api.tests.conftest import (
    CONTRIBUTOR_SCOPES,
    assert_insufficient_scope,
    endpoint_paths,
    matrix_cases,
    matrix_paths,
    send,
    token_for,
)
from newsdesk.api.tests.conftest import caller as caller_for
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.editorial import actions
from newsdesk.editorial.grounds import Ground
from newsdesk.editorial.models import CheckReport
from newsdesk.editorial.tests.test_actions import GOOD_BODY

pytestmark = pytest.mark.django_db

CALLERS = ("anonymous", "owner", "other", "editor", "editor_without_scope", "admin")
TEXT = {"title": "Ein neuer Entwurf", "body": GOOD_BODY, "language": "de", "section": "politik"}
ACCEPT = {"accepted_guidelines_version": 1}
LEAD = {"lead": "Neu"}
# The body "cover" is a multipart upload of a real JPEG with its alt text.
COVER = "cover"


# Rows: (method, path, body, the article's state before, then one status per caller in the
# order of CALLERS). The article is the owner's; "taken_down" was published first. _rows writes
# the rows of one method, path and body, one (state, statuses...) each.
def _rows(method: str, path: str, body, *by_state: tuple) -> list[tuple]:
    return [(method, path, body, *codes) for codes in by_state]


MATRIX = [
    ("GET", "/api/v1/submissions/", None, "draft", 401, 200, 200, 200, 403, 200),
    ("POST", "/api/v1/submissions/", TEXT, "draft", 401, 201, 201, 201, 403, 201),
    ("POST", "/api/v1/submissions/", {}, "draft", 401, 400, 400, 400, 403, 400),
    *_rows(
        "GET",
        "/api/v1/submissions/{id}/",
        None,
        ("draft", 401, 200, 404, 200, 403, 200),
        ("submitted", 401, 200, 404, 200, 403, 200),
    ),
    ("GET", "/api/v1/submissions/{missing}/", None, "draft", 401, 404, 404, 404, 403, 404),
    *_rows(
        "PATCH",
        "/api/v1/submissions/{id}/",
        LEAD,
        ("draft", 401, 200, 404, 200, 403, 200),
        ("changes_requested", 401, 200, 404, 200, 403, 200),
        ("submitted", 401, 409, 404, 200, 403, 200),
        ("published", 401, 409, 404, 200, 403, 200),
        ("taken_down", 401, 409, 404, 409, 403, 409),
    ),
    ("PATCH", "/api/v1/submissions/{id}/", {"title": ""}, "draft", 401, 400, 404, 400, 403, 400),
    ("PATCH", "/api/v1/submissions/{missing}/", LEAD, "draft", 401, 404, 404, 404, 403, 404),
    *_rows(
        "PUT",
        "/api/v1/submissions/{id}/",
        TEXT,
        ("draft", 401, 200, 404, 200, 403, 200),
        ("submitted", 401, 409, 404, 200, 403, 200),
    ),
    *_rows(
        "POST",
        "/api/v1/submissions/{id}/cover/",
        COVER,
        ("draft", 401, 200, 404, 200, 403, 200),
        ("submitted", 401, 409, 404, 200, 403, 200),
    ),
    *_rows(
        "POST",
        "/api/v1/submissions/{id}/checks/",
        None,
        ("draft", 401, 200, 404, 200, 403, 200),
        ("submitted", 401, 409, 404, 200, 403, 200),
        ("taken_down", 401, 409, 404, 409, 403, 409),
    ),
    *_rows(
        "POST",
        "/api/v1/submissions/{id}/submit/",
        ACCEPT,
        ("draft", 401, 200, 404, 200, 403, 200),
        ("withdrawn", 401, 200, 404, 200, 403, 200),
        ("submitted", 401, 409, 404, 409, 403, 409),
    ),
    *_rows(
        "POST",
        "/api/v1/submissions/{id}/submit/",
        {"accepted_guidelines_version": 2},
        ("draft", 401, 400, 404, 400, 403, 400),
    ),
    *_rows(
        "POST",
        "/api/v1/submissions/{missing}/submit/",
        ACCEPT,
        ("draft", 401, 404, 404, 404, 403, 404),
    ),
    *_rows(
        "POST",
        "/api/v1/submissions/{id}/withdraw/",
        None,
        ("submitted", 401, 200, 404, 200, 403, 200),
        ("draft", 401, 409, 404, 409, 403, 409),
    ),
    # Methods no endpoint has: 405 for everyone (no token is asked for what does not exist).
    ("PUT", "/api/v1/submissions/", TEXT, "draft", 405, 405, 405, 405, 405, 405),
    ("DELETE", "/api/v1/submissions/{id}/", None, "draft", 405, 405, 405, 405, 405, 405),
    ("POST", "/api/v1/submissions/{id}/", TEXT, "draft", 405, 405, 405, 405, 405, 405),
    ("GET", "/api/v1/submissions/{id}/cover/", None, "draft", 405, 405, 405, 405, 405, 405),
    ("GET", "/api/v1/submissions/{id}/checks/", None, "draft", 405, 405, 405, 405, 405, 405),
    ("GET", "/api/v1/submissions/{id}/submit/", None, "draft", 405, 405, 405, 405, 405, 405),
    ("DELETE", "/api/v1/submissions/{id}/withdraw/", None, "draft", 405, 405, 405, 405, 405, 405),
]


def _caller(name, owner):
    """(the caller's user or None, its request headers): conftest's callers, with the
    contributor split in two, the article's owner and another contributor."""
    if name == "owner":
        return owner, token_for(owner, *CONTRIBUTOR_SCOPES)
    shared = {"other": "contributor", "editor": "editor_with_scope"}.get(name, name)
    return caller_for(shared, scope="submissions:write")


def _article(state, owner):
    """The owner's article in `state`, brought there by the editorial actions."""
    section = SectionFactory(slug="politik")
    editor = UserFactory(editor=True)
    a = article(
        published=state in ("published", "taken_down"),
        author=owner,
        section=section,
        title="Stadtrat beschließt den Haushalt",
        body=GOOD_BODY,
    )
    if state == "taken_down":
        return actions.take_down_article(article=a, editor=editor, ground=Ground.values[0])
    if state in ("draft", "published"):
        return a
    a = actions.submit_article(article=a, by=owner, accepted_version=1)
    if state == "changes_requested":
        a = actions.request_changes(article=a, editor=editor, note="Quellen, bitte.")
    elif state == "withdrawn":
        a = actions.withdraw_submission(article=a, by=owner)
    return a


def _jpeg() -> io.BytesIO:
    out = io.BytesIO()
    PILImage.new("RGB", (640, 360), (20, 90, 160)).save(out, "JPEG")
    out.seek(0)
    return out


def _shown(body) -> str:
    """The body as the test ids show it."""
    return "cover" if body == COVER else json.dumps(body, ensure_ascii=True)[:40]


def _state_of(pk):
    a = Article.objects.get(pk=pk)
    return (a.status, a.title, a.lead, a.body, a.cover_id, a.updated_at)


@pytest.mark.parametrize(
    ("method", "path", "body", "state", "caller", "want"),
    matrix_cases(MATRIX, CALLERS, shown=_shown),
)
def test_endpoint_by_caller(client, method, path, body, state, caller, want):
    """The status code written in MATRIX for this endpoint, method, article and caller; an
    answer that is not a success changes nothing: no article, no text, no state, no report."""
    owner = UserFactory()
    user, headers = _caller(caller, owner)
    target = _article(state, owner)
    before, articles, reports = _state_of(target.pk), Article.objects.count(), 0
    reports = CheckReport.objects.count()
    url = path.format(id=target.pk, missing=target.pk + 1000)
    if body == COVER:
        response = client.post(url, {"image": _jpeg(), "alt": "Der Ratssaal"}, **headers)
    else:
        response = send(client, method, url, headers, body)
    assert response.status_code == want, (method, url, caller, response.content[:300])
    if want >= 400:
        assert response["Content-Type"] == "application/problem+json"
        failed_submit = path.endswith("/submit/") and want in (400, 409)
        assert _state_of(target.pk) == before
        assert Article.objects.count() == articles
        # A submit refused for its guidelines or state runs no checks either.
        assert CheckReport.objects.count() == reports or failed_submit
    if want == 403:
        assert_insufficient_scope(response, "submissions:write")
    if want == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")
    if want == 201:
        assert Article.objects.count() == articles + 1
        assert Article.objects.latest("id").author == user
    if want == 200 and method in ("PATCH", "PUT"):
        after = Article.objects.get(pk=target.pk)
        assert after.author == owner and after.status == before[0]
        assert after.revisions.latest("number").created_by == user


def test_every_submissions_endpoint_is_in_the_matrix():
    """A new endpoint in submissions.py needs its rows here."""
    assert endpoint_paths(submissions.urlpatterns) == matrix_paths(MATRIX)

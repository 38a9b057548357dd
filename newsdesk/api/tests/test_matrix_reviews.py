"""Every review endpoint and method, by every caller: the expected status codes are written out
here, not read from the scope or permission tables.

Callers (conftest.CALLERS): no token; a contributor's token with submissions:write (all a
contributor may hold); an editor's token with reviews:write; an editor's token with every scope
an editor may hold except reviews:write; an admin's token with reviews:write.
"""

import pytest

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.api.endpoints import reviews
from newsdesk.api.tests.conftest import (
    assert_insufficient_scope,
    endpoint_paths,
    matrix_cases,
    matrix_paths,
    send,
)
from newsdesk.api.tests.conftest import caller as caller_for
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import article
from newsdesk.editorial import actions
from newsdesk.editorial.models import AuditEntry, GuidelinesVersion
from newsdesk.editorial.tests.test_actions import GOOD_BODY

pytestmark = pytest.mark.django_db

# A fixed time far ahead: the test ids hold it, and pytest-xdist workers must collect the same.
LATER = "2099-01-02T10:00:00+00:00"

# (method, path, body, the article's state before, then one status per caller in the order
# of CALLERS). States: "submitted"; "held_by_caller" / "held_by_other": in review, claimed by
# the caller (by another editor for callers that are not editors) or by another editor;
# "published".
MATRIX = [
    ("GET", "/api/v1/reviews/", None, "submitted", 401, 403, 200, 403, 200),
    ("GET", "/api/v1/reviews/{id}/", None, "submitted", 401, 403, 200, 403, 200),
    ("GET", "/api/v1/reviews/{missing}/", None, "submitted", 401, 403, 404, 403, 404),
    ("POST", "/api/v1/reviews/{id}/claim/", {}, "submitted", 401, 403, 200, 403, 200),
    ("POST", "/api/v1/reviews/{id}/claim/", {}, "held_by_other", 401, 403, 409, 403, 409),
    (
        "POST",
        "/api/v1/reviews/{id}/claim/",
        {"force": True},
        "held_by_other",
        401,
        403,
        200,
        403,
        200,
    ),
    ("POST", "/api/v1/reviews/{id}/claim/", {"force": "x"}, "submitted", 401, 403, 400, 403, 400),
    ("POST", "/api/v1/reviews/{missing}/claim/", {}, "submitted", 401, 403, 404, 403, 404),
    ("POST", "/api/v1/reviews/{id}/release/", None, "held_by_caller", 401, 403, 200, 403, 200),
    ("POST", "/api/v1/reviews/{id}/release/", None, "held_by_other", 401, 403, 409, 403, 409),
    ("POST", "/api/v1/reviews/{id}/release/", None, "submitted", 401, 403, 409, 403, 409),
    ("POST", "/api/v1/reviews/{missing}/release/", None, "submitted", 401, 403, 404, 403, 404),
    (
        "POST",
        "/api/v1/reviews/{id}/decisions/",
        {"decision": "approve"},
        "submitted",
        401,
        403,
        200,
        403,
        200,
    ),
    (
        "POST",
        "/api/v1/reviews/{id}/decisions/",
        {"decision": "request_changes", "note": "Sources, please."},
        "held_by_caller",
        401,
        403,
        200,
        403,
        200,
    ),
    (
        "POST",
        "/api/v1/reviews/{id}/decisions/",
        {"decision": "reject", "reason": "Advertising."},
        "submitted",
        401,
        403,
        200,
        403,
        200,
    ),
    (
        "POST",
        "/api/v1/reviews/{id}/decisions/",
        {"decision": "schedule", "at": LATER},
        "submitted",
        401,
        403,
        200,
        403,
        200,
    ),
    (
        "POST",
        "/api/v1/reviews/{id}/decisions/",
        {"decision": "publish"},
        "submitted",
        401,
        403,
        200,
        403,
        200,
    ),
    (
        "POST",
        "/api/v1/reviews/{id}/decisions/",
        {"decision": "unpublish"},
        "published",
        401,
        403,
        200,
        403,
        200,
    ),
    (
        "POST",
        "/api/v1/reviews/{id}/decisions/",
        {"decision": "unpublish"},
        "submitted",
        401,
        403,
        409,
        403,
        409,
    ),
    (
        "POST",
        "/api/v1/reviews/{id}/decisions/",
        {"decision": "dance"},
        "submitted",
        401,
        403,
        400,
        403,
        400,
    ),
    (
        "POST",
        "/api/v1/reviews/{missing}/decisions/",
        {"decision": "approve"},
        "submitted",
        401,
        403,
        404,
        403,
        404,
    ),
    # Methods no endpoint has: 405 for everyone (no token is asked for what does not exist).
    ("POST", "/api/v1/reviews/", {}, "submitted", 405, 405, 405, 405, 405),
    ("DELETE", "/api/v1/reviews/{id}/", None, "submitted", 405, 405, 405, 405, 405),
    ("PATCH", "/api/v1/reviews/{id}/", {}, "submitted", 405, 405, 405, 405, 405),
    ("GET", "/api/v1/reviews/{id}/claim/", None, "submitted", 405, 405, 405, 405, 405),
    ("DELETE", "/api/v1/reviews/{id}/release/", None, "submitted", 405, 405, 405, 405, 405),
    ("GET", "/api/v1/reviews/{id}/decisions/", None, "submitted", 405, 405, 405, 405, 405),
    ("PUT", "/api/v1/reviews/{id}/decisions/", {}, "submitted", 405, 405, 405, 405, 405),
]


def _submission(state, caller_user):
    GuidelinesVersion.objects.get_or_create(
        number=1, defaults={"body_de": "Regeln", "body_en": "Rules"}
    )
    draft = article(published=False, title="Stadtrat beschließt den Haushalt", body=GOOD_BODY)
    submission = actions.submit_article(article=draft, by=draft.author, accepted_version=1)
    other = UserFactory(editor=True)
    if state == "held_by_caller":
        may_claim = caller_user is not None and caller_user.role in ("editor", "admin")
        holder = caller_user if may_claim else other
        submission = actions.claim_submission(article=submission, editor=holder)
    elif state == "held_by_other":
        submission = actions.claim_submission(article=submission, editor=other)
    elif state == "published":
        submission = actions.publish_article(article=submission, by=other)
    return submission


@pytest.mark.parametrize(
    ("method", "path", "body", "state", "caller", "want"),
    matrix_cases(MATRIX),
)
def test_endpoint_by_caller(client, method, path, body, state, caller, want):
    """The status code written in MATRIX for this endpoint, method, article and caller; only a
    200 decision leaves an audit entry."""
    user, headers = caller_for(caller, scope="reviews:write")
    submission = _submission(state, user)
    entries = AuditEntry.objects.count()
    url = path.format(id=submission.pk, missing=submission.pk + 1000)
    response = send(client, method, url, headers, body)
    assert response.status_code == want, (method, url, caller, response.content[:300])
    if want != 200:
        assert response["Content-Type"] == "application/problem+json"
    if want == 403:
        assert_insufficient_scope(response, "reviews:write")
    if want == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")
    if want == 200 and method == "POST":
        assert AuditEntry.objects.count() == entries + 1
        assert AuditEntry.objects.latest("id").actor_id == user.pk
    else:
        assert AuditEntry.objects.count() == entries
        assert Article.objects.get(pk=submission.pk).status == submission.status


def test_every_review_endpoint_is_in_the_matrix():
    """A new endpoint in reviews.py needs its rows here."""
    assert endpoint_paths(reviews.urlpatterns) == matrix_paths(MATRIX)

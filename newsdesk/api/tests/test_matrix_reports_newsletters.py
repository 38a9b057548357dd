"""Every reports and newsletter-desk endpoint and method, by every caller: the expected status
codes are written out here, not read from the scope or permission tables.

Callers: no token; a contributor's token with every scope a contributor may hold; an editor's
token with the row's scope; an editor's token with every scope an editor may hold except the
row's; an admin's token with every scope.
"""

import pytest
from django.core.exceptions import ValidationError

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.api.endpoints import newsletters, reports
from newsdesk.api.tests.conftest import (
    ADMIN_SCOPES,
    CALLERS,
    assert_insufficient_scope,
    send,
    token_for,
)
from newsdesk.api.tests.conftest import caller as caller_for
from newsdesk.articles.tests.factories import article
from newsdesk.newsletter.tests.factories import (
    IssueFactory,
    NewsletterFactory,
    SubscriptionFactory,
)
from newsdesk.reports import actions

pytestmark = pytest.mark.django_db

# The admin's token holds every scope there is.
EVERY_SCOPE = (*ADMIN_SCOPES, "webhooks:manage")
# An editor can't hold it: there is no such token (asserted below).
NO_SUCH_TOKEN = None

# (method, path, scope of the row, then one status per caller in the order of CALLERS)
MATRIX = [
    ("GET", "/api/v1/reports/", "reports:read", 401, 403, 200, 403, 200),
    ("GET", "/api/v1/reports/{case}/", "reports:read", 401, 403, 200, 403, 200),
    ("POST", "/api/v1/reports/{case}/decisions/", "reports:write", 401, 403, 200, 403, 200),
    ("GET", "/api/v1/desk/newsletters/", "newsletters:read", 401, 403, 200, 403, 200),
    ("GET", "/api/v1/desk/newsletters/{nl}/issues/", "newsletters:read", 401, 403, 200, 403, 200),
    (
        "GET",
        "/api/v1/desk/newsletters/{nl}/issues/{issue}/",
        "newsletters:read",
        401,
        403,
        200,
        403,
        200,
    ),
    (
        "GET",
        "/api/v1/desk/newsletters/{nl}/subscribers/",
        "subscribers:read",
        401,
        403,
        NO_SUCH_TOKEN,
        403,
        200,
    ),
    # Methods no endpoint has: 405 for everyone (no token is asked for what does not exist).
    ("POST", "/api/v1/reports/", None, 405, 405, 405, 405, 405),
    ("DELETE", "/api/v1/reports/{case}/", None, 405, 405, 405, 405, 405),
    ("GET", "/api/v1/reports/{case}/decisions/", None, 405, 405, 405, 405, 405),
    ("PUT", "/api/v1/reports/{case}/decisions/", None, 405, 405, 405, 405, 405),
    ("POST", "/api/v1/desk/newsletters/", None, 405, 405, 405, 405, 405),
    ("PATCH", "/api/v1/desk/newsletters/{nl}/issues/{issue}/", None, 405, 405, 405, 405, 405),
    ("DELETE", "/api/v1/desk/newsletters/{nl}/subscribers/", None, 405, 405, 405, 405, 405),
]
# A decision every caller allowed to make one can make again and again: asking the reporter.
DECISION = {"decision": "ask", "note": "Which passage exactly?"}


def _headers(caller, scope):
    """conftest's caller headers; a row with no scope (405) gives the scoped editor
    reports:read, and the other editor every scope an editor may hold."""
    if caller == "editor_with_scope":
        scope = scope or "reports:read"
    return caller_for(caller, scope=scope, admin_scopes=EVERY_SCOPE)[1]


@pytest.fixture
def objects():
    story = article(slug="matrix-story", title="Matrix", body="Some text.")
    report, _token = actions.file_report(
        article=story,
        ground="spam",
        fields={"explanation": "Advertising.", "reporter_email": "r@example.net"},
        language="en",
    )
    letter = NewsletterFactory(slug="matrix-letter")
    SubscriptionFactory(newsletter=letter, confirmed=True)
    return {
        "case": report.case_number,
        "nl": letter.pk,
        "issue": IssueFactory(newsletter=letter).pk,
    }


def _run(client, objects, method, path, scope, caller, want):
    url = path.format(**objects)
    if want is NO_SUCH_TOKEN:
        # The row's scope is beyond an editor's role: the token can't be made at all.
        with pytest.raises(ValidationError):
            token_for(UserFactory(editor=True), scope)
        return
    headers = _headers(caller, scope)
    body = DECISION if method in ("POST", "PUT", "PATCH") else None
    response = send(client, method, url, headers, body)
    assert response.status_code == want, (method, url, caller, response.content[:300])
    if want != 200:
        assert response["Content-Type"] == "application/problem+json"
    if want == 403:
        assert_insufficient_scope(response, scope)
    if want == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


def _case(row, caller):
    method, path, scope, *codes = row
    return pytest.param(
        method, path, scope, caller, codes[CALLERS.index(caller)], id=f"{method} {path} {caller}"
    )


@pytest.mark.parametrize(
    ("method", "path", "scope", "caller", "want"),
    [_case(row, caller) for row in MATRIX for caller in CALLERS],
)
def test_endpoint_by_caller(client, objects, method, path, scope, caller, want):
    """The status code written in MATRIX for this endpoint, method and caller."""
    _run(client, objects, method, path, scope, caller, want)


def test_every_endpoint_of_these_modules_is_in_the_matrix():
    """A new endpoint in reports.py or newsletters.py needs its row here."""
    documented = {
        str(pattern.pattern).replace("(?P<case>R-[0-9]{4}-[0-9]{6})", "{case}").strip("^$")
        for pattern in reports.urlpatterns + newsletters.urlpatterns
    }
    documented = {
        p.replace("<int:newsletter_id>", "{nl}").replace("<int:issue_id>", "{issue}")
        for p in documented
    }
    in_matrix = {row[1].removeprefix("/api/v1/") for row in MATRIX}
    assert documented == in_matrix

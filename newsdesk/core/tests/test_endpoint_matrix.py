"""Every endpoint by every role, and for each row of each app's permission table the request
it decides, with expected values written out here (not read from the tables)."""

from functools import partial

import pytest
from django.db import transaction

from newsdesk.accounts import permissions as account_permissions
from newsdesk.accounts.models import User
from newsdesk.accounts.tests.factories import ROLES, UserFactory, user_for_role
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.editorial import permissions as editorial_permissions
from newsdesk.newsletter import permissions as newsletter_permissions
from newsdesk.newsletter.tests.factories import IssueFactory, NewsletterFactory
from newsdesk.reports import actions as report_actions
from newsdesk.reports import attachments as report_attachments
from newsdesk.reports import permissions as report_permissions
from newsdesk.reports.models import Report

pytestmark = pytest.mark.django_db


# path -> expected status for anonymous, contributor, editor, admin
ENDPOINTS = {
    "/de/": (200, 200, 200, 200),
    "/en/": (200, 200, 200, 200),
    "/de/articles/published-one/": (200, 200, 200, 200),
    "/de/articles/a-draft/": (404, 404, 404, 404),
    "/de/sections/politik/": (200, 200, 200, 200),
    "/de/tags/rat/": (200, 200, 200, 200),
    "/de/authors/matrix-author/": (200, 200, 200, 200),
    "/de/articles/taken/": (451, 451, 451, 451),
    "/de/guidelines/": (200, 200, 200, 200),
    "/de/search/?q=rat": (200, 200, 200, 200),
    "/de/search/?q=rat&section=politik&kind=news&page=2": (200, 200, 200, 200),
    "/feed.rss": (200, 200, 200, 200),
    "/feed.atom": (200, 200, 200, 200),
    "/de/feed.atom": (200, 200, 200, 200),
    "/de/sections/politik/feed.rss": (200, 200, 200, 200),
    "/de/tags/rat/feed.atom": (200, 200, 200, 200),
    "/de/authors/matrix-author/feed.rss": (200, 200, 200, 200),
    "/de/sections/nowhere/feed.rss": (404, 404, 404, 404),
    "/sitemap.xml": (200, 200, 200, 200),
    "/sitemap-articles.xml": (200, 200, 200, 200),
    "/news-sitemap.xml": (200, 200, 200, 200),
    "/robots.txt": (200, 200, 200, 200),
    "/de/account/profile/": (302, 200, 200, 200),
    "/de/account/outbox/": (302, 404, 404, 200),
    "/admin/": (302, 302, 200, 200),
    "/admin/articles/article/": (302, 302, 403, 200),
    "/admin/accounts/user/": (302, 302, 403, 200),
    "/admin/editorial/guidelinesversion/add/": (302, 302, 403, 200),
    "/healthz": (200, 200, 200, 200),
    "/de/write/": (302, 200, 200, 200),
    "/de/write/new/": (302, 200, 200, 200),
    "/de/write/{draft}/": (302, 404, 200, 200),
    "/de/write/999999/": (302, 404, 404, 404),
    "/de/review/": (302, 404, 200, 200),
    "/de/review/audit/": (302, 404, 200, 200),
    "/de/review/{draft}/": (302, 404, 200, 200),
    "/de/review/999999/": (302, 404, 404, 404),
    "/de/reports/new/?article=published-one": (200, 200, 200, 200),
    "/de/reports/new/?article=published-one&ground=copyright": (200, 200, 200, 200),
    "/de/reports/new/?article=a-draft": (404, 404, 404, 404),
    "/de/reports/transparency/": (200, 200, 200, 200),
    "/de/reports/filed/": (200, 200, 200, 200),
    "/de/reports/queue/": (302, 404, 200, 200),
    "/de/reports/queue/?unassigned=on&ground=spam": (302, 404, 200, 200),
    "/de/reports/case/{case}/": (302, 404, 200, 200),
    "/de/reports/case/R-1999-000000/": (302, 404, 404, 404),
    "/de/reports/case/{case}/files/{attachment}/": (302, 404, 200, 200),
    "/de/reports/case/{case}/files/999999/": (302, 404, 404, 404),
    "/de/reports/status/{case}/{token}/": (200, 200, 200, 200),
    "/de/reports/status/{case}/{wrong_token}/": (404, 404, 404, 404),
    "/de/reports/status/R-1999-000000/{token}/": (404, 404, 404, 404),
    "/de/reports/counter-notice/{taken_case}/": (302, 404, 404, 404),
    "/admin/reports/report/": (302, 302, 403, 200),
    "/admin/reports/report/{report_pk}/change/": (302, 302, 403, 200),
    "/admin/reports/reportevent/": (302, 302, 403, 200),
}


@pytest.fixture
def content():
    section = SectionFactory(name="Politik", slug="politik")
    tag = TagFactory(name="Rat", slug="rat")
    author = UserFactory(display_name="Matrix Author")
    published = article(slug="published-one", section=section, tags=[tag], author=author)
    draft = article(slug="a-draft", section=section, author=author, published=False)
    return {"draft": draft.pk, **reports_on(published, article(slug="taken", author=author))}


def reports_on(published, taken) -> dict:
    """A report on `published` with an attachment, and one that took `taken` down."""
    report, token = report_actions.file_report(
        article=published, ground="spam", fields={"explanation": "Ads"}, language="de"
    )
    report_attachments.store(
        report, [report_attachments.IncomingFile("a.html", "text/html", b"<p>x</p>")]
    )
    attachment = report.attachments.get()
    other, _token = report_actions.file_report(
        article=taken, ground="copyright", fields={"work": "Mine"}, language="de"
    )
    report_actions.take_down(report=other, editor=UserFactory(editor=True))
    return {
        "case": report.case_number,
        "report_pk": report.pk,
        "token": token,
        "wrong_token": token[::-1],
        "attachment": attachment.pk,
        "taken_case": other.case_number,
    }


@pytest.fixture(autouse=True)
def _report_files(settings, tmp_path):
    settings.REPORTS_ATTACHMENTS_DIR = tmp_path / "report-attachments"


# Report actions (POST), by role: the status code, then whether the report left "new".
REPORT_ACTIONS = {
    "/de/reports/case/{case}/ask/": ((302, 404, 302, 302), (False, False, True, True)),
    "/de/reports/case/{case}/reject/": ((302, 404, 302, 302), (False, False, True, True)),
    "/de/reports/case/{case}/take_down/": ((302, 404, 302, 302), (False, False, True, True)),
    # Refused (nothing taken down to restore): the case again, with the note kept.
    "/de/reports/case/{case}/restore/": ((302, 404, 409, 409), (False, False, False, False)),
    "/de/reports/case/{case}/no_such_decision/": ((302, 404, 404, 404), (False,) * 4),
    "/de/reports/case/{case}/assign/": ((302, 404, 302, 302), (False,) * 4),
    # No ground given: refused with a message, nothing changes.
    "/de/reports/case/{case}/ground/": ((302, 404, 302, 302), (False,) * 4),
    # Without the text or the confirmation: the status page again, with the form's errors.
    "/de/reports/status/{case}/{token}/reply/": ((400, 400, 400, 400), (False,) * 4),
    "/de/reports/status/{case}/{token}/court/": ((400, 400, 400, 400), (False,) * 4),
    "/de/reports/status/{case}/{wrong_token}/reply/": ((404, 404, 404, 404), (False,) * 4),
    "/de/reports/counter-notice/{taken_case}/": ((302, 404, 404, 404), (False,) * 4),
}


@pytest.mark.parametrize("role_index", range(4))
@pytest.mark.parametrize("path", list(REPORT_ACTIONS))
def test_every_report_action_by_every_role(client, content, role_index, path):
    role = ROLES[role_index]
    if role != "anonymous":
        client.force_login(user_for_role(role))
    response = client.post(path.format(**content), {"note": "Why?", "article": "nope"})
    codes, moved = REPORT_ACTIONS[path]
    assert response.status_code == codes[role_index], role
    if role == "anonymous" and response.status_code == 302 and "/status/" not in path:
        assert "/accounts/login/" in response["Location"]
    state = Report.objects.get(case_number=content["case"]).state
    assert (state != "new") == moved[role_index], (role, state)


@pytest.mark.parametrize("role_index", range(4))
def test_anyone_can_file_a_report(client, content, role_index):
    role = ROLES[role_index]
    if role != "anonymous":
        client.force_login(user_for_role(role))
    response = client.post(
        "/de/reports/new/?article=published-one&ground=spam",
        {"explanation": "Werbung", "reporter_email": "r@example.org"},
    )
    assert (response.status_code, response["Location"]) == (302, "/de/reports/filed/")
    assert Report.objects.filter(reporter_email="r@example.org").count() == 1


@pytest.mark.parametrize("role_index", range(4))
def test_every_endpoint_by_every_role(client, content, role_index):
    role = ROLES[role_index]
    if role != "anonymous":
        client.force_login(user_for_role(role))
    got = {path: client.get(path.format(**content)).status_code for path in ENDPOINTS}
    assert got == {path: codes[role_index] for path, codes in ENDPOINTS.items()}, role


# --- every row of every permission table is what enforces its endpoint -------------------------

# (app, row): the role that has the row, a request the row decides, and its status code with the
# row as declared and with the row taken from every role. A row that is not read by the code
# behind its request would give the same code both times.
# fmt: off
ROWS = {
    ("accounts", "edit_own_profile"):       ("contributor", "GET /de/account/profile/", 200, 404),
    ("accounts", "read_outbox"):            ("admin", "GET /de/account/outbox/", 200, 404),
    ("accounts", "change_roles"):           ("admin", "POST /admin/accounts/user/{author_pk}/change/", 200, 403),
    ("editorial", "write"):                 ("contributor", "GET /de/write/", 200, 404),
    ("editorial", "edit_others"):           ("editor", "GET /de/write/{draft}/", 200, 404),
    ("editorial", "review"):                ("editor", "GET /de/review/{draft}/", 200, 404),
    ("editorial", "publish"):               ("editor", "POST /de/review/{draft}/publish/", 302, 404),
    ("editorial", "unpublish"):             ("editor", "POST /de/review/{published}/unpublish/", 302, 404),
    # Refused by editorial.actions itself, whoever let the editor reach it: the case again.
    ("editorial", "take_down"):             ("editor", "POST /de/reports/case/{case}/take_down/", 302, 409),
    ("editorial", "read_audit_log"):        ("editor", "GET /de/review/audit/", 200, 404),
    ("editorial", "edit_guidelines"):       ("admin", "GET /admin/editorial/guidelinesversion/add/", 200, 403),
    ("reports", "file_counter_notice"):     ("author", "GET /de/reports/counter-notice/{taken_case}/", 200, 404),
    ("reports", "triage"):                  ("editor", "GET /de/reports/queue/", 200, 404),
    ("reports", "decide"):                  ("editor", "POST /de/reports/case/{case}/reject/", 302, 404),
    ("reports", "download_attachments"):    ("editor", "GET /de/reports/case/{case}/files/{attachment}/", 200, 404),
    ("newsletter", "read_archive"):         ("anonymous", "GET /de/newsletters/{letter}/", 200, 404),
    ("newsletter", "compose"):              ("editor", "GET /de/newsletters/compose/", 200, 404),
    ("newsletter", "send"):                 ("editor", "POST /de/newsletters/compose/{issue}/send/", 302, 404),
    ("newsletter", "manage_newsletters"):   ("admin", "GET /admin/newsletter/newsletter/add/", 200, 403),
    ("newsletter", "browse_subscribers"):   ("admin", "GET /admin/newsletter/subscriber/", 200, 403),
}
# fmt: on
TABLES = {
    "accounts": account_permissions.PERMISSIONS,
    "editorial": editorial_permissions.PERMISSIONS,
    "reports": report_permissions.PERMISSIONS,
    "newsletter": newsletter_permissions.PERMISSIONS,
}


def test_every_row_has_its_request():
    """Each row of each table is listed in ROWS (and nothing else is)."""
    assert set(ROWS) == {(app, row) for app, table in TABLES.items() for row in table}


@pytest.fixture
def rows_world(content):
    author = User.objects.get(display_name="Matrix Author")
    letter = NewsletterFactory(slug="matrix-letter")
    return {
        **content,
        "author": author,
        "author_pk": author.pk,
        "published": Article.objects.get(slug="published-one").pk,
        "letter": letter.slug,
        "issue": IssueFactory(newsletter=letter).pk,
    }


@pytest.mark.parametrize(
    "row",
    list(ROWS),
    ids=lambda row: ".".join(row),
)
def test_each_row_is_what_enforces_its_request(client, rows_world, monkeypatch, row):
    """With its row the role gets the first code; with the row taken from every role (the
    table changed, nothing else) the same request gets the second."""
    role, request, allowed, refused = ROWS[row]
    method, path = request.split()
    path = path.format(**rows_world)
    user = rows_world["author"] if role == "author" else None
    if role not in ("anonymous", "author"):
        user = user_for_role(role)
    if user is not None:
        client.force_login(user)
    send = client.get if method == "GET" else partial(client.post, data={"note": "Why?"})
    with transaction.atomic():
        got = send(path).status_code
        transaction.set_rollback(True)
    app, name = row
    monkeypatch.setitem(TABLES[app], name, frozenset())
    got_refused = send(path).status_code
    assert (got, got_refused) == (allowed, refused)


def test_inactive_users_have_no_role():
    user = UserFactory(admin=True, is_active=False)
    assert not account_permissions.PERMISSIONS.can(user, "read_outbox")


def test_an_action_no_table_declares_is_an_error():
    """A misspelt row fails loudly instead of refusing everyone."""
    with pytest.raises(KeyError):
        editorial_permissions.PERMISSIONS.can(user_for_role("admin"), "publsh")

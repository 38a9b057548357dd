"""The review queue on the API: the same queue, the same actions and the same audit entries as
the web's review page; conflicts as 409, bad input as 400, never a 500."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.accounts import actions as account_actions
from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.api.tests.conftest import assert_insufficient_scope, post_json, token_for
from newsdesk.articles.actions import save_article
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.editorial import actions, views
from newsdesk.editorial.models import AuditEntry, GuidelinesVersion
from newsdesk.editorial.queries import review_queue
from newsdesk.editorial.tests.test_actions import GOOD_BODY

pytestmark = pytest.mark.django_db
S = Article.Status
SUBMITTABLE = ["publish", "approve", "request_changes", "reject", "schedule"]


def submitted(**fields):
    """A draft saved and submitted by its author through the editorial actions, as the
    writer's page does it."""
    GuidelinesVersion.objects.get_or_create(
        number=1, defaults={"body_de": "Regeln", "body_en": "Rules"}
    )
    fields.setdefault("title", "Stadtrat beschließt den Haushalt für 2027")
    fields.setdefault("body", GOOD_BODY)
    draft = article(published=False, **fields)
    return actions.submit_article(
        article=draft, by=draft.author, accepted_version=actions.latest_guidelines().number
    )


def audit_of(a):
    """The article's audit entries, oldest first, as what they record (not when or which id)."""
    return [
        (e.action, e.from_status, e.to_status, e.note, e.actor_id, e.data)
        for e in AuditEntry.objects.filter(article=a).order_by("created_at", "id")
    ]


@pytest.fixture
def auth(editor):
    return token_for(editor, "reviews:write")


def test_a_submission_is_in_the_api_queue_as_on_the_web_page(client, editor, auth):
    """What the writer submits appears in the API's queue, in the web queue's order, with its
    state, author, reviewer, submission time and the checks' summary."""
    first = submitted(title="Erste Einreichung zum Haushalt der Stadt")
    second = submitted(title="Zweite Einreichung zum Haushalt der Stadt")
    actions.claim_submission(article=second, editor=editor)
    article(title="Schon veröffentlicht")  # not in the queue
    response = client.get("/api/v1/reviews/", **auth)
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["data"]] == [first.pk, second.pk]
    client.force_login(editor)
    page = client.get("/en/review/").content.decode()
    web_order = [int(pk) for pk in re.findall(r'href="/en/review/(\d+)/"', page)]
    assert web_order == [first.pk, second.pk]
    one, two = body["data"]
    assert one["state"] == "submitted" and two["state"] == "in_review"
    assert one["author"] == {"id": first.author.pk, "display_name": first.author.display_name}
    assert one["claimed_by"] is None
    assert two["claimed_by"] == {"id": editor.pk, "display_name": "Erika Editor"}
    assert one["submitted_at"] == timezone.localtime(first.submitted_at).isoformat()
    report = first.check_reports.get()
    statuses = [r["status"] for r in report.results]
    assert one["checks"]["blocking"] is False
    assert one["checks"]["failures"] == statuses.count("failure") == 0
    assert one["checks"]["warnings"] == statuses.count("warning")
    assert one["checks"]["passed"] == statuses.count("pass") > 0
    assert one["api_url"].endswith(f"/api/v1/reviews/{first.pk}/")
    assert one["web_url"].endswith(f"/review/{first.pk}/")
    assert body["meta"]["pagination"]["total"] == 2


def test_the_queue_filters_are_the_web_queues(client, editor, auth):
    """section, language, kind and older_than_days select what the web queue's filter does."""
    politics = SectionFactory(slug="politik", name="Politik")
    news = submitted(title="Nachricht aus dem Rathaus der Stadt", section=politics)
    opinion = submitted(title="Kommentar zum Haushalt der Stadt", kind="opinion", language="de-AT")
    Article.objects.filter(pk=news.pk).update(submitted_at=timezone.now() - dt.timedelta(days=5))
    client.force_login(editor)
    cases = [
        ({"section": "politik"}, {"section": politics.pk}, [news.pk]),
        ({"kind": "opinion"}, {"kind": "opinion"}, [opinion.pk]),
        ({"language": "de-at"}, {"language": "de-at"}, [opinion.pk]),
        ({"language": "de"}, {"language": "de"}, [news.pk, opinion.pk]),
        ({"older_than_days": "3"}, {"older_than_days": "3"}, [news.pk]),
    ]
    for api_query, web_query, expected in cases:
        api = [i["id"] for i in client.get("/api/v1/reviews/", api_query, **auth).json()["data"]]
        page = client.get("/en/review/", web_query).content.decode()
        web = [int(pk) for pk in re.findall(r'href="/en/review/(\d+)/"', page)]
        assert api == web == expected, api_query


@pytest.mark.parametrize(
    "query",
    [
        {"section": "no-such-section"},
        {"kind": "poem"},
        {"older_than_days": "-1"},
        {"older_than_days": "abc"},
        {"older_than_days": "3651"},
        {"language": "x" * 36},
        {"language": "de\x00"},
        {"status": "published"},
        {"limit": "0"},
    ],
)
def test_bad_queue_filters_are_400(client, auth, query):
    response = client.get("/api/v1/reviews/", query, **auth)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"]


def test_a_parameter_twice_is_400(client, auth):
    response = client.get("/api/v1/reviews/?kind=news&kind=opinion", **auth)
    assert response.status_code == 400


def test_the_queue_reads_a_fixed_number_of_queries(client, auth):
    """No query per item: the latest check report comes for the whole page at once."""
    submitted(title="Eine einzige Einreichung zum Haushalt")
    client.get("/api/v1/reviews/", **auth)  # the token's first use records it
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/reviews/", **auth).status_code == 200
    for n in range(4):
        submitted(title=f"Weitere Einreichung Nummer {n} zum Haushalt")
    with CaptureQueriesContext(connection) as five:
        assert len(client.get("/api/v1/reviews/", **auth).json()["data"]) == 5
    assert len(five) == len(one)


def test_one_submission_as_the_review_page_shows_it(client, editor, auth):
    """Its text as written and as sanitised HTML, the checks, the revisions, the audit entries
    and what this editor may decide now."""
    a = submitted()
    # The checks refuse such a text at submission; an editor may still change it in review.
    a = save_article(
        article=a,
        author=a.author,
        editor=editor,
        title=a.title,
        lead=a.lead,
        body=GOOD_BODY + "\n\n<script>alert(1)</script> [x](javascript:alert(1))\n",
        language=a.language,
        kind=a.kind,
        section=a.section,
        tags=[],
    )
    response = client.get(f"/api/v1/reviews/{a.pk}/", **auth)
    assert response.status_code == 200
    body = response.json()
    assert body["body"].endswith("<script>alert(1)</script> [x](javascript:alert(1))\n")
    assert "<h2" in body["body_html"] and "Der Beschluss" in body["body_html"]
    assert "<script" not in body["body_html"] and "&lt;script&gt;" in body["body_html"]
    assert "href" not in body["body_html"]
    assert body["state"] == "submitted" and body["state_label"]
    assert body["check_report"]["results"] and body["check_report"]["blocking"] is False
    assert {r["status"] for r in body["check_report"]["results"]} <= {"pass", "warning"}
    assert [r["number"] for r in body["revisions"]] == [2, 1]
    assert body["revisions"][0]["created_by"]["id"] == editor.pk
    assert [e["action"] for e in body["audit"]] == ["submit"]
    assert body["audit"][0]["actor"] == {"id": a.author.pk, "display_name": a.author.display_name}
    assert body["audit"][0]["to_status"] == "submitted"
    assert body["allowed_decisions"] == [
        "publish",
        "approve",
        "request_changes",
        "reject",
        "schedule",
    ]
    assert body["claim_action"] == "claim"
    assert body["author_record"]["published"] == 0
    other = UserFactory(editor=True)
    actions.claim_submission(article=a, editor=other)
    assert client.get(f"/api/v1/reviews/{a.pk}/", **auth).json()["claim_action"] == "take_over"
    actions.claim_submission(article=a, editor=editor, force=True)
    assert client.get(f"/api/v1/reviews/{a.pk}/", **auth).json()["claim_action"] == "release"


def test_the_diff_of_the_last_two_revisions(client, auth):
    a = submitted()
    actions.claim_submission(article=a, editor=UserFactory(editor=True))
    save_article(
        article=a,
        author=a.author,
        editor=a.author,
        title=a.title,
        lead=a.lead,
        body=a.body.replace("Stadtrat von Neustadt", "Gemeinderat von Neustadt"),
        language=a.language,
        kind=a.kind,
        section=a.section,
        tags=[],
    )
    diff = client.get(f"/api/v1/reviews/{a.pk}/", **auth).json()["diff"]
    assert (diff["old_revision"], diff["new_revision"]) == (1, 2)
    changed = [r for r in diff["rows"] if r["field"] == "body"]
    assert changed and "Gemeinderat" in changed[0]["new"] and "Stadtrat" in changed[0]["old"]


@pytest.mark.parametrize("state", Article.Status.values)
@pytest.mark.parametrize("claimed", ["nobody", "me", "other"])
def test_allowed_decisions_are_the_review_pages_buttons(client, editor, auth, state, claimed):
    """In every state and claim, the API offers exactly the buttons the review page shows."""
    a = article(published=False, title=f"Im Zustand {state}")
    holder = {"nobody": None, "me": editor, "other": UserFactory(editor=True)}[claimed]
    Article.objects.filter(pk=a.pk).update(status=state, claimed_by=holder)
    a.refresh_from_db()
    buttons = views._buttons(editor, a)
    web = [b.decision for b in buttons["note_buttons"]]
    if buttons["schedule_button"]:
        web.append("schedule")
    claim = buttons["claim_button"].decision if buttons["claim_button"] else None
    body = client.get(f"/api/v1/reviews/{a.pk}/", **auth).json()
    assert body["allowed_decisions"] == web
    assert body["claim_action"] == claim


# Each path of decisions: the web's URL suffix and form data, the API's call and body.
PATHS = {
    "approve_schedule_publish": [
        ("claim", {}, "claim", {}),
        ("approve", {"note": "Gut."}, "decisions", {"decision": "approve", "note": "Gut."}),
        (
            "schedule",
            {"at": "FUTURE", "note": ""},
            "decisions",
            {"decision": "schedule", "at": "FUTURE"},
        ),
        ("publish", {"note": "Jetzt."}, "decisions", {"decision": "publish", "note": "Jetzt."}),
    ],
    "request_changes": [
        ("claim", {}, "claim", {}),
        (
            "request_changes",
            {"note": "Bitte Quellen."},
            "decisions",
            {"decision": "request_changes", "note": "Bitte Quellen."},
        ),
    ],
    "reject": [
        ("reject", {"note": "Werbung."}, "decisions", {"decision": "reject", "reason": "Werbung."}),
    ],
    "release_publish_unpublish": [
        ("claim", {}, "claim", {}),
        ("release", {}, "release", {}),
        ("publish", {"note": ""}, "decisions", {"decision": "publish"}),
        (
            "unpublish",
            {"note": "Fehler."},
            "decisions",
            {"decision": "unpublish", "note": "Fehler."},
        ),
    ],
}


@pytest.mark.parametrize("name", list(PATHS))
def test_decisions_by_api_are_recorded_as_by_the_web(
    client, editor, auth, django_capture_on_commit_callbacks, name
):
    """The same decisions on two equal submissions, one on the review page and one on the API,
    leave them in the same state with the same audit entries and the same mails."""
    writer = UserFactory()
    by_web = submitted(title="Über den Haushalt auf der Website", author=writer)
    by_api = submitted(title="Über den Haushalt über die Schnittstelle", author=writer)
    future = timezone.now() + dt.timedelta(days=2)
    for web_decision, form, endpoint, payload in PATHS[name]:
        form = {
            k: (future.strftime("%Y-%m-%dT%H:%M") if v == "FUTURE" else v) for k, v in form.items()
        }
        payload = {k: (future.isoformat() if v == "FUTURE" else v) for k, v in payload.items()}
        client.force_login(editor)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post(f"/en/review/{by_web.pk}/{web_decision}/", form)
        assert page.status_code == 302
        web_mails = [(m.to, m.subject) for m in mail.outbox]
        client.logout()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = post_json(client, f"/api/v1/reviews/{by_api.pk}/{endpoint}/", auth, payload)
        assert response.status_code == 200, response.content
        api_mails = [(m.to, m.subject) for m in mail.outbox]
        by_web.refresh_from_db()
        by_api.refresh_from_db()
        assert response.json()["state"] == by_api.status == by_web.status, web_decision
        assert by_api.claimed_by_id == by_web.claimed_by_id
        assert (by_api.scheduled_at is None) == (by_web.scheduled_at is None)
        assert [(to, subject.replace(by_web.title, "T")) for to, subject in web_mails] == [
            (to, subject.replace(by_api.title, "T")) for to, subject in api_mails
        ]
        assert response.json()["audit"][0]["action"] == audit_of(by_api)[-1][0]
    web_audit, api_audit = audit_of(by_web), audit_of(by_api)
    assert [e[:5] for e in api_audit] == [e[:5] for e in web_audit]
    assert [e[0] for e in api_audit[1:]] == [step[0] for step in PATHS[name]]
    assert all(e[4] == editor.pk for e in api_audit[1:])


def test_schedule_records_the_time_given(client, auth):
    a = submitted()
    at = "2099-05-01T08:30:00+02:00"
    response = post_json(
        client, f"/api/v1/reviews/{a.pk}/decisions/", auth, {"decision": "schedule", "at": at}
    )
    assert response.status_code == 200
    a.refresh_from_db()
    assert a.status == S.SCHEDULED
    assert a.scheduled_at == dt.datetime(2099, 5, 1, 6, 30, tzinfo=dt.UTC)
    assert response.json()["scheduled_at"].startswith("2099-05-01")


def test_publishing_makes_it_public_in_the_articles_api(client, auth):
    a = submitted()
    assert client.get("/api/v1/articles/").json()["data"] == []
    assert client.get(f"/api/v1/articles/{a.pk}/").status_code == 404
    response = post_json(
        client, f"/api/v1/reviews/{a.pk}/decisions/", auth, {"decision": "publish"}
    )
    assert response.status_code == 200 and response.json()["state"] == "published"
    assert [i["id"] for i in client.get("/api/v1/articles/").json()["data"]] == [a.pk]
    assert client.get(f"/api/v1/articles/{a.pk}/").json()["body"] == a.body
    assert response.json()["allowed_decisions"] == ["publish", "unpublish"]
    # Off the queue now, as on the web.
    assert client.get("/api/v1/reviews/", **auth).json()["data"] == []
    response = post_json(
        client, f"/api/v1/reviews/{a.pk}/decisions/", auth, {"decision": "unpublish"}
    )
    assert response.json()["state"] == "unpublished"
    assert client.get("/api/v1/articles/").json()["data"] == []


def test_a_decision_the_state_does_not_allow_is_409_with_the_actions_message(client, auth):
    a = submitted()
    before = audit_of(a)
    response = post_json(
        client, f"/api/v1/reviews/{a.pk}/decisions/", auth, {"decision": "unpublish"}
    )
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_transition"
    assert problem["detail"] == "This is not possible while the article is “Submitted”."
    assert problem["title"] == "Conflict" and problem["status"] == 409
    response = post_json(client, f"/api/v1/reviews/{a.pk}/release/", auth)
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert audit_of(a) == before
    a.refresh_from_db()
    assert a.status == S.SUBMITTED


def test_another_editors_claim_is_409_unless_taken_over(client, editor, auth):
    a = submitted()
    other = UserFactory(editor=True, display_name="Otto Other")
    actions.claim_submission(article=a, editor=other)
    response = post_json(client, f"/api/v1/reviews/{a.pk}/claim/", auth)
    assert response.status_code == 409
    assert response.json() == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "Otto Other is already reviewing this submission.",
        "code": "claimed",
    }
    response = post_json(client, f"/api/v1/reviews/{a.pk}/release/", auth)
    assert response.status_code == 409 and response.json()["code"] == "claimed"
    response = post_json(client, f"/api/v1/reviews/{a.pk}/claim/", auth, {"force": True})
    assert response.status_code == 200
    assert response.json()["claimed_by"]["id"] == editor.pk
    claims = [e for e in audit_of(a) if e[0] == "claim"]
    assert [(c[4], c[1], c[2]) for c in claims] == [
        (other.pk, "submitted", "in_review"),
        (editor.pk, "in_review", "in_review"),
    ]
    # Claiming what one holds already changes nothing, as on the web.
    assert post_json(client, f"/api/v1/reviews/{a.pk}/claim/", auth).status_code == 200
    assert len([e for e in audit_of(a) if e[0] == "claim"]) == 2
    response = post_json(client, f"/api/v1/reviews/{a.pk}/release/", auth)
    assert response.status_code == 200 and response.json()["claimed_by"] is None
    assert response.json()["state"] == "submitted"


def test_the_paths_without_a_trailing_slash_work_too(client, auth):
    a = submitted()
    assert post_json(client, f"/api/v1/reviews/{a.pk}/claim", auth).status_code == 200
    assert post_json(client, f"/api/v1/reviews/{a.pk}/release", auth).status_code == 200
    response = post_json(client, f"/api/v1/reviews/{a.pk}/decisions", auth, {"decision": "approve"})
    assert response.status_code == 200 and response.json()["state"] == "approved"


FUTURE = "2099-01-01T10:00:00Z"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "decision"),
        ({"decision": "nope"}, "decision"),
        ({"decision": 5}, "decision"),
        ({"decision": None}, "decision"),
        ({"decision": ["approve"]}, "decision"),
        ({"decision": "request_changes"}, "note"),
        ({"decision": "request_changes", "note": "   "}, "note"),
        ({"decision": "request_changes", "note": 7}, "note"),
        ({"decision": "approve", "note": "x" * 5001}, "note"),
        ({"decision": "approve", "note": None}, "note"),
        ({"decision": "reject"}, "reason"),
        ({"decision": "reject", "note": "Werbung."}, "reason"),
        ({"decision": "reject", "reason": "Werbung.", "note": "auch"}, "note"),
        ({"decision": "approve", "reason": "x"}, "reason"),
        ({"decision": "schedule"}, "at"),
        ({"decision": "schedule", "at": "2099-01-01T10:00:00"}, "at"),
        ({"decision": "schedule", "at": "2099-01-01"}, "at"),
        ({"decision": "schedule", "at": "tomorrow"}, "at"),
        ({"decision": "schedule", "at": "2099-13-45T99:00:00Z"}, "at"),
        ({"decision": "schedule", "at": "2020-01-01T10:00:00Z"}, "at"),
        ({"decision": "schedule", "at": 4102444800}, "at"),
        ({"decision": "schedule", "at": "9999-12-31T23:59:59-23:59"}, "at"),
        ({"decision": "approve", "at": FUTURE}, "at"),
        ({"decision": "approve", "publish": True}, "publish"),
    ],
)
def test_bad_decisions_are_400_with_the_field_and_change_nothing(client, auth, body, field):
    a = submitted()
    before = audit_of(a)
    response = post_json(client, f"/api/v1/reviews/{a.pk}/decisions/", auth, body)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [field]
    assert audit_of(a) == before


@pytest.mark.parametrize(
    "raw", ["{", "[]", '"approve"', "5", "null", "true", '{"decision": "approve",}', "\x00"]
)
def test_bodies_that_are_not_an_object_are_400(client, auth, raw):
    a = submitted()
    for endpoint in ["claim", "decisions"]:
        response = client.post(
            f"/api/v1/reviews/{a.pk}/{endpoint}/", raw, "application/json", **auth
        )
        assert response.status_code == 400, (endpoint, raw, response.content)
        assert response["Content-Type"] == "application/problem+json"
    assert [e[0] for e in audit_of(a)] == ["submit"]


@pytest.mark.parametrize("body", [{"force": "yes"}, {"force": 1}, {"force": None}, {"forc": True}])
def test_bad_claims_are_400(client, auth, body):
    a = submitted()
    response = post_json(client, f"/api/v1/reviews/{a.pk}/claim/", auth, body)
    assert response.status_code == 400
    assert [e[0] for e in audit_of(a)] == ["submit"]


def test_a_form_body_is_415(client, auth):
    a = submitted()
    response = client.post(f"/api/v1/reviews/{a.pk}/decisions/", {"decision": "approve"}, **auth)
    assert response.status_code == 415


def test_a_claim_without_a_body_is_a_plain_claim(client, editor, auth):
    a = submitted()
    response = client.post(
        f"/api/v1/reviews/{a.pk}/claim/", content_type="application/json", **auth
    )
    assert response.status_code == 200 and response.json()["claimed_by"]["id"] == editor.pk
    response = client.generic("POST", f"/api/v1/reviews/{a.pk}/release/", **auth)
    assert response.status_code == 200 and response.json()["claimed_by"] is None


@pytest.mark.parametrize("ref", ["999999", "99999999999999999999999", "abc", "-1", "1.5"])
def test_unknown_ids_are_404(client, auth, ref):
    for method, path in [
        ("get", f"/api/v1/reviews/{ref}/"),
        ("post", f"/api/v1/reviews/{ref}/claim/"),
        ("post", f"/api/v1/reviews/{ref}/release/"),
        ("post", f"/api/v1/reviews/{ref}/decisions/"),
    ]:
        response = (
            getattr(client, method)(path, "{}", "application/json", **auth)
            if method == "post"
            else client.get(path, **auth)
        )
        assert response.status_code == 404, (path, response.content)
        assert response["Content-Type"] == "application/problem+json"


def test_a_demoted_editors_token_is_403_insufficient_scope(client, editor, auth):
    a = submitted()
    assert client.get("/api/v1/reviews/", **auth).status_code == 200
    account_actions.set_role(user=editor, role="contributor")
    for response in [
        client.get("/api/v1/reviews/", **auth),
        client.get(f"/api/v1/reviews/{a.pk}/", **auth),
        post_json(client, f"/api/v1/reviews/{a.pk}/claim/", auth),
        post_json(client, f"/api/v1/reviews/{a.pk}/decisions/", auth, {"decision": "publish"}),
    ]:
        assert_insufficient_scope(response, "reviews:write")
        assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    a.refresh_from_db()
    assert a.status == S.SUBMITTED and [e[0] for e in audit_of(a)] == ["submit"]


def test_the_schema_documents_every_operation_and_its_errors(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    operations = {
        ("/api/v1/reviews/", "get"): {"200", "400", "401", "403", "404", "429"},
        ("/api/v1/reviews/{article_id}/", "get"): {"200", "401", "403", "404", "429"},
        ("/api/v1/reviews/{article_id}/claim/", "post"): {
            "200",
            "400",
            "401",
            "403",
            "404",
            "409",
            "415",
            "429",
        },
        ("/api/v1/reviews/{article_id}/release/", "post"): {
            "200",
            "401",
            "403",
            "404",
            "409",
            "429",
        },
        ("/api/v1/reviews/{article_id}/decisions/", "post"): {
            "200",
            "400",
            "401",
            "403",
            "404",
            "409",
            "415",
            "429",
        },
    }
    review_paths = {p for p in schema["paths"] if p.startswith("/api/v1/reviews")}
    assert review_paths == {p for p, _m in operations}
    for (path, method), statuses in operations.items():
        operation = schema["paths"][path][method]
        assert set(operation["responses"]) == statuses, path
        assert operation["security"] == [{"token": []}]
        assert "`reviews:write`" in operation["description"]
    members = {
        ref["$ref"].rsplit("/", 1)[1]
        for ref in schema["components"]["schemas"]["ReviewDecision"]["oneOf"]
    }
    required = {name: schema["components"]["schemas"][name]["required"] for name in members}
    assert required == {
        "ReviewPublish": ["decision"],
        "ReviewApprove": ["decision"],
        "ReviewRequestChanges": ["decision", "note"],
        "ReviewReject": ["decision", "reason"],
        "ReviewUnpublish": ["decision"],
        "ReviewSchedule": ["at", "decision"],
    }
    for method in ["get", "post"]:
        for path in review_paths:
            for code, response in (
                schema["paths"][path].get(method, {}).get("responses", {}).items()
            ):
                if code != "200":
                    assert list(response["content"]) == ["application/problem+json"], (path, code)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/reviews/",
        "/api/v1/reviews/{id}/",
        "/api/v1/reviews/{id}/claim/",
        "/api/v1/reviews/{id}/release/",
        "/api/v1/reviews/{id}/decisions/",
    ],
)
def test_options_is_answered_not_a_500(client, auth, path):
    a = submitted()
    response = client.options(path.format(id=a.pk), **auth)
    assert response.status_code == 200


def test_review_queue_order_is_editorial_queries(client, auth):
    """The API lists exactly editorial.queries.review_queue(), in its order."""
    made = [submitted(title=f"Einreichung Nummer {n} über den Haushalt") for n in range(3)]
    Article.objects.filter(pk=made[0].pk).update(submitted_at=timezone.now())
    api = [i["id"] for i in client.get("/api/v1/reviews/", **auth).json()["data"]]
    assert (
        api
        == list(review_queue().values_list("pk", flat=True))
        == [made[1].pk, made[2].pk, made[0].pk]
    )

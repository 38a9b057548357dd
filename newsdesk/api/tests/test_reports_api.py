"""The reports API: the editors' queue and the case, and decisions that go through the same
actions as the report page, so that they are logged, mailed and taken down alike (451)."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.api.tests.conftest import assert_insufficient_scope, token_for
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import article
from newsdesk.editorial.models import AuditEntry
from newsdesk.reports import actions
from newsdesk.reports.models import Report, ReportEvent

pytestmark = pytest.mark.django_db

COPYRIGHT = {
    "work": "Die Stadtwerke erhöhen die Preise, by Rita Rechte",
    "passage": "Der Rat hat getagt.",
    "original_url": "https://example.net/stadtwerke-preise",
    "reporter_name": "Rita Rechte",
    "reporter_email": "rights@example.net",
    "reporter_address": "Musterweg 1, 12345 Berlin",
    "reporter_phone": "+49 30 1234567",
    "good_faith": True,
    "accurate": True,
    "signature": "Rita Rechte",
}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://news.example.org"
    settings.SITE_HOST = "news.example.org"


@pytest.fixture
def reader(editor):
    return token_for(editor, "reports:read")


@pytest.fixture
def writer(editor):
    return token_for(editor, "reports:read", "reports:write")


@pytest.fixture
def author():
    return UserFactory(display_name="Anna Autorin", email="anna@example.org")


@pytest.fixture
def story(author):
    return article(
        slug="stadtwerke", title="Preise steigen", body="Der Rat hat getagt.", author=author
    )


def file(story, ground="copyright", **fields) -> Report:
    report, _token = actions.file_report(
        article=story, ground=ground, fields={**COPYRIGHT, **fields}, language="de"
    )
    return report


def decide(client, headers, report, **body):
    return client.post(
        f"/api/v1/reports/{report.case_number}/decisions/",
        body,
        content_type="application/json",
        **headers,
    )


class QueueTests:
    def test_the_queue_is_the_webs_waiting_reports_oldest_first(self, client, reader, story):
        """Default: new, needs info and counter-notice, oldest first; closed ones left out."""
        first = file(story)
        second = file(None, ground="spam", explanation="Spam mail", mail_subject="Hi")
        closed = file(story)
        Report.objects.filter(pk=closed.pk).update(state=Report.State.REJECTED)
        Report.objects.filter(pk=second.pk).update(created_at=first.created_at + dt.timedelta(1))
        response = client.get("/api/v1/reports/", **reader)
        assert response.status_code == 200
        body = response.json()
        assert [r["case"] for r in body["data"]] == [first.case_number, second.case_number]
        assert body["meta"]["pagination"]["total"] == 2
        row = body["data"][0]
        assert row["ground"] == "copyright" and row["state"] == "new"
        assert row["article"]["id"] == story.pk and row["article"]["status"] == "published"
        assert row["reporter_name"] == "Rita Rechte"
        assert row["api_url"] == f"https://news.example.org/api/v1/reports/{first.case_number}/"
        assert body["data"][1]["article"] is None

    def test_filters_are_the_webs_and_strict(self, client, reader, story):
        """state, ground and unassigned as on the web; a bad value or parameter is a 400."""
        mailed = file(None, ground="copyright")
        rejected = file(story, ground="spam", explanation="x")
        Report.objects.filter(pk=rejected.pk).update(state=Report.State.REJECTED)
        get = lambda **q: client.get("/api/v1/reports/", q, **reader)  # noqa: E731
        assert [r["case"] for r in get(unassigned="true").json()["data"]] == [mailed.case_number]
        assert [r["case"] for r in get(state="rejected").json()["data"]] == [rejected.case_number]
        assert get(ground="spam").json()["data"] == []
        for bad in ({"state": "gone"}, {"ground": "x"}, {"unassigned": "perhaps"}, {"q": "x"}):
            response = get(**bad)
            assert response.status_code == 400, bad
            assert response["Content-Type"] == "application/problem+json"
        assert get(limit="0").status_code == 400

    def test_the_queue_pages(self, client, reader, story):
        for _ in range(3):
            file(story)
        body = client.get("/api/v1/reports/", {"limit": 2}, **reader).json()
        assert len(body["data"]) == 2 and body["meta"]["pagination"]["next"]
        rest = client.get("/api/v1/reports/", {"limit": 2, "offset": 2}, **reader).json()
        assert len(rest["data"]) == 1


class CaseTests:
    def test_the_case_as_editors_see_it(self, client, reader, story, author):
        """Reporter's details, article with author, state, history, the decisions open now."""
        report = file(story)
        response = client.get(f"/api/v1/reports/{report.case_number}/", **reader)
        assert response.status_code == 200
        case = response.json()
        assert case["case"] == report.case_number
        assert case["reporter"] == {
            "name": "Rita Rechte",
            "email": "rights@example.net",
            "address": "Musterweg 1, 12345 Berlin",
            "phone": "+49 30 1234567",
            "relationship": "",
        }
        assert case["article"]["author"] == {"id": author.pk, "display_name": "Anna Autorin"}
        assert case["work"] == COPYRIGHT["work"] and case["good_faith"] is True
        assert case["decisions"] == ["take_down", "ask", "reject", "change_ground"]
        assert [e["kind"] for e in case["events"]] == ["filed"]
        assert case["events"][0]["actor"] is None
        assert case["counter_notice"] is None
        assert [a["action"] for a in case["audit"]] == ["publish"]

    def test_an_unknown_or_malformed_case_is_404(self, client, reader):
        for case in ("R-2026-000000", "R-2026-12", "nothing", "R-2026-123456%00"):
            response = client.get(f"/api/v1/reports/{case}/", **reader)
            assert response.status_code == 404, case
            assert response["Content-Type"] == "application/problem+json"


class DecisionTests:
    def test_take_down_through_the_api_is_the_webs_take_down(self, client, writer, editor, story):
        """The report's event, the article's audit entry with ground and case, the article
        answering 451 on the API, the decision note kept."""
        report = file(story)
        assert client.get(f"/api/v1/articles/{story.pk}/").status_code == 200
        response = decide(client, writer, report, decision="take_down", note="Clear copy.")
        assert response.status_code == 200, response.content
        case = response.json()
        assert case["state"] == "taken_down" and case["decision_note"] == "Clear copy."
        assert case["decisions"] == []
        assert case["events"][-1]["kind"] == "taken_down"
        assert case["events"][-1]["actor"]["id"] == editor.pk
        entry = AuditEntry.objects.get(article=story, action="take_down")
        assert entry.actor == editor and entry.note == "Clear copy."
        assert entry.data["ground"] == "copyright" and entry.data["case"] == report.case_number
        assert case["audit"][0]["action"] == "take_down"
        assert case["audit"][0]["case"] == report.case_number
        event = ReportEvent.objects.filter(report=report).last()
        assert (event.kind, event.actor, event.note) == ("taken_down", editor, "Clear copy.")
        gone = client.get(f"/api/v1/articles/{story.pk}/")
        assert gone.status_code == 451
        assert gone.json()["case"] == report.case_number

    def test_a_refused_decision_is_409_with_the_actions_message(self, client, writer, story):
        report = file(story)
        Article.objects.filter(pk=story.pk).update(status=Article.Status.UNPUBLISHED)
        response = decide(client, writer, report, decision="take_down")
        assert response.status_code == 409
        problem = response.json()
        assert problem["detail"] == "Only a published article can be taken down."
        assert problem["code"] == "not_public"
        restore = decide(client, writer, report, decision="restore")
        assert restore.status_code == 409 and restore.json()["code"] == "invalid_state"
        assert Report.objects.get(pk=report.pk).state == "new"

    def test_reject_and_ask_need_a_note_400(self, client, writer, story):
        report = file(story)
        for decision in ("reject", "ask"):
            for note in ({"note": "  "}, {}):
                response = decide(client, writer, report, decision=decision, **note)
                assert response.status_code == 400, decision
                assert response.json()["detail"].startswith("note: ")
        response = decide(client, writer, report, decision="ask", note="Which passage?")
        assert response.status_code == 200
        assert response.json()["state"] == "needs_info"
        response = decide(client, writer, report, decision="reject", note="Quoting is allowed.")
        assert response.json()["state"] == "rejected"
        kinds = list(ReportEvent.objects.filter(report=report).values_list("kind", flat=True))
        assert kinds == ["filed", "info_requested", "rejected"]

    def test_bad_bodies_are_400(self, client, writer, story):
        report = file(story)
        for body in (
            {},
            {"decision": "publish"},
            {"decision": "take_down", "note": "x" * 10_001},
            {"decision": "take_down", "ground": "spam"},
            {"decision": "change_ground"},
            {"decision": "change_ground", "ground": "nonsense"},
            {"decision": "assign"},
            {"decision": "reject", "article": "stadtwerke"},
            {"decision": "take_down", "note": "a\x00b"},
            {"decision": "reject", "note": "\x00"},
            {"decision": ["reject"]},
            {"decision": "restore", "note": 5},
        ):
            response = decide(client, writer, report, **body)
            assert response.status_code == 400, body
            assert response["Content-Type"] == "application/problem+json"
        raw = client.post(
            f"/api/v1/reports/{report.case_number}/decisions/",
            "[1, 2",
            content_type="application/json",
            **writer,
        )
        assert raw.status_code == 400
        listed = client.post(
            f"/api/v1/reports/{report.case_number}/decisions/",
            "[1, 2]",
            content_type="application/json",
            **writer,
        )
        assert listed.status_code == 400
        assert Report.objects.get(pk=report.pk).state == "new"

    def test_change_ground_and_assign(self, client, writer, story):
        """Triage as on the report page: the ground corrected (logged with the old one), an
        unassigned report attached to the article named by address or slug."""
        report = file(None)
        response = decide(client, writer, report, decision="assign", article="no-such-slug")
        assert response.status_code == 404
        assert response.json()["code"] == "unknown_article"
        assert response.json()["detail"] == "No article of this site has that address or slug."
        response = decide(
            client,
            writer,
            report,
            decision="assign",
            article="https://news.example.org/de/articles/stadtwerke/",
        )
        assert response.status_code == 200, response.content
        assert response.json()["article"]["id"] == story.pk
        again = decide(client, writer, report, decision="assign", article="stadtwerke")
        assert again.status_code == 409 and again.json()["code"] == "assigned"
        response = decide(client, writer, report, decision="change_ground", ground="privacy")
        assert response.json()["ground"] == "privacy"
        event = ReportEvent.objects.filter(report=report).last()
        assert event.kind == "ground_changed" and event.data["previous"] == "copyright"

    def test_restore_after_the_counter_notice_and_its_wait(self, client, writer, story, author):
        report = file(story)
        assert decide(client, writer, report, decision="take_down").status_code == 200
        actions.file_counter_notice(
            report=report,
            author=author,
            statement="I wrote it myself.",
            name="Anna Autorin",
            address="Weg 2, Köln",
            signature="Anna Autorin",
        )
        early = decide(client, writer, report, decision="restore")
        assert early.status_code == 409 and early.json()["code"] == "waiting"
        assert (
            early.json()["detail"] == "The waiting period after the counter-notice is not over yet."
        )
        Report.objects.filter(pk=report.pk).update(
            counter_at=timezone.now() - dt.timedelta(days=30)
        )
        case = client.get(f"/api/v1/reports/{report.case_number}/", **writer).json()
        assert case["decisions"] == ["restore"]
        assert case["counter_notice"]["statement"] == "I wrote it myself."
        response = decide(client, writer, report, decision="restore", note="Counter-notice stands.")
        assert response.status_code == 200
        assert response.json()["state"] == "restored"
        assert AuditEntry.objects.filter(article=story, action="restore").count() == 1
        assert client.get(f"/api/v1/articles/{story.pk}/").status_code == 200

    def test_a_read_token_cannot_decide(self, client, reader, story):
        report = file(story)
        response = decide(client, reader, report, decision="take_down")
        assert_insufficient_scope(response, "reports:write")
        assert Report.objects.get(pk=report.pk).state == "new"

    def test_a_user_who_lost_the_editor_role_loses_the_api_too(self, client, writer, editor, story):
        report = file(story)
        editor.role = "contributor"
        editor.save(update_fields=["role"])
        assert client.get("/api/v1/reports/", **writer).status_code == 403
        assert decide(client, writer, report, decision="take_down").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_api_and_the_web_record_a_take_down_alike(editor, writer):
    """Two reports on two articles, one decided on the report page, one through the API: the
    same events, audit entries and mails."""
    web_story = article(slug="web", title="Web", body="Text one.", author=UserFactory())
    api_story = article(slug="api", title="Api", body="Text two.", author=UserFactory())
    by_web, by_api = file(web_story), file(api_story)
    mail.outbox.clear()
    browser = Client()
    browser.force_login(editor)
    web = browser.post(f"/en/reports/case/{by_web.case_number}/take_down/", {"note": "Copied."})
    assert web.status_code == 302
    web_mails = len(mail.outbox)
    api = decide(Client(), writer, by_api, decision="take_down", note="Copied.")
    assert api.status_code == 200

    def events(report):
        return list(report.events.values_list("kind", "actor", "note"))

    def audit(story):
        rows = AuditEntry.objects.filter(article=story).order_by("id")
        return [(e.action, e.actor_id, e.from_status, e.to_status, e.note, e.data["ground"])
                for e in rows if e.action == "take_down"]  # fmt: skip

    assert events(by_web) == events(by_api)
    assert audit(web_story) == audit(api_story) != []
    assert web_mails > 0 and len(mail.outbox) == 2 * web_mails
    assert Client().get(f"/api/v1/articles/{web_story.pk}/").status_code == 451
    assert Client().get(f"/api/v1/articles/{api_story.pk}/").status_code == 451


def test_the_queue_does_not_grow_its_queries_with_reports(client, reader, story):
    """One page of the queue costs the same queries for one report as for six."""
    file(story)
    client.get("/api/v1/reports/", **reader)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/reports/", **reader)
    for _ in range(5):
        file(article(title="Other", body="Other text."))
    with CaptureQueriesContext(connection) as six:
        assert len(client.get("/api/v1/reports/", **reader).json()["data"]) == 6
    assert len(six) == len(one)

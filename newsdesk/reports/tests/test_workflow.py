"""The whole path through the test client: report, triage with evidence, questions and answers,
takedown (451), the author's notice and counter-notice, the waiting period, a court action,
restore; every step logged and mailed."""

import datetime as dt
import html
import io
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import article
from newsdesk.editorial.actions import publish_due_articles, unpublish_article
from newsdesk.editorial.models import AuditEntry
from newsdesk.editorial.queries import upheld_copyright_takedowns
from newsdesk.reports.forms import TEXT_MAX
from newsdesk.reports.models import Report
from newsdesk.reports.queries import add_weekdays, transparency_counts
from newsdesk.reports.tests.helpers import (
    file_copyright,
    mails_to,
    only_report,
    status_path,
)

pytestmark = pytest.mark.django_db(transaction=True)

BODY = (
    "## Preise\n\nDie Stadtwerke haben am Montag angekündigt, dass die Preise für Strom und Gas "
    "im kommenden Jahr um zwölf Prozent steigen werden. Als Grund nennen sie die gestiegenen "
    "Einkaufskosten an der Börse.\n\nDer Stadtrat will darüber in seiner nächsten Sitzung beraten."
)
ORIGINAL = (
    "Eigener Bericht. Die Stadtwerke haben am Montag angekündigt, dass die Preise für Strom und "
    "Gas im kommenden Jahr um zwölf Prozent steigen werden. Ganz anderer Schluss hier."
)


@pytest.fixture
def author():
    return UserFactory(display_name="Anna Autorin", email="anna@example.org")


@pytest.fixture
def story(author):
    made = article(slug="stadtwerke", title="Preise steigen", body=BODY, author=author)
    mail.outbox.clear()
    return made


@pytest.fixture
def editor_client(client):
    editor = UserFactory(editor=True, display_name="Erika Editor")
    client.force_login(editor)
    return client


def filed(client, story, **fields) -> tuple[Report, str]:
    response = file_copyright(client, story, original_text=ORIGINAL, **fields)
    assert response.status_code == 200
    report = only_report()
    return report, status_path(mails_to("rights@example.net")[-1])


def decide(client, report, decision, note=""):
    return client.post(f"/en/reports/case/{report.case_number}/{decision}/", {"note": note})


class WholePathTests:
    def test_report_triage_takedown_counter_notice_restore(self, client, story, author, settings):
        report, status = filed(client, story)
        client.logout()

        # Triage: the queue, oldest first, and the report with its evidence.
        editor = UserFactory(editor=True, display_name="Erika Editor")
        client.force_login(editor)
        queue = client.get("/en/reports/queue/").content.decode()
        assert report.case_number in queue and "Preise steigen" in queue
        detail = client.get(f"/en/reports/case/{report.case_number}/")
        page = detail.content.decode()
        assert detail.status_code == 200
        assert "<mark>Die Stadtwerke haben am Montag angekündigt, dass die Preise für Strom und Gas im kommenden Jahr um zwölf Prozent steigen werden" in page  # fmt: skip
        assert "Musterweg 1" in page  # editors see the reporter's details

        # Ask for more; the reporter answers on the status page; it is back in the queue.
        assert (
            decide(client, report, "ask", "Where exactly was the original published?").status_code
            == 302
        )
        [question] = mails_to("rights@example.net")[1:]
        assert "Where exactly was the original published?" in question.body
        assert status_path(question) == status
        client.logout()
        page = client.get(status).content.decode()
        assert "More information requested" in page and "Where exactly" in page
        client.post(status + "reply/", {"text": "In the Example Times, page 3."})
        assert Report.objects.get().state == "new"

        # Take down: the article answers 451 and the author gets the notice, not the reporter.
        client.force_login(editor)
        assert decide(client, report, "take_down", "Clear copy.").status_code == 302
        story.refresh_from_db()
        assert story.status == Article.Status.TAKEN_DOWN
        entry = AuditEntry.objects.filter(article=story, action="take_down").get()
        assert entry.data == {"ground": "copyright", "case": report.case_number}
        client.logout()
        assert client.get(story.get_absolute_url()).status_code == 451
        [notice] = mails_to("anna@example.org")
        assert "Die Stadtwerke erhöhen die Preise, by Rita Rechte" in notice.body
        assert (
            "Der Rat hat getagt." in notice.body
            and "https://example.net/stadtwerke-preise" in notice.body
        )
        for private in ("rights@example.net", "Musterweg", "+49 30", "Rita Rechte <"):
            assert private not in notice.body, private
        counter_url = f"/de/reports/counter-notice/{report.case_number}/"
        assert "https://news.example.org" + counter_url in notice.body
        assert "taken down" in mails_to("rights@example.net")[-1].subject

        # Counter-notice: only the author, logged in.
        assert client.get(counter_url).status_code == 302
        client.force_login(UserFactory())
        assert client.get(counter_url).status_code == 404
        client.force_login(author)
        form = client.get(counter_url).content.decode()
        assert "Der Rat hat getagt." in form
        assert "rights@example.net" not in form and "Musterweg" not in form
        incomplete = client.post(counter_url, {"statement": "I wrote it myself."})
        # The author's page is in the author's (the article's) language.
        with translation.override("de"):
            missing_address = gettext("Please give your postal address.")
        assert missing_address in html.unescape(incomplete.content.decode())
        assert "I wrote it myself." in incomplete.content.decode()
        client.post(counter_url, {
            "statement": "I wrote it myself.", "name": "Anna Autorin", "address": "Hafen 2",
            "good_faith": "on", "consent": "on", "signature": "Anna Autorin",
        })  # fmt: skip
        report.refresh_from_db()
        assert report.state == "counter_notice" and report.counter_at is not None
        told = mails_to("rights@example.net")[-1]
        assert "counter-notice" in told.subject and "I wrote it myself." in told.body

        # Restore: refused during the waiting period, then done, logged and mailed.
        client.force_login(editor)
        decide(client, report, "restore")
        assert Article.objects.get(pk=story.pk).status == Article.Status.TAKEN_DOWN
        Report.objects.filter(pk=report.pk).update(
            counter_at=timezone.now() - dt.timedelta(days=15)
        )
        assert decide(client, report, "restore", "Counter-notice stands.").status_code == 302
        assert Article.objects.get(pk=story.pk).status == Article.Status.PUBLISHED
        assert AuditEntry.objects.filter(article=story, action="restore").count() == 1
        report.refresh_from_db()
        assert report.state == "restored"
        assert "restored" in mails_to("rights@example.net")[-1].subject
        assert "wieder veröffentlicht" in mails_to("anna@example.org")[-1].body  # in German
        client.logout()
        assert client.get(story.get_absolute_url()).status_code == 200
        kinds = list(report.events.values_list("kind", flat=True))
        assert kinds == ["filed", "info_requested", "info_supplied", "taken_down",
                         "counter_notice", "restored"]  # fmt: skip
        client.force_login(editor)
        history = client.get(f"/en/reports/case/{report.case_number}/").content.decode()
        assert "Reporter added information" in history and "In the Example Times" in history

    def test_translations_go_down_and_come_back_with_the_reported_article(
        self, client, story, author
    ):
        """The same text in another language is the same complaint: published language
        versions are taken down under the same case and restored with it; a draft version is
        left alone, and the translator gets no strike as a repeat infringer."""
        translator = UserFactory()
        english = article(slug="utilities", language="en", translation_of=story, author=translator)
        draft = article(slug="services", language="fr", translation_of=story, published=False)
        report, _status = filed(client, story)
        editor = UserFactory(editor=True)
        client.force_login(editor)
        page = client.get(f"/en/reports/case/{report.case_number}/").content.decode()
        assert "1 other language version goes down with it" in page
        earlier = len(mails_to(translator.email))  # e.g. "published"
        decide(client, report, "take_down", "Copied.")
        client.logout()
        assert client.get(english.get_absolute_url()).status_code == 451
        # Each author is told about their own article, and either may file the counter-notice.
        assert len(mails_to(translator.email)) == earlier + 1
        told = mails_to(translator.email)[-1]
        assert english.title[:40] in told.subject and report.case_number in told.body
        assert mails_to(author.email)[-1].subject.endswith(story.title)
        counter = f"/de/reports/counter-notice/{report.case_number}/"
        client.force_login(translator)
        assert client.get(counter).status_code == 200
        client.force_login(UserFactory())
        assert client.get(counter).status_code == 404
        client.logout()
        entry = AuditEntry.objects.get(article=english, action="take_down")
        assert entry.data == {
            "ground": "copyright", "case": report.case_number, "version_of": story.pk
        }  # fmt: skip
        assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT
        assert upheld_copyright_takedowns(author) == 1
        assert upheld_copyright_takedowns(translator) == 0
        # A version scheduled meanwhile does not bring the text back when its time comes.
        Article.objects.filter(pk=draft.pk).update(
            status=Article.Status.SCHEDULED, scheduled_at=timezone.now() - dt.timedelta(minutes=1)
        )
        assert publish_due_articles() == []
        assert Article.objects.get(pk=draft.pk).status == Article.Status.SCHEDULED

        Report.objects.filter(pk=report.pk).update(
            state="counter_notice", counter_at=timezone.now() - dt.timedelta(days=30)
        )
        client.force_login(editor)
        decide(client, report, "restore", "Counter-notice stands.")
        client.logout()
        assert client.get(story.get_absolute_url()).status_code == 200
        assert client.get(english.get_absolute_url()).status_code == 200
        assert AuditEntry.objects.filter(article=english, action="restore").count() == 1
        assert len(mails_to(translator.email)) == earlier + 2  # the takedown, then the restore
        assert "Restored" in mails_to(translator.email)[-1].subject
        assert publish_due_articles() == [draft.pk]  # restored: it may go out now

    def test_the_case_page_lists_the_other_reports_about_the_article(self, client, story):
        first, _status = filed(client, story)
        file_copyright(client, story, original_text=ORIGINAL)
        second = Report.objects.exclude(pk=first.pk).get()
        client.force_login(UserFactory(editor=True))
        decide(client, first, "take_down", "Copied.")
        page = client.get(f"/en/reports/case/{second.case_number}/").content.decode()
        assert "Other reports about this article" in page
        assert f'<a href="/en/reports/case/{first.case_number}/">{first.case_number}</a>' in page
        assert "Upheld: article taken down" in page

    def test_an_editor_corrects_the_ground_while_the_report_waits(self, client, story):
        """Filed as copyright, it is really spam: the editor changes the ground (logged with
        the old one, counted under the new one); once decided, the ground stays."""
        report, _status = filed(client, story)
        client.force_login(UserFactory(editor=True))
        url = f"/en/reports/case/{report.case_number}/ground/"
        page = client.get(f"/en/reports/case/{report.case_number}/").content.decode()
        assert f'action="{url}"' in page and '<option value="copyright" selected>' in page
        assert client.post(url, {"ground": "nonsense"}).status_code == 302
        assert Report.objects.get().ground == "copyright"
        client.post(url, {"ground": "spam"})
        report.refresh_from_db()
        assert report.ground == "spam"
        event = report.events.get(kind="ground_changed")
        assert event.data == {"previous": "copyright", "ground": "spam"}
        page = client.get(f"/en/reports/case/{report.case_number}/").content.decode()
        assert "Ground changed" in page and ": Spam</h1>" in page
        [month] = transparency_counts()
        assert {str(row["ground"]) for row in month["rows"] if row["total"]} == {"Spam"}
        decide(client, report, "reject", "Not spam either.")
        client.post(url, {"ground": "hate"})
        assert Report.objects.get().ground == "spam"

    def test_a_court_action_blocks_the_restore(self, client, story, author):
        report, status = filed(client, story)
        editor = UserFactory(editor=True)
        client.force_login(editor)
        decide(client, report, "take_down")
        client.force_login(author)
        client.post(f"/de/reports/counter-notice/{report.case_number}/", {
            "statement": "Mine.", "name": "A", "address": "B", "good_faith": "on",
            "consent": "on", "signature": "A",
        })  # fmt: skip
        client.logout()
        client.post(status + "court/", {"confirm": "on", "note": "LG Berlin 1 O 1/26"})
        Report.objects.update(counter_at=timezone.now() - dt.timedelta(days=30))
        client.force_login(editor)
        decide(client, report, "restore")
        assert Article.objects.get(pk=story.pk).status == Article.Status.TAKEN_DOWN
        assert Report.objects.get().state == "counter_notice"
        assert (
            "court action" in client.get(f"/en/reports/case/{report.case_number}/").content.decode()
        )

    def test_reject_sends_the_reason_and_changes_nothing(self, client, story):
        report, status = filed(client, story)
        client.force_login(UserFactory(editor=True))
        missing = decide(client, report, "reject")  # no reason: the form again, 400
        assert missing.status_code == 400 and "Give the reporter a reason." in html.unescape(
            missing.content.decode()
        )
        assert missing["Cache-Control"].startswith("max-age=0")  # reporter's details: never cached
        assert Report.objects.get().state == "new"
        decide(client, report, "reject", "The passage is a short quotation.")
        assert Report.objects.get().state == "rejected"
        assert "The passage is a short quotation." in mails_to("rights@example.net")[-1].body
        assert Article.objects.get(pk=story.pk).status == Article.Status.PUBLISHED
        client.logout()
        assert "The passage is a short quotation." in client.get(status).content.decode()

    def test_only_published_articles_are_taken_down(self, client, story):
        report, _status = filed(client, story)
        editor = UserFactory(editor=True)
        unpublish_article(article=story, by=editor)
        client.force_login(editor)
        refused = decide(client, report, "take_down", "Copied from <the> Example Times.")
        assert Report.objects.get().state == "new"
        assert Article.objects.get(pk=story.pk).status == Article.Status.UNPUBLISHED
        # The case is shown again with the refusal and the note as typed, nothing lost.
        assert refused.status_code == 409
        page = refused.content.decode()
        assert "Copied from &lt;the&gt; Example Times.</textarea>" in page
        assert 'class="message-error"' in page

    def test_a_note_too_long_is_shown_again_with_the_reason(self, client, story):
        report, _status = filed(client, story)
        client.force_login(UserFactory(editor=True))
        note = "Begründung " + "x" * TEXT_MAX
        response = decide(client, report, "reject", note)
        assert response.status_code == 400
        page = response.content.decode()
        assert f"{note}</textarea>" in page
        assert "at most" in page
        assert Report.objects.get().state == "new"

    def test_filing_alone_never_takes_an_article_down(self, client, story):
        for _ in range(3):
            file_copyright(client, story)
        assert client.get(story.get_absolute_url()).status_code == 200


class UnassignedTests:
    def test_an_editor_assigns_a_mailed_report_then_decides(self, editor_client, story):
        data = (Path(__file__).parent / "mail" / "unassigned.eml").read_bytes()
        call_command("ingest_mail", stdin=io.BytesIO(data), stdout=io.StringIO())
        report = only_report()
        queue = editor_client.get("/en/reports/queue/?unassigned=on").content.decode()
        assert report.case_number in queue and "You stole my photo" in queue
        url = f"/en/reports/case/{report.case_number}/assign/"
        editor_client.post(url, {"article": "https://news.example.org/de/articles/nope/"})
        assert Report.objects.get().article is None
        editor_client.post(url, {"article": "https://news.example.org/de/articles/stadtwerke/"})
        assert Report.objects.get().article == story
        assert "assigned" in Report.objects.get().events.values_list("kind", flat=True)
        assert (
            report.case_number
            not in editor_client.get("/en/reports/queue/?unassigned=on").content.decode()
        )


class AttachmentDownloadTests:
    def test_files_are_downloaded_never_shown(self, editor_client, story, settings):
        data = (Path(__file__).parent / "mail" / "attachments.eml").read_bytes()
        data = data.replace(b"@@URL@@", b"https://news.example.org/de/articles/stadtwerke/")
        call_command("ingest_mail", stdin=io.BytesIO(data), stdout=io.StringIO())
        report = only_report()
        for attachment in report.attachments.all():
            response = editor_client.get(
                f"/en/reports/case/{report.case_number}/files/{attachment.pk}/"
            )
            assert response.status_code == 200
            assert response["Content-Type"] == "application/octet-stream"
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"
            stored = Path(settings.REPORTS_ATTACHMENTS_DIR) / attachment.stored_name
            assert b"".join(response.streaming_content) == stored.read_bytes()
        html_file = report.attachments.get(original_name="evidence.html")
        other = UserFactory()
        editor_client.force_login(other)
        assert (
            editor_client.get(
                f"/en/reports/case/{report.case_number}/files/{html_file.pk}/"
            ).status_code
            == 404
        )


class StatusPageTests:
    def test_without_the_token_nothing_is_revealed(self, client, story):
        report, status = filed(client, story)
        token = status.rstrip("/").rsplit("/", 1)[1]
        wrong_token = client.get(f"/en/reports/status/{report.case_number}/{'0' * 40}/")
        wrong_case = client.get(f"/en/reports/status/R-2000-000000/{token}/")
        assert wrong_token.status_code == wrong_case.status_code == 404
        assert wrong_token.content == wrong_case.content
        assert report.case_number not in wrong_token.content.decode()
        assert (
            client.post(
                f"/en/reports/status/{report.case_number}/{'0' * 40}/reply/", {"text": "x"}
            ).status_code
            == 404
        )


def test_weekdays_skip_weekends():
    friday = dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)
    assert add_weekdays(friday, 1).weekday() == 0  # Monday
    assert add_weekdays(friday, 10) == friday + dt.timedelta(days=14)

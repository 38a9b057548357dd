"""Reports by email through `newsdesk ingest_mail`, with real message files (tests/mail/):
plain, multipart/alternative, attachments (an .html, an .exe, an image), oversize, malformed,
unattributable, automatic and for another address."""

import base64
import io
import logging
import os
import stat
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command

from newsdesk.articles.tests.factories import article
from newsdesk.reports import mail as reports_mail
from newsdesk.reports.mail import OVERALL_LIMIT_PER_HOUR, SENDER_LIMIT_PER_HOUR
from newsdesk.reports.models import Report, ReportEvent
from newsdesk.reports.tests.helpers import mails_to, only_report, status_path

pytestmark = pytest.mark.django_db(transaction=True)

MAIL = Path(__file__).parent / "mail"
CONSUMED = "stdin: consumed by newsdesk.reports.mail.handle"
URL = "https://news.example.org/de/articles/stadtwerke/"


def eml(name: str, **values) -> bytes:
    data = (MAIL / name).read_bytes()
    for key, value in {"url": URL, **values}.items():
        data = data.replace(f"@@{key.upper()}@@".encode(), str(value).encode())
    return data


def ingest(data: bytes) -> str:
    out = io.StringIO()
    call_command("ingest_mail", stdin=io.BytesIO(data), stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def story():
    made = article(slug="stadtwerke", title="Die Stadtwerke erhöhen die Preise")
    mail.outbox.clear()
    return made


class MailReportTests:
    def test_a_plain_message_is_filed_on_the_article_it_names(self, client, story):
        assert ingest(eml("plain.eml")) == CONSUMED
        report = only_report()
        assert (report.article, report.source, report.ground) == (story, "email", "copyright")
        assert report.reporter_email == "rights@example.net"
        assert report.reporter_name == "Rita Rechte"
        assert report.mail_subject == "Copyright infringement in your article"
        assert "Die Stadtwerke erhöhen die Preise" in report.explanation
        assert report.language == "de"  # the article's language

        [confirmation] = mails_to("rights@example.net")
        assert report.case_number in confirmation.subject
        assert client.get(status_path(confirmation)).status_code == 200

    def test_multipart_alternative_finds_the_article_in_the_html_links(self, story):
        """The URL is only in the HTML part's href; the text part (Latin-1, quoted-printable)
        is the report's text, the HTML's script is not."""
        data = eml("alternative.eml").replace(
            URL.encode(), b"https://news.example.org/en/articles/stadtwerke/"
        )
        assert ingest(data) == CONSUMED
        report = only_report()
        assert report.article == story
        assert "übernimmt unseren Text wörtlich" in report.explanation
        assert "alert" not in report.explanation
        assert report.mail_subject == "Urheberrechtsverletzung – Bitte entfernen"
        assert mails_to("agency@example.com")

    def test_attachments_are_stored_outside_media_with_generated_names(self, settings, story):
        assert ingest(eml("attachments.eml")) == CONSUMED
        report = only_report()
        files = {a.original_name: a for a in report.attachments.all()}
        assert set(files) == {"message.eml", "evidence.html", "invoice.pdf.exe", "screenshot.png"}
        root = Path(settings.REPORTS_ATTACHMENTS_DIR)
        media = Path(settings.MEDIA_ROOT).resolve()
        for attachment in files.values():
            path = root / attachment.stored_name
            assert path.is_file() and "." not in path.name and len(path.name) == 32
            assert not path.resolve().is_relative_to(media)
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
            assert path.stat().st_size == attachment.size
        assert (root / files["invoice.pdf.exe"].stored_name).read_bytes().startswith(b"MZ")
        assert b"<script>" in (root / files["evidence.html"].stored_name).read_bytes()
        assert "attachment" not in report.explanation  # the body is the text part only

    def test_oversize_attachments_are_left_out_and_logged(self, settings, story):
        settings.REPORTS_ATTACHMENT_MAX_BYTES = 100_000
        big = base64.encodebytes(b"%PDF" + b"x" * 200_000).decode()
        assert ingest(eml("oversize.eml", big=big)) == CONSUMED
        report = only_report()
        assert [a.original_name for a in report.attachments.all()] == ["small.pdf"]
        [skipped] = report.events.filter(kind=ReportEvent.Kind.ATTACHMENTS_SKIPPED)
        assert "huge.pdf" in skipped.note and "over the limit per file" in skipped.note
        assert "message.eml" in skipped.note  # the whole message is larger still

    def test_count_and_total_limits(self, settings, story):
        settings.REPORTS_ATTACHMENTS_MAX_COUNT = 2
        assert ingest(eml("attachments.eml")) == CONSUMED
        assert only_report().attachments.count() == 2
        Report.objects.all().delete()
        settings.REPORTS_ATTACHMENTS_MAX_COUNT = 10
        settings.REPORTS_ATTACHMENTS_MAX_TOTAL_BYTES = 90
        ingest(eml("attachments.eml"))
        report = Report.objects.get()
        assert sum(a.size for a in report.attachments.all()) <= 90
        assert "over the limit for all files" in report.events.get(kind="attachments_skipped").note

    def test_a_message_naming_no_article_of_ours_goes_to_the_unassigned_queue(self, story):
        """A URL of the same path on another host does not count."""
        assert ingest(eml("unassigned.eml", slug=story.slug)) == CONSUMED
        report = only_report()
        assert report.article is None and report.state == "new"
        assert "harbour" in report.explanation
        [confirmation] = mails_to("someone@example.net")
        assert "could not tell" in confirmation.body

    def test_malformed_mail_is_filed_without_crashing(self, settings, story):
        assert ingest(eml("malformed.eml")) == CONSUMED
        report = only_report()
        assert report.reporter_email == ""  # no usable sender: nobody to confirm to
        assert mail.outbox == []
        # What could not be decoded is kept as received, for an editor to read.
        kept = report.attachments.get(original_name="message.eml")
        path = Path(settings.REPORTS_ATTACHMENTS_DIR) / kept.stored_name
        assert b"this is not base64 at all !!! " + URL.encode() in path.read_bytes()

    def test_automatic_mail_gets_no_confirmation(self, story):
        assert ingest(eml("autoreply.eml")) == CONSUMED
        assert only_report().article == story
        assert mail.outbox == []

    def test_mail_to_another_address_is_not_a_report(self, story):
        assert ingest(eml("other_address.eml")).startswith("stdin: not handled")
        assert not Report.objects.exists()


def from_sender(address: str, number: int) -> bytes:
    return (
        eml("plain.eml")
        .replace(b"rights@example.net", address.encode())
        .replace(b"<plain-1@", f"<plain-{number}@".encode())
    )


class MailRateLimitTests:
    def test_a_sender_past_its_hourly_limit_is_refused_and_the_mail_kept(
        self, settings, story, caplog
    ):
        """The sixth report in an hour from one address is not filed: the command says why,
        the message is kept for a person, the log names it, and the other senders still get
        through."""
        settings.INBOUND_MAIL_UNHANDLED_DIR = settings.VAR_DIR / "unhandled-test"
        for number in range(SENDER_LIMIT_PER_HOUR):
            assert ingest(from_sender("flood@example.net", number)) == CONSUMED
        with caplog.at_level(logging.WARNING, logger="newsdesk.core.inbound"):
            out = ingest(from_sender("FLOOD@example.net", 99))
        assert out.splitlines()[0] == (
            f"stdin: refused: over {SENDER_LIMIT_PER_HOUR} mailed reports an hour from "
            "flood@example.net, not filed"
        )
        assert out.splitlines()[1].startswith("stdin: not handled, kept as ")
        kept = Path(out.splitlines()[1].removeprefix("stdin: not handled, kept as "))
        assert b"<plain-99@example.net>" in kept.read_bytes()
        assert "refused by newsdesk.reports.mail.handle" in caplog.text
        assert "plain-99@example.net" in caplog.text
        assert Report.objects.count() == SENDER_LIMIT_PER_HOUR
        assert ingest(from_sender("other@example.net", 100)) == CONSUMED
        assert Report.objects.count() == SENDER_LIMIT_PER_HOUR + 1

    def test_all_senders_together_are_limited_too(self, monkeypatch, story):
        """Forged From addresses, one report each: past OVERALL_LIMIT_PER_HOUR nothing more is
        filed (set low here; the counter is the real one in the real cache)."""
        monkeypatch.setattr(reports_mail, "OVERALL_LIMIT_PER_HOUR", 3)
        for number in range(3):
            assert ingest(from_sender(f"sender{number}@example.net", number)) == CONSUMED
        out = ingest(from_sender("sender9@example.net", 9))
        assert out.startswith("stdin: refused: over 3 mailed reports an hour in all, not filed")
        assert Report.objects.count() == 3
        assert OVERALL_LIMIT_PER_HOUR == 200 and SENDER_LIMIT_PER_HOUR == 5

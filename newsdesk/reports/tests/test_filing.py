"""Filing a report through the form: the ground decides what is asked, an incomplete notice is
refused field by field and keeps what was typed, the reporter gets a case number and a private
link by mail, bots and floods are turned away."""

import html
import re

import pytest
from django.core import mail

from newsdesk.articles.tests.factories import article
from newsdesk.editorial.grounds import Ground
from newsdesk.reports.forms import GROUND_FIELDS
from newsdesk.reports.models import Report, ReportEvent
from newsdesk.reports.tests.helpers import (
    COPYRIGHT,
    file_copyright,
    form_url,
    mails_to,
    only_report,
    status_path,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story():
    made = article(slug="stadtwerke", title="Die Stadtwerke erhöhen die Preise")
    mail.outbox.clear()  # the author's "published" mail
    return made


class FormTests:
    def test_first_the_ground_is_chosen(self, client, story):
        """Without a ground the page offers every ground as a choice; the form page is never
        cached."""
        response = client.get(f"/en/reports/new/?article={story.slug}")
        assert response.status_code == 200
        page = response.content.decode()
        for value in Ground.values:
            assert f'value="{value}"' in page
        assert "Die Stadtwerke erhöhen die Preise" in page
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]

    def test_a_copyright_report_asks_for_a_proper_notice(self, client, story):
        page = client.get(form_url(story)).content.decode()
        for name in ("work", "passage", "original_url", "original_text", "reporter_name",
                     "reporter_email", "reporter_address", "reporter_phone", "good_faith",
                     "accurate", "signature", "website"):  # fmt: skip
            assert f'name="{name}"' in page, name
        assert "penalty of perjury" in page
        assert 'name="explanation"' not in page

    def test_each_other_ground_asks_for_its_own_fields(self, client, story):
        page = client.get(form_url(story, "privacy")).content.decode()
        assert 'name="relationship"' in page and 'name="explanation"' in page
        assert 'name="work"' not in page and 'name="signature"' not in page
        spam = client.get(form_url(story, "spam")).content.decode()
        assert 'name="explanation"' in spam and 'name="passage"' not in spam

    def test_unknown_or_unpublished_articles_cannot_be_reported(self, client, story):
        draft = article(slug="draft-one", published=False)
        assert client.get("/en/reports/new/?article=nope").status_code == 404
        assert client.get(form_url(draft)).status_code == 404
        assert client.get("/en/reports/new/").status_code == 404


class IncompleteNoticeTests:
    def test_every_missing_element_is_named_and_the_typed_text_is_kept(self, client, story):
        """An empty notice: one message per required element; nothing is filed or mailed."""
        typed = {"work": "Mein Gedicht <b>Herbst</b>", "reporter_phone": "+49 1"}
        response = client.post(form_url(story), typed)
        assert response.status_code == 200
        page = html.unescape(response.content.decode())
        for message in (
            "Please quote the passage of the article you mean.",
            "Please give the original's address or paste its text.",
            "Please give your full name.",
            "Please give your email address.",
            "Please confirm that you report in good faith.",
            "Please confirm that the notice is accurate and that you may act for the owner.",
            "Please sign the notice by typing your full name.",
        ):
            assert message in page, message
        assert "Please describe the work" not in page
        assert "Mein Gedicht <b>Herbst</b>" in page and 'value="+49 1"' in page
        assert "Mein Gedicht <b>" not in response.content.decode()  # escaped, not markup
        assert not Report.objects.exists() and mail.outbox == []

    def test_a_bad_email_or_url_is_refused_and_the_rest_kept(self, client, story):
        response = file_copyright(
            client, story, reporter_email="not-an-address", original_url="javascript:alert(1)"
        )
        page = html.unescape(response.content.decode())
        assert "This is not a valid email address" in page
        assert "This is not a web address" in page
        assert COPYRIGHT["work"] in page and 'value="Rita Rechte"' in page
        assert not Report.objects.exists()

    def test_the_original_text_instead_of_its_url_is_enough(self, client, story):
        response = file_copyright(
            client, story, original_url="", original_text="Der Rat hat getagt. Er hat abgestimmt."
        )
        assert response.status_code == 200
        assert only_report().original_text.startswith("Der Rat")


class FiledTests:
    def test_the_answer_is_a_redirect_so_a_reload_files_nothing_twice(self, client, story):
        response = client.post(form_url(story), COPYRIGHT)
        assert response.status_code == 302 and response["Location"] == "/en/reports/filed/"
        page = client.get(response["Location"]).content.decode()
        assert only_report().case_number in page
        client.get(response["Location"])  # a reload of the answer
        assert Report.objects.count() == 1

    def test_a_complete_notice_is_filed_with_a_case_number_and_mailed(self, client, story):
        response = file_copyright(client, story)
        report = only_report()
        assert re.fullmatch(r"R-\d{4}-\d{6}", report.case_number)
        assert report.case_number in response.content.decode()
        assert (report.article, report.ground, report.state) == (story, "copyright", "new")
        assert report.good_faith and report.accurate and report.signature == "Rita Rechte"
        assert [e.kind for e in report.events.all()] == [ReportEvent.Kind.FILED]

        [confirmation] = mails_to("rights@example.net")
        assert report.case_number in confirmation.subject
        assert "Die Stadtwerke erhöhen die Preise" in confirmation.body
        path = status_path(confirmation)
        token = path.rstrip("/").rsplit("/", 1)[1]
        assert token not in str(Report.objects.values().get())  # stored only as a hash
        status = client.get(path)
        assert status.status_code == 200
        assert report.case_number in status.content.decode()
        assert "Received, waiting for an editor" in status.content.decode()

    def test_case_numbers_differ(self, client, story):
        for _ in range(3):
            file_copyright(client, story)
        numbers = set(Report.objects.values_list("case_number", flat=True))
        assert len(numbers) == 3

    def test_other_grounds_need_their_fields_only(self, client, story):
        response = client.post(
            form_url(story, "privacy"),
            {"passage": "Herr X wohnt in der Hauptstraße 5", "explanation": "Meine Adresse",
             "reporter_email": "x@example.org", "good_faith": "on"},
        )  # fmt: skip
        assert "relationship to the person" in html.unescape(response.content.decode())
        assert not Report.objects.exists()
        client.post(
            form_url(story, "privacy"),
            {"passage": "Herr X wohnt in der Hauptstraße 5", "explanation": "Meine Adresse",
             "relationship": "myself", "reporter_email": "x@example.org", "good_faith": "on"},
        )  # fmt: skip
        assert only_report().ground == "privacy" and only_report().relationship == "myself"
        assert set(GROUND_FIELDS) == set(Ground.values)


class AbuseTests:
    def test_the_honeypot_files_nothing_but_looks_the_same(self, client, story):
        response = file_copyright(client, story, website="http://spam.example")
        assert response.status_code == 200
        assert "Report received" in response.content.decode()
        assert not Report.objects.exists() and mail.outbox == []

    def test_floods_are_answered_429(self, client, story):
        """Five reports a minute per address; the sixth is refused, nothing is lost silently
        (the 429 page says why)."""
        codes = [file_copyright(client, story).status_code for _ in range(6)]
        assert codes == [200] * 5 + [429]
        assert Report.objects.count() == 5


def test_a_post_without_csrf_token_is_refused(story):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert file_copyright(strict, story).status_code == 403
    assert not Report.objects.exists()

"""The reads behind the editors' pages: highlighting, the queue's order and filters, the
waiting period."""

import datetime as dt

import pytest
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import article
from newsdesk.reports import actions, queries
from newsdesk.reports.models import Report


class HighlightTests:
    def test_text_is_escaped_then_marked(self):
        text = 'Vorher <script>alert("x")</script> & geteilt hier danach'
        html = str(queries.highlight(text, ['<script>alert("x")</script> & geteilt']))
        assert html == (
            "Vorher <mark>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; geteilt</mark>"
            " hier danach"
        )

    def test_overlapping_and_repeated_passages_and_truncation(self):
        html = str(queries.highlight("a b c d a b", ["a b", "b c d", "zzz", "c d e …"]))
        assert html == "<mark>a b</mark><mark> c d</mark> <mark>a b</mark>"

    def test_no_passage_no_mark(self):
        assert str(queries.highlight("x < y", [])) == "x &lt; y"


@pytest.mark.django_db(transaction=True)
class QueueTests:
    def test_oldest_first_filters_and_few_queries(self, client, django_assert_max_num_queries):
        story = article(slug="one")
        editor = UserFactory(editor=True)
        made = []
        for i, ground in enumerate(["spam", "copyright", "hate", "copyright"]):
            report, _token = actions.file_report(
                article=story if i != 2 else None,
                ground=ground,
                language="en",
                fields={"explanation": f"report {i}"},
            )
            Report.objects.filter(pk=report.pk).update(
                created_at=timezone.now() - dt.timedelta(days=10 - i)
            )
            made.append(report.case_number)
        actions.reject_report(report=Report.objects.get(case_number=made[3]), editor=editor, reason="no")  # fmt: skip

        def listed(query=""):
            page = client.get("/en/reports/queue/" + query).content.decode()
            return [c for c in sorted(made, key=page.find) if c in page]

        client.force_login(editor)
        with django_assert_max_num_queries(8):
            assert listed() == made[:3]
        assert listed("?ground=copyright") == [made[1]]
        assert listed("?state=rejected") == [made[3]]
        assert listed("?unassigned=on") == [made[2]]
        assert listed("?state=nonsense") == made[:3]  # a bad filter is ignored, not a 500

    def test_restore_waits_the_configured_weekdays(self, settings):
        settings.REPORTS_COUNTER_NOTICE_WAIT_DAYS = 3
        report = Report(counter_at=dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC))  # a Thursday
        assert queries.restore_possible_from(report) == dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC)
        assert queries.restore_possible_from(Report()) is None

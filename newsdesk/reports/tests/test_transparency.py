"""The public transparency page: monthly counts by ground and outcome, no personal data,
served from the anonymous page cache and purged when a count changes."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import article
from newsdesk.core.tests.test_page_cache import wsgi_get
from newsdesk.reports import actions
from newsdesk.reports.models import Report

pytestmark = pytest.mark.django_db(transaction=True)


def file(story, ground="copyright", **fields):
    report, _token = actions.file_report(
        article=story,
        ground=ground,
        language="en",
        fields={"reporter_name": "Paula Private", "reporter_email": "paula@example.org", **fields},
    )
    return report


def cells(page: str, ground_label: str) -> list[int]:
    row = re.search(rf"<th scope=\"row\">{ground_label}</th>(.*?)</tr>", page, re.S).group(1)
    return [int(n) for n in re.findall(r"<td>(\d+)</td>", row)]


def test_counts_by_month_ground_and_outcome(client):
    story, other = article(slug="one"), article(slug="two")
    editor = UserFactory(editor=True)
    file(story)
    taken = file(other)
    actions.take_down(report=taken, editor=editor)
    rejected = file(story, ground="spam", explanation="ads")
    actions.reject_report(report=rejected, editor=editor, reason="No ads here.")
    old = file(story, ground="hate", explanation="x")
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))

    page = client.get("/en/reports/transparency/").content.decode()
    # open, taken down, rejected, restored, all
    assert cells(page, "Copyright infringement") == [1, 1, 0, 0, 2]
    assert cells(page, "Spam") == [0, 0, 1, 0, 1]
    assert page.count("<h2") >= 2  # this month and the one of the old report
    for private in ("Paula", "paula@example.org", taken.case_number, story.title, "No ads"):
        assert private not in page
    # The last column is a total: "Gesamt" in German, not the filter's "Alle".
    assert '<th scope="col">Gesamt</th>' in client.get("/de/reports/transparency/").content.decode()


def test_the_page_is_cached_for_anonymous_readers_and_purged_on_change():
    story = article(slug="one")
    status, headers, first = wsgi_get("/en/reports/transparency/")
    assert status.startswith("200") and headers.get("X-Page-Cache") == "miss"
    assert "No reports yet." in first
    _status, headers, _body = wsgi_get("/en/reports/transparency/")
    assert headers.get("X-Page-Cache") == "hit"
    file(story)
    _status, headers, body = wsgi_get("/en/reports/transparency/")
    assert headers.get("X-Page-Cache") == "miss"
    assert cells(body, "Copyright infringement") == [1, 0, 0, 0, 1]


def test_the_form_is_never_stored_in_the_page_cache():
    article(slug="one")
    for _ in range(2):
        status, headers, _body = wsgi_get("/en/reports/new/?article=one&ground=spam")
        assert status.startswith("200") and "X-Page-Cache" not in headers


def test_the_article_page_with_its_report_link_stays_cached():
    """The article page links to the form (a plain link, nothing per visitor), so it is still
    served from the page cache; filing a report does not purge it."""
    story = article(slug="one")
    _status, headers, body = wsgi_get(story.get_absolute_url())
    assert headers.get("X-Page-Cache") == "miss"
    assert "/de/reports/new/?article=one" in body
    file(story)
    _status, headers, _body = wsgi_get(story.get_absolute_url())
    assert headers.get("X-Page-Cache") == "hit"

"""The events the report actions announce (core.events): the case, never the people in it."""

import pytest

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import article
from newsdesk.core.tests.events import listening, types
from newsdesk.reports import actions
from newsdesk.reports.tests.helpers import COPYRIGHT

pytestmark = pytest.mark.django_db
PEOPLE = ("Rita Rechte", "rights@example.net", "Musterweg", "+49 30", "Anna Autorin")


def filed(story):
    fields = {**COPYRIGHT, "good_faith": True, "accurate": True}
    report, _token = actions.file_report(
        article=story, ground="copyright", fields=fields, language="de"
    )
    return report


def test_filing_a_deciding_and_restoring_are_announced_without_personal_data(settings):
    settings.REPORTS_COUNTER_NOTICE_WAIT_DAYS = 0
    story = article(author=UserFactory(display_name="Anna Autorin"))
    editor = UserFactory(editor=True)
    with listening() as heard:
        report = filed(story)
        actions.take_down(report=report, editor=editor, note="Passage übernommen.")
        actions.file_counter_notice(
            report=report,
            author=story.author,
            statement="Eigener Text.",
            name="Anna Autorin",
            address="Weg 2",
            signature="Anna Autorin",
        )
        actions.restore(report=report, editor=editor)
    assert types(heard) == [
        "report.received",
        "article.taken_down",
        "report.decided",
        "article.restored",
        "report.decided",
    ]
    assert all(h.in_transaction for h in heard)
    received = heard[0].current
    assert received["case_number"] == report.case_number
    assert (received["state"], received["ground"], received["article"]) == (
        "new",
        "copyright",
        story.pk,
    )
    assert received["api_url"] == f"{settings.SITE_URL}/api/v1/reports/{report.case_number}/"
    assert (heard[2].previous["state"], heard[2].current["state"]) == ("new", "taken_down")
    assert (heard[4].previous["state"], heard[4].current["state"]) == (
        "counter_notice",
        "restored",
    )
    reports = [h for h in heard if h.type.startswith("report.")]
    text = repr([(h.current, h.previous) for h in reports])
    assert not [p for p in PEOPLE if p in text]


def test_a_rejection_is_a_decision():
    report = filed(article())
    with listening() as heard:
        actions.reject_report(report=report, editor=UserFactory(editor=True), reason="Kein Werk.")
    assert types(heard) == ["report.decided"]
    assert heard[0].current["state"] == "rejected"

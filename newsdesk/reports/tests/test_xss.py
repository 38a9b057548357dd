"""Nothing a reporter (or an author answering with a counter-notice) writes runs script on the
report pages: the editors' queue and report page (with the marked comparison), the reporter's
status page, the author's counter-notice page; and the mails are plain text only.

The payloads and the oracle are those of core/tests/test_xss_browser.py: a fast check of the
HTML the test client gets, and one Chromium test over every page with the CSP bypassed.
"""

import re

import pytest
from django.core import mail

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.models import TITLE_MAX
from newsdesk.articles.tests.factories import article
from newsdesk.core.tests.test_xss_browser import (
    INSPECT,
    _Elements,
    one_line_sample,
    trap_dialogs,
    xss_payloads,
)
from newsdesk.editorial.tests.test_browser_editor import log_in
from newsdesk.reports import actions, attachments
from newsdesk.reports.models import Report

pytest_plugins = ["newsdesk.core.tests.browser"]

# Payloads per report: each report carries a chunk in every free-text field.
PER_REPORT = 25
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcset"}
# What browsers ignore in and around a URL's scheme (percent-escapes are not decoded there).
IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f-\xa0\u200b-\u200f\u2028-\u202f\ufeff]")
BAD_SCHEME = re.compile(r"(javascript|vbscript|data):")
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "base", "frame", "frameset", "svg"}


def file_payload_reports(payloads: list[str]) -> dict:
    """Reports carrying the payloads in every field a reporter or an author fills in, in every
    state that shows something more. Returns the pages to open, by who opens them."""
    sample = one_line_sample(payloads)
    editor = UserFactory(editor=True)
    pages = {"editor": ["/en/reports/queue/", "/de/reports/queue/?unassigned=on"], "author": {}, "reporter": []}  # fmt: skip
    for i, k in enumerate(range(0, len(payloads), PER_REPORT)):
        chunk = payloads[k : k + PER_REPORT]
        text = "\n\n".join(chunk)
        line = sample[i % len(sample)]
        author = UserFactory()
        story = article(title=line[:TITLE_MAX] or "x", body=text, author=author)
        report, token = actions.file_report(
            article=story if i % 4 else None,
            ground="copyright",
            language="en",
            fields={
                "reporter_name": line[:300],
                "reporter_email": f"reporter{i}@example.org",
                "reporter_address": text[:1000],
                "reporter_phone": line[:50],
                "relationship": sample[(i + 1) % len(sample)][:300],
                "work": text[:10_000],
                "passage": text[:10_000],
                "original_text": text,
                "explanation": text,
                "signature": sample[(i + 2) % len(sample)][:300],
                "mail_subject": sample[(i + 3) % len(sample)][:300],
            },
        )
        attachments.store(
            report,
            [attachments.IncomingFile(p, p[:100], b"x") for p in chunk[:3]],
        )
        if report.article is None:
            actions.assign_report(report=report, article=story, editor=editor)
        if i % 3 == 1:
            actions.request_information(report=report, editor=editor, question=line)
            actions.supply_information(report=report, text=text)
        if i % 3 == 2:
            actions.take_down(report=report, editor=editor, note=line)
            actions.file_counter_notice(
                report=report, author=author, statement=text, name=line[:300],
                address=text[:1000], signature=sample[(i + 4) % len(sample)][:300],
            )  # fmt: skip
            actions.record_court_action(report=report, note=line[:300])
            pages["author"][author.pk] = f"/en/reports/counter-notice/{report.case_number}/"
        pages["editor"].append(f"/en/reports/case/{report.case_number}/")
        pages["reporter"].append(f"/en/reports/status/{report.case_number}/{token}/")
    return pages


def dangerous_parts(html: str) -> list[str]:
    found = []
    try:
        elements = _Elements(html).elements
    except AssertionError:  # html.parser gives up on markup no escaped page contains
        return ["unparseable markup"]
    for tag, attrs in elements:
        if tag in FORBIDDEN_TAGS and not (tag == "script" and dict(attrs).get("src", "").startswith("/static/")):  # fmt: skip
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and BAD_SCHEME.match(IGNORED_IN_URLS.sub("", value or "").lower()):  # fmt: skip
                found.append(f"<{tag} {name}={value!r}>")
    return found


@pytest.mark.django_db(transaction=True)
class ReportPagesEscapeTests:
    def test_payloads_in_every_field_are_shown_as_text(self, client):
        """Every report page parsed as HTML has no script, frame, handler or script URL; the
        comparison's marks are ours; mails are plain text carrying the payloads as text."""
        payloads = xss_payloads()
        pages = file_payload_reports(payloads)
        found, seen_marks = {}, 0
        client.force_login(UserFactory(editor=True))
        for path in pages["editor"]:
            response = client.get(path)
            assert response.status_code == 200, path
            html = response.content.decode()
            seen_marks += html.count("<mark>")
            if bad := dangerous_parts(html):
                found[path] = bad
        client.logout()
        for path in pages["reporter"]:
            html = client.get(path).content.decode()
            if bad := dangerous_parts(html):
                found[path] = bad
        for author_id, path in pages["author"].items():
            client.force_login(UserFactory._meta.model.objects.get(pk=author_id))
            html = client.get(path).content.decode()
            if bad := dangerous_parts(html):
                found[path] = bad
        assert found == {}
        assert seen_marks > 0
        assert len(mail.outbox) > Report.objects.count()
        for message in mail.outbox:
            assert message.content_subtype == "plain" and not getattr(message, "alternatives", [])
        bodies = "\n".join(m.body for m in mail.outbox)
        assert "<img src=x onerror=alert(1)>" in bodies  # shown as the text it is

    def test_the_checker_sees_what_it_should(self):
        assert dangerous_parts("<p onclick=x>a</p><script>1</script>") == [
            "<p onclick>",
            "<script>",
        ]
        assert dangerous_parts('<a href=" java\tscript:x">a</a>') != []
        assert dangerous_parts('<a href="java%09script:x">a</a>') == []  # a relative path
        assert dangerous_parts('<script src="/static/newsdesk/x.js"></script><mark>a</mark>') == []


@pytest.mark.browser
def test_no_reporter_text_runs_script_on_the_report_pages(open_page, live_site, settings, tmp_path):
    """In Chromium with the CSP off: the queue, every report page (editor), every status page
    (reporter) and counter-notice page (author) with the payloads run no script."""
    settings.REPORTS_ATTACHMENTS_DIR = tmp_path / "files"
    pages = file_payload_reports(xss_payloads())
    editor = UserFactory(editor=True)
    visits = [(editor, p) for p in pages["editor"]] + [(None, p) for p in pages["reporter"]]
    visits += [(UserFactory._meta.model.objects.get(pk=pk), p) for pk, p in pages["author"].items()]
    findings, calls, failed, dialogs = {}, {}, [], []
    tabs = {}
    for user, path in visits:
        if user not in tabs:
            tabs[user] = open_page(bypass_csp=True)
            dialogs.append(trap_dialogs(tabs[user].page))
            if user is not None:
                log_in(tabs[user].page, live_site, user)
        page = tabs[user].page
        response = page.goto(path)
        if response.status != 200:
            failed.append(f"{path}: {response.status}")
            continue
        seen = page.evaluate(INSPECT)
        if seen["found"]:
            findings[path] = seen["found"]
        if seen["trapped"]:
            calls[path] = seen["trapped"]
    errors = [e for tab in tabs.values() for e in tab.problems.page_errors]
    assert [d for recorded in dialogs for d in recorded] == []
    assert errors == []
    assert failed == []
    assert calls == {}
    assert findings == {}

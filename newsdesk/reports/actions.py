"""Every write to a report: filing, triage decisions, counter-notice, court action, restore.

Each step is logged as a ReportEvent; takedown and restore go through the editorial actions
(which log them in the editorial AuditEntry and purge every cached page). A report never takes
an article down by itself: only `take_down` does, called by an editor. Mails go out after
commit (reports/notifications.py).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsdesk.articles.models import Article
from newsdesk.core import events, page_cache
from newsdesk.core.errors import ActionRefused
from newsdesk.editorial import actions as editorial
from newsdesk.editorial.grounds import Ground
from newsdesk.reports import tokens
from newsdesk.reports.events import report_data
from newsdesk.reports.models import Report, ReportEvent
from newsdesk.reports.queries import TRANSPARENCY_TAG, restore_possible_from

R = Report.State
E = ReportEvent.Kind
# The report fields a filing may set (forms and the mail handler give a subset).
FILED_FIELDS = (
    "reporter_name",
    "reporter_email",
    "reporter_address",
    "reporter_phone",
    "relationship",
    "work",
    "passage",
    "original_url",
    "original_text",
    "explanation",
    "good_faith",
    "accurate",
    "signature",
    "mail_subject",
)


def _event(report: Report, kind: str, *, actor=None, note: str = "", **data) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note,
        data=data,
    )


def _after_commit(report: Report, *mails: str) -> None:
    """Purges the transparency page (its counts change with every filing and decision) and
    sends the mails (reports/notifications.py) once the change is committed."""
    from newsdesk.reports.tasks import notify_task  # tasks sit above actions (architecture.md)

    transaction.on_commit(lambda: page_cache.purge({TRANSPARENCY_TAG}))
    for what in mails:
        transaction.on_commit(lambda what=what: notify_task(report.pk, str(what)))


def _locked(report: Report) -> Report:
    # Only the report's row: PostgreSQL can't lock the nullable side of the article join.
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("article__author")
        .get(pk=report.pk)
    )


def _require(report: Report, *states: str) -> None:
    if report.state not in states:
        raise ActionRefused(
            _("This is not possible while the report is “%(state)s”.")
            % {"state": report.get_state_display()},
            code="invalid_state",
        )


@transaction.atomic
def file_report(
    *,
    article: Article | None,
    ground: str,
    fields: dict,
    language: str,
    source: str = Report.Source.FORM,
    by=None,
) -> tuple[Report, str]:
    """Records a report (on `article`, or unassigned) with a new case number; mails the
    reporter the case number and the status page link. Returns the report and its token."""
    if ground not in Ground.values:
        raise ActionRefused(_("Choose a ground."), code="ground")
    nonce = tokens.new_nonce()
    token = tokens.token_for(nonce)
    report = Report(
        case_number=tokens.new_case_number(),
        token_nonce=nonce,
        token_hash=tokens.hash_token(token),
        article=article,
        ground=ground,
        source=source,
        language=(language or "en")[:10],
        **{name: value for name, value in fields.items() if name in FILED_FIELDS},
    )
    report.full_clean(exclude=["article"])
    report.save()
    _event(report, E.FILED, actor=by, source=source, article=article.pk if article else None)
    events.emit("report.received", current=report_data(report))
    _after_commit(report, "filed")
    return report, token


def note_skipped_attachments(*, report: Report, lines: list[str]) -> None:
    """Logs the attachments of a mailed report that were over the limits (and not kept)."""
    _event(report, E.ATTACHMENTS_SKIPPED, note="\n".join(lines))


@transaction.atomic
def assign_report(*, report: Report, article: Article, editor) -> Report:
    """Attaches an unassigned (mailed) report to the article it is about."""
    report = _locked(report)
    if report.article_id is not None:
        raise ActionRefused(_("This report is already about an article."), code="assigned")
    report.article = article
    report.save(update_fields=["article", "updated_at"])
    _event(report, E.ASSIGNED, actor=editor, article=article.pk)
    return report


@transaction.atomic
def change_ground(*, report: Report, ground: str, editor) -> Report:
    """Corrects what the report is about (a mailed report is filed as copyright; a reporter
    may choose the wrong ground), while it is still waiting for a decision. Logged with the
    ground it had."""
    if ground not in Ground.values:
        raise ActionRefused(_("Choose one of the grounds."), code="ground")
    report = _locked(report)
    _require(report, R.NEW, R.NEEDS_INFO)
    if report.ground == ground:
        return report
    previous = report.ground
    report.ground = ground
    report.save(update_fields=["ground", "updated_at"])
    _event(report, E.GROUND_CHANGED, actor=editor, previous=previous, ground=ground)
    _after_commit(report)  # the transparency counts are by ground
    return report


@transaction.atomic
def request_information(*, report: Report, editor, question: str) -> Report:
    """Asks the reporter for more; they answer on their status page."""
    if not question.strip():
        raise ActionRefused(_("Write what you need to know."), code="note_required")
    report = _locked(report)
    _require(report, R.NEW, R.NEEDS_INFO)
    return _decide(report, R.NEEDS_INFO, E.INFO_REQUESTED, editor, question.strip())


@transaction.atomic
def supply_information(*, report: Report, text: str) -> Report:
    """The reporter's answer (from the status page): the report goes back into the queue."""
    if not text.strip():
        raise ActionRefused(_("Please write the information."), code="text_required")
    report = _locked(report)
    _require(report, R.NEEDS_INFO)
    report.state = R.NEW
    report.save(update_fields=["state", "updated_at"])
    _event(report, E.INFO_SUPPLIED, note=text.strip())
    return report


@transaction.atomic
def reject_report(*, report: Report, editor, reason: str) -> Report:
    """Closes the report without action; the reporter gets the reason."""
    if not reason.strip():
        raise ActionRefused(_("Give the reporter a reason."), code="note_required")
    report = _locked(report)
    _require(report, R.NEW, R.NEEDS_INFO)
    return _decide(report, R.REJECTED, E.REJECTED, editor, reason.strip())


@transaction.atomic
def take_down(*, report: Report, editor, note: str = "") -> Report:
    """Upholds the report: the article is taken down everywhere (editorial action), the
    reporter is told, and the author gets the notice and the counter-notice link."""
    report = _locked(report)
    _require(report, R.NEW, R.NEEDS_INFO)
    article = report.article
    if article is None:
        raise ActionRefused(_("Assign the report to an article first."), code="unassigned")
    if article.status != Article.Status.PUBLISHED:
        raise ActionRefused(_("Only a published article can be taken down."), code="not_public")
    editorial.lock_versions(article)
    editorial.take_down_article(
        article=article,
        editor=editor,
        ground=report.ground,
        case=report.case_number,
        note=note.strip(),
    )
    # Its translations carry the same text: they go down with it, under the same case.
    editorial.take_down_versions(
        article=article, editor=editor, ground=report.ground, case=report.case_number, note=note
    )
    _decide(report, R.TAKEN_DOWN, E.TAKEN_DOWN, editor, note.strip(), notify=False)
    _after_commit(report, "author_takedown", E.TAKEN_DOWN)
    return report


def _decide(report: Report, state: str, kind: str, editor, note: str, notify=True) -> Report:
    before = report_data(report)
    report.state = state
    report.decision_note = note
    report.decided_at = timezone.now()
    report.save(update_fields=["state", "decision_note", "decided_at", "updated_at"])
    _event(report, kind, actor=editor, note=note)
    events.emit("report.decided", current=report_data(report), previous=before)
    if notify:
        _after_commit(report, kind)
    return report


@transaction.atomic
def file_counter_notice(
    *, report: Report, author, statement: str, name: str, address: str, signature: str
) -> Report:
    """The author's counter-notice: recorded, and sent on to the reporter. The waiting period
    before a restore starts now (queries.restore_possible_from)."""
    report = _locked(report)
    _require(report, R.TAKEN_DOWN)
    report.state = R.COUNTER_NOTICE
    report.counter_statement = statement.strip()
    report.counter_name = name.strip()
    report.counter_address = address.strip()
    report.counter_signature = signature.strip()
    report.counter_at = timezone.now()
    report.save(
        update_fields=[
            "state",
            "counter_statement",
            "counter_name",
            "counter_address",
            "counter_signature",
            "counter_at",
            "updated_at",
        ]
    )
    _event(report, E.COUNTER_NOTICE, actor=author, note=report.counter_statement)
    _after_commit(report, E.COUNTER_NOTICE)
    return report


@transaction.atomic
def record_court_action(*, report: Report, note: str = "") -> Report:
    """The reporter states (on the status page) that they went to court: no restore."""
    report = _locked(report)
    _require(report, R.COUNTER_NOTICE)
    if report.court_action_at is None:
        report.court_action_at = timezone.now()
        report.save(update_fields=["court_action_at", "updated_at"])
        _event(report, E.COURT_ACTION, note=note.strip())
    return report


@transaction.atomic
def restore(*, report: Report, editor, note: str = "") -> Report:
    """Publishes the article again after a counter-notice, once the waiting period is over and
    if the reporter has not gone to court. The reporter and the author are told."""
    report = _locked(report)
    _require(report, R.COUNTER_NOTICE)
    if report.court_action_at is not None:
        raise ActionRefused(
            _("The reporter has filed a court action; the article stays down."), code="court"
        )
    if timezone.now() < restore_possible_from(report):
        raise ActionRefused(
            _("The waiting period after the counter-notice is not over yet."), code="waiting"
        )
    editorial.lock_versions(report.article)
    editorial.restore_article(
        article=report.article, editor=editor, case=report.case_number, note=note.strip()
    )
    editorial.restore_versions(
        article=report.article, editor=editor, case=report.case_number, note=note.strip()
    )
    before = report_data(report)
    report.state = R.RESTORED
    report.restored_at = timezone.now()
    report.save(update_fields=["state", "restored_at", "updated_at"])
    events.emit("report.decided", current=report_data(report), previous=before)
    _event(report, E.RESTORED, actor=editor, note=note.strip())
    _after_commit(report, E.RESTORED, "author_restored")
    return report

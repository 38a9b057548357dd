"""Every article state transition. Other apps call these; nothing else changes Article.status.

Each transition locks the article row, checks that it may start from the current state
(TRANSITIONS), writes an AuditEntry, and after commit purges cached pages, updates the
near-duplicate index and tells the contributor by email.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from newsdesk.articles import cache_tags
from newsdesk.articles.events import article_data
from newsdesk.articles.images import sync_image_files
from newsdesk.articles.models import Article
from newsdesk.articles.queries import other_versions, translation_family
from newsdesk.core import events
from newsdesk.core.errors import ActionRefused
from newsdesk.editorial import checks
from newsdesk.editorial.grounds import Ground
from newsdesk.editorial.models import (
    AuditEntry,
    CheckReport,
    GuidelinesAcceptance,
    GuidelinesVersion,
)
from newsdesk.editorial.permissions import EDITABLE_BY_AUTHOR, PERMISSIONS, may_decide
from newsdesk.editorial.queries import (
    latest_takedown,
    repeat_infringer_limit,
    upheld_copyright_takedowns,
)

S = Article.Status
# action: (states it may start from, state it ends in)
TRANSITIONS: dict[str, tuple[set, str]] = {
    # From wherever the author may still change the text.
    "submit": (set(EDITABLE_BY_AUTHOR), S.SUBMITTED),
    "claim": ({S.SUBMITTED, S.IN_REVIEW}, S.IN_REVIEW),
    "release": ({S.IN_REVIEW}, S.SUBMITTED),
    "request_changes": ({S.SUBMITTED, S.IN_REVIEW, S.APPROVED}, S.CHANGES_REQUESTED),
    "approve": ({S.SUBMITTED, S.IN_REVIEW}, S.APPROVED),
    "schedule": ({S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.SCHEDULED}, S.SCHEDULED),
    "publish": (
        {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.SCHEDULED, S.UNPUBLISHED, S.PUBLISHED},
        S.PUBLISHED,
    ),
    "reject": ({S.SUBMITTED, S.IN_REVIEW, S.APPROVED, S.CHANGES_REQUESTED}, S.REJECTED),
    "withdraw": ({S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED}, S.WITHDRAWN),
    "unpublish": ({S.PUBLISHED, S.SCHEDULED}, S.UNPUBLISHED),
    "take_down": ({S.PUBLISHED}, S.TAKEN_DOWN),
    "restore": ({S.TAKEN_DOWN}, S.PUBLISHED),
}
# Decisions the contributor hears about by email. Not take_down/restore: the reports app tells
# the author itself, with the notice's content and the counter-notice link.
NOTIFIED = {"request_changes", "approve", "schedule", "publish", "reject", "unpublish"}
# The events a transition announces (core.events), by action; claims, releases and withdrawals
# announce none. An editor's decision on a submission is a review.decided, publishing one too.
EVENTS = {
    "submit": "submission.submitted",
    "request_changes": "review.decided",
    "approve": "review.decided",
    "schedule": "review.decided",
    "reject": "review.decided",
    "unpublish": "article.unpublished",
    "take_down": "article.taken_down",
    "restore": "article.restored",
}
UNDER_REVIEW = {S.SUBMITTED, S.IN_REVIEW, S.APPROVED}
# A decision that is not itself a transition: the transition it makes.
DECISION_TRANSITIONS = {"take_over": "claim"}


def may_take(user, article: Article, decision: str) -> bool:
    """The review page's rule for showing a decision (its button, the API's list): the
    article's state allows it (TRANSITIONS) and so does the user's role (may_decide)."""
    states, _end = TRANSITIONS[DECISION_TRANSITIONS.get(decision, decision)]
    return article.status in states and may_decide(user, decision)


def claim_decision(user, article: Article) -> str:
    """Which claim decision `user` has on `article`: claim it, release their own claim, or
    take over another editor's."""
    if article.claimed_by_id is None:
        return "claim"
    return "release" if article.claimed_by_id == user.pk else "take_over"


def _transition(
    *, article: Article, action: str, by, note: str = "", data: dict | None = None, **fields
) -> Article:
    sources, target = TRANSITIONS[action]
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if locked.status not in sources:
        raise ActionRefused(
            _("This is not possible while the article is “%(status)s”.")
            % {"status": locked.get_status_display()},
            code="invalid_transition",
        )
    previous = locked.status
    before = article_data(locked)
    locked.status = target
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "updated_at", *fields])
    AuditEntry.objects.create(
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        article=locked,
        from_status=previous,
        to_status=target,
        note=note,
        data=data or {},
    )
    _announce(locked, action, before, note, data or {})
    if S.PUBLISHED in (previous, target) and previous != target and locked.cover_id:
        # Published or restored, the cover joins public media; unpublished or taken down, it
        # leaves (its address with this transaction, its files after commit).
        sync_image_files(image_id=locked.cover_id)
    transaction.on_commit(lambda: _after_change(locked, action, previous, note))
    return locked


def _announce(article: Article, action: str, before: dict, note: str, data: dict) -> None:
    """The transition's events, in its transaction (core.events): `current` the article now,
    `previous` as it was, a review decision with what was decided and the editor's note."""
    types = [EVENTS[action]] if action in EVENTS else []
    if action == "publish":
        if before["status"] in UNDER_REVIEW:
            types.append("review.decided")
        if before["status"] != S.PUBLISHED:
            types.append("article.published")
        else:
            types.append("article.updated")  # published again at a new time
    if not types:
        return
    current = article_data(article)
    for event_type in types:
        payload = current
        if event_type == "review.decided":
            payload = {**current, "decision": action, "note": note}
        elif event_type in {"article.taken_down", "article.restored"}:
            payload = {**current, "takedown": data}
        events.emit(event_type, current=payload, previous=before)


def _after_change(article: Article, action: str, previous: str, note: str) -> None:
    if S.PUBLISHED in (previous, article.status):
        cache_tags.purge_article(article)
    from newsdesk.editorial.tasks import after_transition_task  # tasks.py imports this module

    after_transition_task(article.pk, action, note)


def latest_guidelines() -> GuidelinesVersion | None:
    return GuidelinesVersion.objects.order_by("-number").first()


def submit_article(*, article: Article, by, accepted_version: int | None) -> Article:
    """Sends an article to the editors. The contributor must accept the current guidelines;
    the automated checks run first and are recorded even when they fail, and a failure keeps
    the article where it is (its text is saved either way)."""
    _refuse_repeat_infringer(article.author)
    current = latest_guidelines()
    if current is None or accepted_version != current.number:
        raise ActionRefused(
            _("Please read and accept the current guidelines before submitting."),
            code="guidelines",
        )
    report = check_article(article=article)
    if report.blocking:
        raise ActionRefused(
            _("The automated checks found problems. Fix them and submit again."), code="checks"
        )
    with transaction.atomic():
        GuidelinesAcceptance.objects.create(user=by, version=current, article=article)
        return _transition(
            article=article,
            action="submit",
            by=by,
            submitted_at=timezone.now(),
            claimed_by=None,
            claimed_at=None,
            data={"guidelines_version": current.number, "check_report": report.pk},
        )


def _refuse_repeat_infringer(author) -> None:
    count = upheld_copyright_takedowns(author)
    if count >= repeat_infringer_limit():
        raise ActionRefused(
            ngettext(
                "Submitting is suspended for this account: %(count)s of its articles was taken "
                "down for copyright infringement. Your drafts are kept; please contact the editors.",
                "Submitting is suspended for this account: %(count)s of its articles were taken "
                "down for copyright infringement. Your drafts are kept; please contact the editors.",
                count,
            )
            % {"count": count},
            code="repeat_infringer",
        )


@transaction.atomic
def claim_submission(*, article: Article, editor, force: bool = False) -> Article:
    """Marks a submission as being reviewed by `editor`; another editor's claim is kept unless
    `force` (taking over is recorded)."""
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.claimed_by_id and current.claimed_by_id != editor.pk and not force:
        raise ActionRefused(
            _("%(name)s is already reviewing this submission.")
            % {"name": current.claimed_by.display_name},
            code="claimed",
        )
    if current.claimed_by_id == editor.pk and current.status == S.IN_REVIEW:
        return current
    return _transition(
        article=current, action="claim", by=editor, claimed_by=editor, claimed_at=timezone.now()
    )


@transaction.atomic
def release_submission(*, article: Article, editor) -> Article:
    """Gives up one's own claim; another editor's claim can only be taken over (and logged)."""
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.claimed_by_id and current.claimed_by_id != editor.pk:
        raise ActionRefused(
            _("%(name)s is already reviewing this submission.")
            % {"name": current.claimed_by.display_name},
            code="claimed",
        )
    return _transition(
        article=current, action="release", by=editor, claimed_by=None, claimed_at=None
    )


@transaction.atomic
def request_changes(*, article: Article, editor, note: str) -> Article:
    """Sends a submission back to its author with what to change."""
    if not note.strip():
        raise ActionRefused(_("Tell the author what to change."), code="note_required")
    return _transition(
        article=article, action="request_changes", by=editor, note=note.strip(), claimed_by=None
    )


@transaction.atomic
def approve_submission(*, article: Article, editor, note: str = "") -> Article:
    return _transition(article=article, action="approve", by=editor, note=note.strip())


@transaction.atomic
def schedule_article(*, article: Article, editor, at: dt.datetime, note: str = "") -> Article:
    """Approves and publishes at `at` (the periodic task does it, and catches up after downtime)."""
    if at <= timezone.now():
        raise ActionRefused(_("Choose a time in the future."), code="past")
    return _transition(
        article=article, action="schedule", by=editor, note=note.strip(), scheduled_at=at
    )


@transaction.atomic
def publish_article(*, article: Article, by, published_at=None, note: str = "") -> Article:
    """Makes an article public. Keeps an earlier publication time unless one is given."""
    when = published_at or article.published_at or timezone.now()
    if article.status == S.PUBLISHED and published_at is None:
        return article
    _refuse_while_a_version_is_down(article)
    return _transition(
        article=article,
        action="publish",
        by=by,
        note=note.strip(),
        published_at=when,
        scheduled_at=None,
        claimed_by=None,
    )


@transaction.atomic
def reject_submission(*, article: Article, editor, reason: str) -> Article:
    if not reason.strip():
        raise ActionRefused(_("Give the author a reason."), code="note_required")
    return _transition(
        article=article, action="reject", by=editor, note=reason.strip(), claimed_by=None
    )


@transaction.atomic
def withdraw_submission(*, article: Article, by) -> Article:
    return _transition(article=article, action="withdraw", by=by, claimed_by=None)


@transaction.atomic
def unpublish_article(*, article: Article, by, note: str = "") -> Article:
    """Withdraws a published article from every public place at once."""
    return _transition(article=article, action="unpublish", by=by, note=note.strip())


def _require_editor(user) -> None:
    # Takedowns are legal decisions: editors and admins only, whoever calls the action.
    if user is None or not PERMISSIONS.can(user, "take_down"):
        raise ActionRefused(_("Only editors can do this."), code="permission")


@transaction.atomic
def take_down_article(
    *, article: Article, editor, ground: str, case: str = "", note: str = "", version_of=None
) -> Article:
    """Removes a published article from every public place at once on a report's `ground`
    (a newsdesk.editorial.grounds.Ground value); its URL answers 451 with a notice naming the
    ground, the date and `case`. The author is not mailed from here: the reports app tells them,
    with the notice and the counter-notice link. `version_of`: the reported article, when this
    is another language version of it taken down with it (not counted against its author as
    a takedown of their own, see queries._upheld_copyright_articles)."""
    _require_editor(editor)
    if ground not in Ground.values:
        raise ActionRefused(_("Choose the ground of the takedown."), code="ground")
    data = {"ground": Ground(ground).value, "case": case.strip()}
    if version_of is not None:
        data["version_of"] = version_of.pk
    return _transition(article=article, action="take_down", by=editor, note=note.strip(), data=data)


def _refuse_while_a_version_is_down(article: Article) -> None:
    """The same text in another language is taken down (copyright, defamation, ...): this one
    is not published either (also not when its scheduled time comes) until a restore."""
    down = other_versions(article).filter(status=S.TAKEN_DOWN).first()
    if down is not None:
        raise ActionRefused(
            _("Another language version of this article is taken down (%(title)s).")
            % {"title": down.title},
            code="version_taken_down",
        )


def lock_versions(article: Article) -> None:
    """Locks every language version of `article`, in id order: two takedowns or restores in
    one family (a report on the original, another on a translation) wait for each other
    instead of deadlocking. Call inside the transaction, before changing any of them."""
    versions = Article.objects.select_for_update().filter(translation_family(article))
    list(versions.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def take_down_versions(*, article: Article, editor, ground: str, case: str, note: str = ""):
    """Takes down the published language versions of `article` (its original, its other
    translations): the same text in another language is the same complaint. Returns them."""
    versions = list(other_versions(article).filter(status=S.PUBLISHED).order_by("pk"))
    for version in versions:
        take_down_article(
            article=version, editor=editor, ground=ground, case=case, note=note, version_of=article
        )
    return versions


@transaction.atomic
def restore_versions(*, article: Article, editor, case: str, note: str = "") -> list[Article]:
    """Restores the language versions taken down with `article` under `case` and still down."""
    versions = []
    for version in other_versions(article).filter(status=S.TAKEN_DOWN).order_by("pk"):
        latest = latest_takedown(version).only("data").first()
        data = latest.data if latest and isinstance(latest.data, dict) else {}
        if data.get("case") == case and data.get("version_of") == article.pk:
            versions.append(restore_article(article=version, editor=editor, case=case, note=note))
    return versions


@transaction.atomic
def restore_article(*, article: Article, editor, case: str = "", note: str = "") -> Article:
    """Publishes a taken-down article again, everywhere at once (its publication time is kept)."""
    _require_editor(editor)
    return _transition(
        article=article, action="restore", by=editor, note=note.strip(), data={"case": case.strip()}
    )


def publish_due_articles(*, now: dt.datetime | None = None) -> list[int]:
    """Publishes every scheduled article whose time has come, including ones missed while the
    workers were down. Returns their ids."""
    now = now or timezone.now()
    due = list(
        Article.objects.filter(status=S.SCHEDULED, scheduled_at__lte=now).values_list(
            "pk", "scheduled_at"
        )
    )
    published = []
    for pk, scheduled_at in due:
        with transaction.atomic():
            article = Article.objects.get(pk=pk)
            try:
                publish_article(article=article, by=None, published_at=scheduled_at)
            except ActionRefused:
                continue  # unpublished or changed meanwhile
            published.append(pk)
    return published


@transaction.atomic
def check_article(*, article: Article) -> CheckReport:
    """Runs the automated checks on the article as saved and records the results."""
    results = checks.run_checks(
        title=article.title,
        lead=article.lead,
        body=article.body,
        language=article.language,
        cover=article.cover if article.cover_id and not article.cover.generated else None,
        exclude_ids={article.pk, *article.translations.values_list("pk", flat=True)},
    )
    return CheckReport.objects.create(
        article=article,
        revision_number=article.revisions.count() or None,
        results=[r.as_dict() for r in results],
        blocking=checks.blocking(results),
    )

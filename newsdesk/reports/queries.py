"""Reads of reports: the editors' queue, the evidence for a report, the waiting period and the
transparency counts."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from newsdesk.articles.markdown import plain_text
from newsdesk.articles.models import Article
from newsdesk.articles.queries import other_versions
from newsdesk.editorial.grounds import Ground
from newsdesk.reports.models import Report

R = Report.State
TRANSPARENCY_TAG = "reports:transparency"
# Months the transparency page shows.
TRANSPARENCY_MONTHS = 24
# Outcomes shown publicly: a report's state, with the private step "needs info" counted open.
OUTCOMES = {
    R.NEW: "open",
    R.NEEDS_INFO: "open",
    R.TAKEN_DOWN: "taken_down",
    R.COUNTER_NOTICE: "taken_down",
    R.REJECTED: "rejected",
    R.RESTORED: "restored",
}
OUTCOME_ORDER = ("open", "taken_down", "rejected", "restored")


def report_queue(*, state: str = "", ground: str = "", unassigned: bool = False) -> QuerySet:
    """Reports for editors, oldest first; by default the ones waiting for a decision."""
    qs = Report.objects.select_related("article")
    if state:
        qs = qs.filter(state=state)
    else:
        qs = qs.filter(state__in=[R.NEW, R.NEEDS_INFO, R.COUNTER_NOTICE])
    if ground:
        qs = qs.filter(ground=ground)
    if unassigned:
        qs = qs.filter(article__isnull=True)
    return qs.order_by("created_at", "id")


def events_of(report: Report) -> QuerySet:
    return report.events.select_related("actor").order_by("created_at", "id")


def add_weekdays(start: dt.datetime, days: int) -> dt.datetime:
    """`start` plus `days` weekdays (Monday to Friday; public holidays are not known here)."""
    current = start
    added = 0
    while added < days:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def restore_possible_from(report: Report) -> dt.datetime | None:
    """When an editor may restore after the counter-notice: REPORTS_COUNTER_NOTICE_WAIT_DAYS
    weekdays later (the span within which, under the DMCA's 10-14 business days, a reporter
    tells us they went to court)."""
    if report.counter_at is None:
        return None
    return add_weekdays(report.counter_at, settings.REPORTS_COUNTER_NOTICE_WAIT_DAYS)


def can_restore(report: Report) -> bool:
    when = restore_possible_from(report)
    return (
        report.state == R.COUNTER_NOTICE
        and report.court_action_at is None
        and when is not None
        and timezone.now() >= when
    )


# --- evidence ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """How much of the article is in the original the reporter supplied, with both texts and
    their shared passages marked."""

    containment: float
    article_html: SafeString
    original_html: SafeString
    passages: list[str]


def other_reports(report: Report, *, limit: int = 20) -> list[Report]:
    """The newest other reports about the same article (an editor deciding one sees the rest:
    after a takedown, those still open can be closed with it)."""
    if report.article_id is None:
        return []
    return list(
        Report.objects.filter(article_id=report.article_id)
        .exclude(pk=report.pk)
        .order_by("-created_at", "-id")
        .only("case_number", "state", "ground", "created_at")[:limit]
    )


def versions_taken_down_with(report: Report) -> list:
    """The other language versions of the report's article taken down under its case
    (editorial.actions.take_down_versions), with their authors."""
    if report.article_id is None:
        return []
    return list(
        Article.objects.filter(
            audit__action="take_down",
            audit__data__case=report.case_number,
            audit__data__version_of=report.article_id,
        )
        .select_related("author")
        .distinct()
        .order_by("pk")
    )


def published_versions(article) -> list:
    """The article's other published language versions: a takedown takes them down too."""
    if article is None:
        return []
    return list(
        other_versions(article)
        .filter(status=Article.Status.PUBLISHED)
        .order_by("language")
        .only("pk", "title", "slug", "language")
    )


def near_duplicates_of(article) -> list:
    from newsdesk.discovery.near_duplicates import find_near_duplicates  # numpy: triage only

    if article is None:
        return []
    exclude = {article.pk, *article.translations.values_list("pk", flat=True)}
    if article.translation_of_id:
        exclude.add(article.translation_of_id)
    return find_near_duplicates(article.body, exclude_ids=exclude)


def compare_with_original(article, original_text: str) -> Comparison | None:
    from newsdesk.discovery.near_duplicates import similarity_between  # numpy: triage only

    if article is None or not original_text.strip():
        return None
    containment, passages = similarity_between(article.body, original_text)
    _, original_passages = similarity_between(original_text, article.body)
    return Comparison(
        containment=containment,
        article_html=highlight(_flat(plain_text(article.body)), passages),
        original_html=highlight(_flat(plain_text(original_text)), original_passages),
        passages=passages,
    )


def _flat(text: str) -> str:
    # Passages come whitespace-normalised; so must the text they are looked for in.
    return " ".join(html.unescape(text).split())


def highlight(text: str, passages: list[str]) -> SafeString:
    """`text` escaped, with each passage found in it wrapped in <mark>. The spans are found in
    the raw text and every piece is escaped on its own, so no markup of the text survives and
    a mark never splits an entity."""
    spans = []
    for passage in passages:
        needle = passage.removesuffix(" …").strip()
        if not needle:
            continue
        start = text.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = text.find(needle, start + len(needle))
    out, position = [], 0
    for start, end in sorted(spans):
        if start < position:  # overlaps the previous mark
            start = position
        if start >= end:
            continue
        out.append(html.escape(text[position:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        position = end
    out.append(html.escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308 - built from escaped pieces only


# --- transparency -----------------------------------------------------------------------------


def transparency_counts(*, months: int = TRANSPARENCY_MONTHS) -> list[dict]:
    """Per month (newest first): the count of reports per ground and per outcome. Counts only;
    no case numbers, articles or reporters."""
    since = timezone.now() - dt.timedelta(days=31 * months)
    rows = (
        Report.objects.filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "ground", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    table: dict = {}
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        entry = table.setdefault(
            month,
            {g: dict.fromkeys(OUTCOME_ORDER, 0) for g in Ground.values},
        )
        entry[row["ground"]][OUTCOMES[row["state"]]] += row["n"]
    return [
        {
            "month": month,
            "rows": [
                {"ground": Ground(g).label, "counts": [counts[o] for o in OUTCOME_ORDER],
                 "total": sum(counts.values())}
                for g, counts in grounds.items()
            ],
            "total": sum(sum(c.values()) for c in grounds.values()),
        }
        for month, grounds in sorted(table.items(), reverse=True)
    ]  # fmt: skip

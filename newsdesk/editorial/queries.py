"""Reads for the editorial screens."""

import datetime as dt
import difflib

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsdesk.articles.models import Article, Revision
from newsdesk.articles.queries import article_for_reading
from newsdesk.editorial.grounds import Ground
from newsdesk.editorial.models import AuditEntry, CheckReport

S = Article.Status
QUEUE_STATES = {S.SUBMITTED, S.IN_REVIEW}
# Upheld copyright takedowns (upheld_copyright_takedowns) that suspend a contributor from
# submitting; settings.REPEAT_INFRINGER_LIMIT overrides it.
REPEAT_INFRINGER_LIMIT = 3


def articles_of(user) -> QuerySet[Article]:
    return (
        Article.objects.filter(author=user)
        .select_related("section", "cover")
        .order_by("-updated_at")
    )


def review_queue(*, section=None, language="", kind="", older_than_days=None) -> QuerySet[Article]:
    """Submissions waiting for an editor, oldest first."""
    qs = Article.objects.filter(status__in=QUEUE_STATES).select_related(
        "author", "section", "claimed_by"
    )
    if section is not None:
        qs = qs.filter(section=section)
    if language:
        qs = qs.filter(language__istartswith=language)
    if kind:
        qs = qs.filter(kind=kind)
    if older_than_days:
        qs = qs.filter(submitted_at__lte=timezone.now() - dt.timedelta(days=older_than_days))
    return qs.order_by("submitted_at", "pk")


def latest_check_report(article: Article) -> CheckReport | None:
    return article.check_reports.order_by("-created_at", "-id").first()


def latest_requests(article: Article) -> list[AuditEntry]:
    return list(
        article.audit.filter(action__in=["request_changes", "reject"]).order_by("-created_at")[:3]
    )


def audit_log(*, article: Article | None = None, limit: int = 200) -> list[AuditEntry]:
    """The newest entries, each with `details`: (label, value) pairs of its data worth showing."""
    qs = AuditEntry.objects.select_related("actor", "article")
    if article is not None:
        qs = qs.filter(article=article)
    entries = list(qs.order_by("-created_at", "-id")[:limit])
    for entry in entries:
        entry.details = audit_details(entry)
    return entries


def audit_details(entry: AuditEntry) -> list[tuple[str, str]]:
    """The takedown ground and case number of a take_down/restore entry, labelled."""
    data = entry.data if isinstance(entry.data, dict) else {}
    details = []
    if data.get("ground"):
        ground = str(data["ground"])
        label = Ground(ground).label if ground in Ground.values else ground
        details.append((_("Ground"), label))
    if data.get("case"):
        details.append((_("Case"), str(data["case"])))
    return details


def contributor_history(author) -> dict:
    counts = {
        status: Article.objects.filter(author=author, status=status).count()
        for status in (S.PUBLISHED, S.REJECTED, S.UNPUBLISHED, S.TAKEN_DOWN)
    }
    return {"counts": counts, "recent": list(articles_of(author)[:10])}


# How much of a field the review diff compares, counted from the first changed line. difflib is
# quadratic (worse with repeated lines such as blank ones) in what it compares, and every compared
# line can become a table row: within these limits the review screen stays fast with a 1 MB body,
# and an editor reads a thousand changed lines at most anyway.
DIFF_MAX_LINES = 1_000
DIFF_MAX_CHARS = 100_000


def _common_edges(a: list[str], b: list[str]) -> tuple[int, int]:
    """How many lines the two lists share at the start, and then at the end."""
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def _cut(lines: list[str]) -> tuple[list[str], bool]:
    """The first lines within DIFF_MAX_LINES and DIFF_MAX_CHARS, and whether any were left out."""
    kept, size = [], 0
    for line in lines[:DIFF_MAX_LINES]:
        if size + len(line) > DIFF_MAX_CHARS:
            kept.append(line[: DIFF_MAX_CHARS - size])
            return kept, True
        kept.append(line)
        size += len(line) + 1
    return kept, len(kept) < len(lines)


def revision_diff(article: Article) -> dict | None:
    """Side-by-side rows comparing the last two revisions (the template escapes the text).

    The unchanged lines at the start and end are skipped before comparing; of the rest, only the
    first DIFF_MAX_LINES lines / DIFF_MAX_CHARS characters are compared, and `cut` then says so
    (the field, the length of its longer revision, the lines compared) for the page to tell.
    """
    revisions = list(Revision.objects.filter(article=article).order_by("-number")[:2])
    if len(revisions) < 2:
        return None
    new, old = revisions
    rows, cut = [], None
    for field in ("title", "lead", "body"):
        old_text, new_text = getattr(old, field) or "", getattr(new, field) or ""
        a, b = old_text.splitlines(), new_text.splitlines()
        start, end = _common_edges(a, b)
        a, a_cut = _cut(a[start : len(a) - end])
        b, b_cut = _cut(b[start : len(b) - end])
        if (a_cut or b_cut) and cut is None:
            longer = max(len(old_text), len(new_text))
            cut = {
                "field": field,
                "chars": longer,
                "first": start + 1,
                "last": start + max(len(a), len(b)),
            }
        # autojunk: lines repeated all over a long text (blank ones) would make the comparison
        # cubic; as junk they still join the matches next to them.
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=True)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            left, right = a[i1:i2], b[j1:j2]
            for k in range(max(len(left), len(right))):
                rows.append(
                    {
                        "field": field,
                        "kind": tag,
                        "old": left[k] if k < len(left) else "",
                        "new": right[k] if k < len(right) else "",
                        "old_line": start + i1 + k + 1 if k < len(left) else "",
                        "new_line": start + j1 + k + 1 if k < len(right) else "",
                    }
                )
    return {"old": old, "new": new, "rows": rows, "cut": cut}


def latest_takedown(article_ref) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(article=article_ref, action="take_down").order_by(
        "-created_at", "-id"
    )


def takedown_notice(article: Article) -> dict | None:
    """What the public may know about a taken-down article (its 451 page): the ground, when,
    and the case number. Never the reporter, the note or the article's text."""
    if article.status != S.TAKEN_DOWN:
        return None
    entry = latest_takedown(article).only("created_at", "data").first()
    if entry is None:
        return None
    ground = str(entry.data.get("ground", ""))
    return {
        "ground": ground,
        "ground_label": Ground(ground).label if ground in Ground.values else ground,
        "date": entry.created_at,
        "case": str(entry.data.get("case", "")),
    }


def article_or_takedown_notice(slug: str) -> tuple[Article, dict | None]:
    """The visible article with the slug, or a taken-down one with its public notice (its page
    answers 451); anything else is not found."""
    try:
        return article_for_reading(slug), None
    except Http404:
        pass
    taken_down = Article.objects.filter(slug=slug, status=Article.Status.TAKEN_DOWN).first()
    notice = takedown_notice(taken_down) if taken_down is not None else None
    if notice is None:
        raise Http404("No such article")
    return taken_down, notice


def _upheld_copyright_articles() -> QuerySet[Article]:
    """Articles taken down for copyright that are still down.

    "Upheld" means: the article's state is TAKEN_DOWN and its latest takedown named the ground
    copyright. A restore (after a counter-notice, or a mistaken takedown) ends it, and so does a
    later takedown on another ground; an article counts once however often it was taken down.
    A language version taken down with the reported article (`version_of`) is not counted: its
    author (often a translator) was not the one reported.
    """
    latest = latest_takedown(OuterRef("pk"))
    latest_ground = Subquery(latest.annotate(ground=KT("data__ground")).values("ground")[:1])
    latest_version_of = Subquery(
        latest.annotate(version_of=KT("data__version_of")).values("version_of")[:1]
    )
    return (
        Article.objects.filter(status=S.TAKEN_DOWN)
        .annotate(latest_ground=latest_ground, latest_version_of=latest_version_of)
        .filter(latest_ground=Ground.COPYRIGHT.value, latest_version_of__isnull=True)
    )


def upheld_copyright_takedowns(user) -> int:
    """How many of `user`'s articles are down for copyright (see _upheld_copyright_articles)."""
    if user is None or user.pk is None:
        return 0
    return _upheld_copyright_articles().filter(author=user).count()


def with_upheld_copyright_takedowns(users: QuerySet) -> QuerySet:
    """`users` annotated with `upheld_copyright_takedowns`, in one query (admin lists)."""
    per_author = (
        _upheld_copyright_articles()
        .filter(author=OuterRef("pk"))
        .order_by()
        .values("author")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return users.annotate(
        upheld_copyright_takedowns=Coalesce(
            Subquery(per_author, output_field=IntegerField()), Value(0)
        )
    )


def repeat_infringer_limit() -> int:
    return int(getattr(settings, "REPEAT_INFRINGER_LIMIT", REPEAT_INFRINGER_LIMIT))


def submission_suspension(user) -> dict | None:
    """Why `user` may not submit right now (repeat infringer), or None."""
    count, limit = upheld_copyright_takedowns(user), repeat_infringer_limit()
    return {"count": count, "limit": limit} if count >= limit else None

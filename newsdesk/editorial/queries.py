"""Reads for the editorial screens."""

import datetime as dt
import difflib

from django.db.models import QuerySet
from django.utils import timezone

from newsdesk.articles.models import Article, Revision
from newsdesk.editorial.models import AuditEntry, CheckReport

S = Article.Status
QUEUE_STATES = {S.SUBMITTED, S.IN_REVIEW}


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
    qs = AuditEntry.objects.select_related("actor", "article")
    if article is not None:
        qs = qs.filter(article=article)
    return list(qs.order_by("-created_at", "-id")[:limit])


def contributor_history(author) -> dict:
    counts = {
        status: Article.objects.filter(author=author, status=status).count()
        for status in (S.PUBLISHED, S.REJECTED, S.UNPUBLISHED, S.TAKEN_DOWN)
    }
    return {"counts": counts, "recent": list(articles_of(author)[:10])}


def revision_diff(article: Article) -> dict | None:
    """Side-by-side rows comparing the last two revisions (the template escapes the text)."""
    revisions = list(Revision.objects.filter(article=article).order_by("-number")[:2])
    if len(revisions) < 2:
        return None
    new, old = revisions
    rows = []
    for field in ("title", "lead", "body"):
        a = (getattr(old, field) or "").splitlines()
        b = (getattr(new, field) or "").splitlines()
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
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
                        "old_line": i1 + k + 1 if k < len(left) else "",
                        "new_line": j1 + k + 1 if k < len(right) else "",
                    }
                )
    return {"old": old, "new": new, "rows": rows}

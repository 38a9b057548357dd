"""Reads: the public newsletter pages and the signup box, the compose screen's suggestions, and
the state of a send (progress, what the workers have left to do)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.articles.queries import for_language, visible_articles
from newsdesk.newsletter import tokens
from newsdesk.newsletter.models import (
    Delivery,
    Issue,
    IssueArticle,
    Newsletter,
    Subscriber,
    Subscription,
)

D = Delivery.Status

# The list of all newsletters (and the signup box on every page) carries this cache tag.
LIST_TAG = "newsletters"
# The compose screen offers this many suggestions; more would be a list nobody reads.
SUGGESTION_LIMIT = 30
# A worker's claim on a batch expires after this long; then another worker may take the rows.
# Long enough for any batch (a batch stops at half of it), short enough to resume soon.
LEASE_SECONDS = 60
# Deliveries a send still has to deal with: not yet taken, leased to a worker, waiting to retry.
UNFINISHED = [D.PENDING, D.SENDING, D.RETRY]


def lease_seconds() -> int:
    """The lease of a batch: settings.NEWSLETTER_LEASE_SECONDS, else LEASE_SECONDS."""
    return getattr(settings, "NEWSLETTER_LEASE_SECONDS", LEASE_SECONDS)


def archive_tag(newsletter_id: int) -> str:
    """The cache tag of a newsletter's archive pages."""
    return f"newsletter:{newsletter_id}"


def _primary(language: str) -> str:
    return (language or "").split("-")[0].lower()


def active_newsletters() -> QuerySet[Newsletter]:
    return Newsletter.objects.filter(is_active=True).order_by("name")


@dataclass
class SignupBox:
    """What the signup box on the home and article pages shows: the same for every visitor."""

    newsletters: list[Newsletter] = field(default_factory=list)
    preselected: Newsletter | None = None


def signup_box(*, language: str, section_id: int | None = None) -> SignupBox:
    """The active newsletters in `language` (all of them if none is), with the one matching the
    section and language preselected: same section and language, else the language's general
    newsletter (no section), else the first one in the language."""
    everything = list(active_newsletters())
    primary = _primary(language)
    same_language = [n for n in everything if _primary(n.language) == primary]
    candidates = same_language or everything

    def rank(newsletter: Newsletter) -> int:
        if section_id and newsletter.section_id == section_id:
            return 0
        return 1 if newsletter.section_id is None else 2

    preselected = min(same_language, key=rank) if same_language else None
    return SignupBox(newsletters=candidates, preselected=preselected)


def pending_subscriptions(*, token_hash: str) -> QuerySet[Subscription]:
    """The pending subscriptions a still valid confirmation link stands for."""
    if not token_hash:
        return Subscription.objects.none()
    return Subscription.objects.filter(
        confirmation_hash=token_hash,
        status=Subscription.Status.PENDING,
        confirmation_expires_at__gt=timezone.now(),
    )


def subscriber_by_link_token(token: str) -> Subscriber | None:
    """The subscriber whose mails carry `token` (a link token, or one from before tokens.py)."""
    if not token:
        return None
    nonce = tokens.nonce_of(token)
    if nonce is not None:
        return Subscriber.objects.filter(token_nonce=nonce).first()
    return Subscriber.objects.filter(legacy_token_hash=tokens.legacy_hash(token)).first()


def subscriptions_by_newsletter(subscriber: Subscriber) -> dict[int, Subscription]:
    return {s.newsletter_id: s for s in subscriber.subscriptions.all()}


def sent_issues(newsletter: Newsletter) -> QuerySet[Issue]:
    return newsletter.issues.filter(status=Issue.Status.SENT).order_by("-sent_at", "-pk")


def issue_article_ids(issue: Issue) -> list[int]:
    """Every article of the issue, visible or not (their cache tags bring a restored one back)."""
    return list(issue.issuearticle_set.values_list("article_id", flat=True))


def visible_issue_articles(issue: Issue) -> list[Article]:
    """The issue's articles the public may still see, in the issue's order."""
    return list(
        visible_articles()
        .filter(issuearticle__issue=issue)
        .order_by("issuearticle__position", "issuearticle__pk")
    )


# --- composing --------------------------------------------------------------------------------


def last_issue_started_at(newsletter: Newsletter) -> dt.datetime | None:
    """When the recipients of the newsletter's latest sent issue were fixed (its content was
    final then), or None if nothing was sent yet."""
    issue = (
        newsletter.issues.filter(status__in=[Issue.Status.SENDING, Issue.Status.SENT])
        .order_by("-started_at")
        .only("started_at", "sent_at")
        .first()
    )
    return None if issue is None else issue.started_at or issue.sent_at


def suggested_articles(
    newsletter: Newsletter, since: dt.datetime | None = None, *, limit: int = SUGGESTION_LIMIT
) -> list[Article]:
    """Visible articles in the newsletter's language and section (any section if it has none),
    most recent first, published after `since` (default: since the last issue went out)."""
    if since is None:
        since = last_issue_started_at(newsletter)
    articles = for_language(visible_articles(), newsletter.language)
    if newsletter.section_id:
        articles = articles.filter(section_id=newsletter.section_id)
    if since is not None:
        articles = articles.filter(published_at__gt=since)
    return list(articles.order_by("-published_at", "-pk")[:limit])


def article_choices(newsletter: Newsletter, issue: Issue | None) -> tuple[list[Article], dict]:
    """The compose screen's checklist: the issue's own (still visible) articles first, then the
    suggestions; and {article pk: position} of the ticked ones (all suggestions for a new issue).
    """
    suggestions = suggested_articles(newsletter)
    if issue is None:
        return suggestions, {a.pk: n for n, a in enumerate(suggestions, start=1)}
    chosen = visible_issue_articles(issue)
    positions = dict(IssueArticle.objects.filter(issue=issue).values_list("article_id", "position"))
    seen = {a.pk for a in chosen}
    return chosen + [a for a in suggestions if a.pk not in seen], {
        a.pk: positions.get(a.pk, n) for n, a in enumerate(chosen, start=1)
    }


def recent_issues(*, limit: int) -> QuerySet[Issue]:
    """The newest issues of all newsletters, for the editors' list."""
    return Issue.objects.select_related("newsletter").order_by("-created_at")[:limit]


# --- sending ----------------------------------------------------------------------------------


def progress(issue: Issue) -> dict:
    """Counts for the progress page, its JSON and the command's progress bar."""
    counts = dict(
        Delivery.objects.filter(issue_id=issue.pk)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    total = sum(counts.values()) or issue.recipient_count
    sent, failed = counts.get(D.SENT, 0), counts.get(D.FAILED, 0)
    return {
        "status": issue.status,
        "total": total,
        "sent": sent,
        "failed": failed,
        "retry": counts.get(D.RETRY, 0),
        "remaining": total - sent - failed,
        "done": issue.status == Issue.Status.SENT,
    }


def issues_needing_workers(now: dt.datetime | None = None) -> list[int]:
    """Issues to start (scheduled and due) or to resume: leases that expired (a dead worker),
    retries that are due, or pending rows no live worker is on."""
    now = now or timezone.now()
    expired = now - dt.timedelta(seconds=lease_seconds())
    due = list(
        Issue.objects.filter(status=Issue.Status.SCHEDULED, scheduled_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for issue_id in Issue.objects.filter(status=Issue.Status.SENDING).values_list("pk", flat=True):
        rows = Delivery.objects.filter(issue_id=issue_id)
        live = rows.filter(status=D.SENDING, claimed_at__gte=expired).exists()
        if (
            rows.filter(status=D.SENDING, claimed_at__lt=expired).exists()
            or rows.filter(status=D.RETRY, next_attempt_at__lte=now).exists()
            or (not live and rows.filter(status=D.PENDING).exists())
            or not rows.filter(status__in=UNFINISHED).exists()
        ):
            due.append(issue_id)
    return due


def has_unfinished_deliveries(issue_id: int) -> bool:
    """True while a delivery of the issue is pending, leased or waiting to retry."""
    return Delivery.objects.filter(issue_id=issue_id, status__in=UNFINISHED).exists()


def has_leased_deliveries(issue_id: int) -> bool:
    """True while a worker (live or dead) holds a delivery of the issue."""
    return Delivery.objects.filter(issue_id=issue_id, status=D.SENDING).exists()


def next_claimable_at(issue_id: int) -> dt.datetime | None:
    """When a row of the issue that is leased or waiting to retry can next be taken."""
    lease = dt.timedelta(seconds=lease_seconds())
    rows = Delivery.objects.filter(issue_id=issue_id)
    leased = rows.filter(status=D.SENDING).aggregate(at=Min("claimed_at"))["at"]
    retry = rows.filter(status=D.RETRY).aggregate(at=Min("next_attempt_at"))["at"]
    times = [t for t in (leased + lease if leased else None, retry) if t is not None]
    return min(times) if times else None


def deliveries_with_message_ids(message_ids: Iterable[str]) -> QuerySet[Delivery]:
    """Our deliveries a bounce quotes, with their subscribers (bounces.py)."""
    return Delivery.objects.filter(message_id__in=message_ids).select_related("subscriber")


# --- the editors' desk through the API --------------------------------------------------------


def desk_newsletters() -> QuerySet[Newsletter]:
    """Every newsletter, active or retired (their issues stay on the desk), with its count of
    issues and of sent ones."""
    sent = Q(issues__status=Issue.Status.SENT)
    return (
        Newsletter.objects.select_related("section")
        .annotate(
            issue_count=Count("issues"),
            sent_count=Count("issues", filter=sent),
            last_sent_at=Max("issues__sent_at", filter=sent),
        )
        .order_by("name", "pk")
    )


def _deliveries(status: str):
    rows = Delivery.objects.filter(issue_id=OuterRef("pk"), status=status).order_by()
    counted = rows.values("issue_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def issues_of(newsletter: Newsletter) -> QuerySet[Issue]:
    """The newsletter's issues in every state, newest first, with their count of articles and
    of deliveries sent and failed (one subquery each, not a join per delivery)."""
    articles = (
        IssueArticle.objects.filter(issue_id=OuterRef("pk"))
        .order_by()
        .values("issue_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        newsletter.issues.select_related("newsletter")
        .annotate(
            article_count=Coalesce(Subquery(articles, output_field=IntegerField()), 0),
            sent_count=_deliveries(D.SENT),
            failed_count=_deliveries(D.FAILED),
        )
        .order_by("-created_at", "-pk")
    )


def subscriptions_of(newsletter: Newsletter, *, status: str = "") -> QuerySet[Subscription]:
    """The newsletter's subscriptions (in `status`, if given) with their subscribers, oldest
    first."""
    qs = Subscription.objects.filter(newsletter=newsletter).select_related("subscriber")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "pk")


def issue_entries(issue: Issue) -> QuerySet[IssueArticle]:
    """The issue's articles in its order, in whatever state they are now."""
    return issue.issuearticle_set.select_related("article").order_by("position", "pk")

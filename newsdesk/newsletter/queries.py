"""Reads for the public newsletter pages and the signup box."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.articles.queries import visible_articles
from newsdesk.newsletter import tokens
from newsdesk.newsletter.models import Issue, Newsletter, Subscriber, Subscription

# The list of all newsletters (and the signup box on every page) carries this cache tag.
LIST_TAG = "newsletters"


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

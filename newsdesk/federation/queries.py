"""Reads: which local actor a handle or route names, and what its outbox holds.

Handles share one namespace (`acct:NAME@SITE_HOST`): the site's handle first, then section slugs,
then the slugs of opted-in authors. An author whose slug is the site's handle or a section's slug
has no handle (and no actor) rather than someone else's.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Exists, QuerySet
from django.urls import Resolver404, resolve

from newsdesk.accounts.models import User
from newsdesk.articles import queries as article_queries
from newsdesk.articles.models import Article, Section
from newsdesk.federation.models import Actor, AuthorOptIn, Reaction, Reply

HANDLE = re.compile(r"[-\w]{1,120}")


@dataclass(frozen=True)
class LocalActor:
    kind: str  # an Actor.Kind value
    object_id: int
    handle: str
    section: Section | None = None
    author: User | None = None


def site_actor() -> LocalActor:
    return LocalActor(kind=Actor.Kind.SITE, object_id=0, handle=settings.FEDERATION_SITE_HANDLE)


def instance_actor() -> LocalActor:
    """The server's own actor, which signs the requests it makes for itself (key fetches)."""
    return LocalActor(kind=Actor.Kind.INSTANCE, object_id=0, handle="instance")


def section_actor(slug: str) -> LocalActor | None:
    if not HANDLE.fullmatch(slug) or slug == settings.FEDERATION_SITE_HANDLE:
        return None
    section = Section.objects.filter(slug=slug).first()
    if section is None:
        return None
    return LocalActor(kind=Actor.Kind.SECTION, object_id=section.pk, handle=slug, section=section)


def author_actor(slug: str) -> LocalActor | None:
    """An opted-in author with a public page (an active account with a visible article)."""
    if not HANDLE.fullmatch(slug) or slug == settings.FEDERATION_SITE_HANDLE:
        return None
    if Section.objects.filter(slug=slug).exists():
        return None
    author = (
        article_queries.public_authors()
        .filter(slug=slug, pk__in=AuthorOptIn.objects.values("user_id"))
        .first()
    )
    if author is None:
        return None
    return LocalActor(kind=Actor.Kind.AUTHOR, object_id=author.pk, handle=slug, author=author)


def actor_for_handle(handle: str) -> LocalActor | None:
    if handle == settings.FEDERATION_SITE_HANDLE:
        return site_actor()
    return section_actor(handle) or author_actor(handle)


def our_hosts() -> set[str]:
    site = urlsplit(settings.SITE_URL)
    return {settings.SITE_HOST.lower(), site.netloc.lower()}


def actor_for_url(url: str) -> LocalActor | None:
    """The site, section or author actor whose id `url` is (not the instance actor)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1": not a URL at all, and so none of ours
        return None
    if parts.netloc.lower() not in our_hosts() or parts.query or parts.fragment:
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name == "federation:site_actor":
        return site_actor()
    if match.view_name == "federation:section_actor":
        return section_actor(match.kwargs["slug"])
    if match.view_name == "federation:author_actor":
        return author_actor(match.kwargs["slug"])
    return None


def creator_handle(author: User) -> str | None:
    """`@slug@SITE_HOST` for the author of a visible article (the article page's meta tag) if
    they have an actor, else None. One query: the page itself shows they have a public page."""
    if not author.is_active or author.slug == settings.FEDERATION_SITE_HANDLE:
        return None
    has_actor = (
        AuthorOptIn.objects.filter(user_id=author.pk)
        .exclude(Exists(Section.objects.filter(slug=author.slug)))
        .exists()
    )
    return f"@{author.slug}@{settings.SITE_HOST}" if has_actor else None


def outbox_articles(local: LocalActor) -> QuerySet[Article]:
    """Newest first, from visible_articles() only: a draft, an unpublished or a taken-down
    article is in no outbox page."""
    articles = article_queries.visible_articles().prefetch_related("tags")
    if local.kind == Actor.Kind.SECTION:
        articles = articles.filter(section_id=local.object_id)
    elif local.kind == Actor.Kind.AUTHOR:
        articles = articles.filter(author_id=local.object_id)
    return articles.order_by("-published_at", "-pk")


def opted_in_author_ids(author_ids) -> set[int]:
    return set(AuthorOptIn.objects.filter(user_id__in=author_ids).values_list("user_id", flat=True))


def follower_count(local: LocalActor) -> int:
    actor = Actor.objects.filter(kind=local.kind, object_id=local.object_id).first()
    return actor.followers.count() if actor else 0


def approved_replies(article_id: int) -> list:
    """The replies an editor approved, oldest first (shown under the article)."""
    return list(
        Reply.objects.filter(article_id=article_id, state=Reply.State.APPROVED).order_by(
            "published_at", "received_at", "pk"
        )
    )


def reaction_counts(article_ids) -> dict[int, dict[str, int]]:
    """article pk -> {"like": n, "announce": n} for the given articles (zeros left out)."""
    counts: dict[int, dict[str, int]] = {}
    rows = (
        Reaction.objects.filter(article_id__in=list(article_ids))
        .values_list("article_id", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for article_id, kind, n in rows:
        counts.setdefault(article_id, {})[kind] = n
    return counts


def pending_replies() -> QuerySet:
    return Reply.objects.filter(state=Reply.State.PENDING).select_related("article")


def follower_counts() -> list[tuple[LocalActor, int]]:
    """Every actor that has followers, with its count, most followed first."""
    rows = (
        Actor.objects.exclude(kind=Actor.Kind.INSTANCE)
        .annotate(n=Count("followers"))
        .filter(n__gt=0)
        .order_by("-n", "kind", "object_id")
    )
    sections = Section.objects.in_bulk([a.object_id for a in rows if a.kind == Actor.Kind.SECTION])
    authors = User.objects.in_bulk([a.object_id for a in rows if a.kind == Actor.Kind.AUTHOR])
    found = []
    for row in rows:
        if row.kind == Actor.Kind.SITE:
            local = site_actor()
        elif row.kind == Actor.Kind.SECTION and row.object_id in sections:
            section = sections[row.object_id]
            local = LocalActor(row.kind, row.object_id, section.slug, section=section)
        elif row.kind == Actor.Kind.AUTHOR and row.object_id in authors:
            author = authors[row.object_id]
            local = LocalActor(row.kind, row.object_id, author.slug, author=author)
        else:
            continue
        found.append((local, row.n))
    return found

"""Publishing reaches followers: an article event (core.events) becomes Delivery rows, one
activity per remote inbox, written in the transaction of the change; after commit
tasks.deliver_task sends them (delivery.py).

Who sends: the article's creator, its author's Person if they opted in, else the site's Group.
Who gets it: the followers of the creator, of the site and of the article's section, one row
per inbox (a follower's shared inbox where it has one), however many of them live there. Each
inbox gets one activity from the creator (published and restored: Create; updated: Update;
unpublished and taken down: Delete of a Tombstone) and, for a Create, one Announce from each
group (site, section) other than the creator that has followers there, as FEP-1b12 groups do:
a server where nobody follows the author shows the group's boost.

Each language version is an article of its own, with events of its own, so a translation sends
its own Create.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsdesk.articles.images import sync_image_files
from newsdesk.articles.models import Article
from newsdesk.federation import documents, queries
from newsdesk.federation.actions import actor_key
from newsdesk.federation.models import Actor, Delivery, Follower
from newsdesk.federation.queries import LocalActor

# The event types that reach followers, and the activity each becomes.
ACTIVITIES = {
    "article.published": "Create",
    "article.restored": "Create",
    "article.updated": "Update",
    "article.unpublished": "Delete",
    "article.taken_down": "Delete",
}


def on_event(sender, *, type, current, **kwargs) -> None:  # noqa: A002
    """core.events.event's receiver (apps.py): the deliveries of an article event, written in
    the event's transaction."""
    if not settings.FEDERATION_ENABLED or type not in ACTIVITIES or not current:
        return
    article = (
        Article.objects.select_related("author", "section", "cover")
        .prefetch_related("tags")
        .filter(pk=current.get("id"))
        .first()
    )
    if article is not None:
        enqueue_article_activity(article=article, activity_type=ACTIVITIES[type])


def withdrawn_article(pk: int) -> Article | None:
    """An article that was public and no longer is (unpublished or taken down), whose object
    URL answers with a Tombstone; None for one never published (a draft, a scheduled one)."""
    return (
        Article.objects.filter(
            pk=pk,
            status__in=[Article.Status.UNPUBLISHED, Article.Status.TAKEN_DOWN],
            published_at__isnull=False,
        )
        .only("pk", "status", "updated_at")
        .first()
    )


def creator(article: Article) -> LocalActor:
    """The author's Person if they opted in (even when this article was their last public one:
    its Delete must come from the actor that created it), else the site."""
    author = article.author
    if queries.creator_handle(author) is not None:
        return LocalActor(
            kind=Actor.Kind.AUTHOR, object_id=author.pk, handle=author.slug, author=author
        )
    return queries.site_actor()


@dataclass(frozen=True)
class Recipients:
    """Inboxes by the local actors followed there (kind, object_id)."""

    by_inbox: dict[str, set[tuple[str, int]]]


def recipients(actors: list[LocalActor]) -> Recipients:
    """Each distinct inbox (shared where the follower has one) of the followers of `actors`,
    with which of them are followed there. One query."""
    keys = {(a.kind, a.object_id) for a in actors}
    rows = Follower.objects.filter(
        actor__kind__in={k for k, _ in keys}, actor__object_id__in={o for _, o in keys}
    ).values_list("actor__kind", "actor__object_id", "inbox", "shared_inbox")
    by_inbox: dict[str, set[tuple[str, int]]] = {}
    for kind, object_id, inbox, shared in rows:
        if (kind, object_id) in keys:
            by_inbox.setdefault(shared or inbox, set()).add((kind, object_id))
    return Recipients(by_inbox)


def enqueue_article_activity(*, article: Article, activity_type: str) -> list[int]:
    """Writes the deliveries of `activity_type` (Create, Update, Delete) of `article` for every
    inbox that follows its creator, the site or its section, and starts delivering them after
    commit. Returns the new rows' ids (none if nobody follows)."""
    maker = creator(article)
    site = queries.site_actor()
    section = LocalActor(
        kind=Actor.Kind.SECTION,
        object_id=article.section_id,
        handle=article.section.slug,
        section=article.section,
    )
    groups = [g for g in (site, section) if (g.kind, g.object_id) != (maker.kind, maker.object_id)]
    found = recipients([maker, *groups])
    if not found.by_inbox:
        return []
    if activity_type == "Create" and article.cover_id:
        # The editorial transition makes the cover public only after announcing the change;
        # the Create carries its public URL, so do that first (the later call does nothing).
        sync_image_files(image_id=article.cover_id)
        article.cover.refresh_from_db(fields=["public_key"])
    attributed = maker if maker.kind == Actor.Kind.AUTHOR else None
    main = _activity(article, activity_type, maker, attributed)
    signer = actor_key(kind=maker.kind, object_id=maker.object_id)
    rows = [_row(main, signer, article, inbox) for inbox in found.by_inbox]
    if activity_type == "Create":
        for group in groups:
            inboxes = [
                i for i, ours in found.by_inbox.items() if (group.kind, group.object_id) in ours
            ]
            if inboxes:
                announce = _announce(article, group)
                key = actor_key(kind=group.kind, object_id=group.object_id)
                rows += [_row(announce, key, article, inbox) for inbox in inboxes]
    created = Delivery.objects.bulk_create(rows)
    ids = [row.pk for row in created]
    transaction.on_commit(lambda: _deliver(ids))
    return ids


def _deliver(ids: list[int]) -> None:
    from newsdesk.federation.tasks import deliver_task  # tasks.py imports delivery, not this

    deliver_task(ids)


@dataclass(frozen=True)
class _Activity:
    id: str
    type: str
    body: str


def _activity(
    article: Article, activity_type: str, actor: LocalActor, attributed: LocalActor | None
) -> _Activity:
    me = documents.actor_id(actor)
    object_id = documents.article_id(article)
    # A new id every time: an article published, withdrawn and published again sends two
    # Creates, and every edit its own Update.
    ident = f"{object_id}#{activity_type.lower()}s/{uuid.uuid4()}"
    if activity_type == "Delete":
        obj = documents.tombstone(article)
        when = obj["deleted"]
    else:
        obj = documents.article_object(article, attributed=attributed)
        when = obj["updated"] if activity_type == "Update" else obj["published"]
    return _Activity(
        id=ident,
        type=activity_type,
        body=_dump(
            {
                "@context": documents.CONTEXT[0],
                "id": ident,
                "type": activity_type,
                "actor": me,
                "published": when,
                "to": [documents.PUBLIC],
                "cc": [f"{me}/followers"],
                "object": obj,
            }
        ),
    )


def _announce(article: Article, group: LocalActor) -> _Activity:
    me = documents.actor_id(group)
    ident = f"{me}#announces/{uuid.uuid4()}"
    return _Activity(
        id=ident,
        type="Announce",
        body=_dump(
            {
                "@context": documents.CONTEXT[0],
                "id": ident,
                "type": "Announce",
                "actor": me,
                "published": documents.iso(timezone.now()),
                "to": [documents.PUBLIC],
                "cc": [f"{me}/followers"],
                "object": documents.article_id(article),
            }
        ),
    )


def _row(activity: _Activity, signer: Actor, article: Article, inbox: str) -> Delivery:
    return Delivery(
        activity_id=activity.id,
        activity_type=activity.type,
        article_id=article.pk,
        actor=signer,
        inbox=inbox,
        body=activity.body,
        next_attempt_at=timezone.now(),
    )


def _dump(activity: dict) -> str:
    return json.dumps(activity, ensure_ascii=False, separators=(",", ":"))

"""Writes: actor keys made on first use, authors opting in or out, followers coming and going,
and what remote actors do to our articles (reactions, replies, Flags) or to themselves (Delete)."""

import hashlib
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import IntegrityError, transaction

from newsdesk.accounts.models import User
from newsdesk.articles.cache_tags import article_tag
from newsdesk.articles.models import Article
from newsdesk.core import page_cache
from newsdesk.editorial.grounds import Ground
from newsdesk.federation.models import Actor, AuthorOptIn, Follower, Reaction, RemoteActor, Reply
from newsdesk.reports import actions as reports
from newsdesk.reports.models import LINE_MAX, Report

# What Mastodon and most servers expect of an actor key (the choice).
KEY_BITS = 2048


def actor_key(*, kind: str, object_id: int) -> Actor:
    """The actor's key row, with a new RSA key pair the first time it is asked for. Two requests
    racing to make it both end up with the one that was stored first."""
    actor = Actor.objects.filter(kind=kind, object_id=object_id).first()
    if actor is not None:
        return actor
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    try:
        with transaction.atomic():
            return Actor.objects.create(
                kind=kind,
                object_id=object_id,
                private_key_pem=private_pem,
                public_key_pem=public_pem,
            )
    except IntegrityError:
        return Actor.objects.get(kind=kind, object_id=object_id)


@transaction.atomic
def opt_in_author(*, author: User) -> AuthorOptIn:
    """Makes the author a Person on the Fediverse (handle: their slug)."""
    opt_in, _created = AuthorOptIn.objects.get_or_create(user=author)
    transaction.on_commit(lambda: _purge_author_articles(author))
    return opt_in


@transaction.atomic
def opt_out_author(*, author: User) -> None:
    """Removes the author's actor; their key row stays, so opting in again keeps their identity."""
    AuthorOptIn.objects.filter(user=author).delete()
    transaction.on_commit(lambda: _purge_author_articles(author))


def _purge_author_articles(author: User) -> None:
    # Their article pages carry the fediverse:creator tag (or not) and sit in the page cache.
    ids = Article.objects.filter(author=author).values_list("pk", flat=True)
    page_cache.purge({article_tag(pk) for pk in ids})


def accept_follow(*, actor: Actor, actor_url: str, follower: RemoteActor, follow: dict) -> bool:
    """A verified Follow of our actor (`actor_url` is its id): the follower is stored (once per
    remote actor, a repeated Follow is accepted again) and an Accept is sent after commit.
    True if the follower is new."""
    with transaction.atomic():
        _row, created = Follower.objects.update_or_create(
            actor=actor,
            remote_actor_id=follower.actor_id,
            defaults={"inbox": follower.inbox, "shared_inbox": follower.shared_inbox},
        )
        accept = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{actor_url}#accepts/follows/{uuid.uuid4()}",
            "type": "Accept",
            "actor": actor_url,
            "object": follow,
        }
        transaction.on_commit(
            lambda: _send_accept(
                actor_pk=actor.pk, actor_url=actor_url, inbox=follower.inbox, accept=accept
            )
        )
    return created


def _send_accept(**kwargs) -> None:
    from newsdesk.federation.tasks import send_activity_task  # tasks import this module

    send_activity_task(kwargs["actor_pk"], kwargs["actor_url"], kwargs["inbox"], kwargs["accept"])


def undo_follow(*, actor: Actor, follower: RemoteActor) -> int:
    """An Undo{Follow}: the follower row goes; how many rows went (0 if none)."""
    deleted, _ = Follower.objects.filter(actor=actor, remote_actor_id=follower.actor_id).delete()
    return deleted


@transaction.atomic
def record_reaction(
    *, article: Article, kind: str, remote_actor_id: str, activity_id: str
) -> Reaction:
    """A Like or Announce of `article`: one row per remote actor and kind; a repeat keeps the
    row and remembers the newest activity id (an Undo may name it)."""
    try:
        with transaction.atomic():
            row, _created = Reaction.objects.update_or_create(
                article=article,
                kind=kind,
                remote_actor_id=remote_actor_id,
                defaults={"activity_id": activity_id},
            )
    except IntegrityError:  # the same reaction, stored by a concurrent request
        row = Reaction.objects.get(article=article, kind=kind, remote_actor_id=remote_actor_id)
    else:
        if _created:  # the counts under the article changed
            _purge_article(article.pk)
    return row


def undo_reaction(
    *,
    remote_actor_id: str,
    kind: str | None = None,
    article: Article | None = None,
    activity_id: str | None = None,
) -> int:
    """An Undo{Like|Announce}: the actor's reaction of that kind to `article`, or the one
    stored with `activity_id` (of any kind, when the Undo names the activity by id only). How
    many rows went (0 if none)."""
    rows = Reaction.objects.filter(remote_actor_id=remote_actor_id)
    if kind is not None:
        rows = rows.filter(kind=kind)
    if article is not None:
        rows = rows.filter(article=article)
    elif activity_id:
        rows = rows.filter(activity_id=activity_id)
    else:
        return 0
    for article_id in set(rows.values_list("article_id", flat=True)):
        _purge_article(article_id)  # the counts under the article change
    deleted, _ = rows.delete()
    return deleted


# The fields of a Reply a Create or an Update sets (inbox.py reads and cleans them).
REPLY_FIELDS = (
    "url",
    "author_name",
    "author_handle",
    "author_url",
    "content_html",
    "language",
    "published_at",
)


def _purge_article(article_id: int) -> None:
    # Approved replies and the like and boost counts are shown under the article, whose page
    # sits in the page cache.
    transaction.on_commit(lambda: page_cache.purge({article_tag(article_id)}))


@transaction.atomic
def store_reply(*, article: Article, remote_actor_id: str, object_id: str, fields: dict) -> Reply:
    """A Create{Note} in reply to `article`: a pending Reply for the editors. A repeated Create
    of the same Note (a redelivery) changes nothing and returns the stored row."""
    found = Reply.objects.filter(object_id=object_id).first()
    if found is not None:
        return found
    reply = Reply(
        article=article,
        object_id=object_id,
        remote_actor_id=remote_actor_id,
        **{name: fields[name] for name in REPLY_FIELDS if name in fields},
    )
    reply.full_clean(exclude=["article", "decided_by"])
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:  # the same Note, stored by a concurrent request
        return Reply.objects.get(object_id=object_id)
    return reply


@transaction.atomic
def update_reply(*, remote_actor_id: str, object_id: str, fields: dict) -> Reply | None:
    """An Update{Note} by its author. Changed content sends an approved reply back to pending:
    the editor approved the words they read, not whatever the Note says next. A rejected reply
    stays rejected. None if we hold no such reply of that actor."""
    reply = (
        Reply.objects.select_for_update()
        .filter(object_id=object_id, remote_actor_id=remote_actor_id)
        .first()
    )
    if reply is None:
        return None
    changed = [
        name for name in REPLY_FIELDS if name in fields and getattr(reply, name) != fields[name]
    ]
    if not changed:
        return reply
    was_shown = reply.state == Reply.State.APPROVED
    for name in changed:
        setattr(reply, name, fields[name])
    if was_shown and "content_html" in changed:
        reply.state = Reply.State.PENDING
        reply.decided_by = None
        reply.decided_at = None
        changed += ["state", "decided_by", "decided_at"]
    reply.full_clean(exclude=["article", "decided_by"])
    reply.save(update_fields=[*changed, "updated_at"])
    if was_shown:
        _purge_article(reply.article_id)
    return reply


@transaction.atomic
def delete_reply(*, remote_actor_id: str, object_id: str) -> int:
    """A Delete of a Note by its author: the reply goes. How many rows went (0 if none)."""
    rows = Reply.objects.filter(object_id=object_id, remote_actor_id=remote_actor_id)
    for article_id in rows.filter(state=Reply.State.APPROVED).values_list("article_id", flat=True):
        _purge_article(article_id)
    deleted, _ = rows.delete()
    return deleted


@transaction.atomic
def forget_remote_actor(*, remote_actor: RemoteActor) -> None:
    """A remote account was deleted (a Delete of the actor by itself): its follows, reactions,
    replies and our copy of its key go."""
    actor_id = remote_actor.actor_id
    Follower.objects.filter(remote_actor_id=actor_id).delete()
    reactions = Reaction.objects.filter(remote_actor_id=actor_id)
    for article_id in set(reactions.values_list("article_id", flat=True)):
        _purge_article(article_id)
    reactions.delete()
    delete_reply_rows = Reply.objects.filter(remote_actor_id=actor_id)
    shown = delete_reply_rows.filter(state=Reply.State.APPROVED)
    for article_id in set(shown.values_list("article_id", flat=True)):
        _purge_article(article_id)
    delete_reply_rows.delete()
    RemoteActor.objects.filter(pk=remote_actor.pk).delete()


# A Flag carries no category (Mastodon sends only the moderator's comment): a word in the
# comment picks the ground, else hate or violence, what a server's rules are mostly about.
# Editors correct it while the report waits (reports.actions.change_ground).
FLAG_GROUNDS = (
    (Ground.COPYRIGHT, ("copyright", "urheberrecht", "dmca")),
    (Ground.DEFAMATION, ("defamat", "libel", "slander", "verleumd", "rufschädig")),
    (Ground.PRIVACY, ("privacy", "doxx", "personal data", "datenschutz", "privatsphäre")),
    (Ground.SPAM, ("spam",)),
)
FLAG_DEFAULT_GROUND = Ground.HATE
FLAG_MARKER = "Flag "


def flag_ground(content: str) -> str:
    words = content.lower()
    for ground, stems in FLAG_GROUNDS:
        if any(stem in words for stem in stems):
            return ground
    return FLAG_DEFAULT_GROUND


def flag_marker(flag_id: str) -> str:
    """What marks the report of one Flag (in its subject line), so a redelivery files none."""
    marker = FLAG_MARKER + flag_id
    if len(marker) <= LINE_MAX:
        return marker
    return FLAG_MARKER + "sha256:" + hashlib.sha256(flag_id.encode()).hexdigest()


@transaction.atomic
def file_flag(
    *, article: Article, flag_id: str, flagger: RemoteActor, content: str
) -> Report | None:
    """A remote server's moderators report `article`: a report in the reports queue, source
    Fediverse, once per Flag id (a repeat returns None). The flagging actor is the reporter;
    there is no address to mail."""
    # One Flag of a server at a time: the check and the filing below cannot interleave.
    RemoteActor.objects.select_for_update().filter(pk=flagger.pk).first()
    marker = flag_marker(flag_id)
    if Report.objects.filter(source=Report.Source.FEDIVERSE, mail_subject=marker).exists():
        return None
    report, _token = reports.file_report(
        article=article,
        ground=flag_ground(content),
        fields={
            "explanation": content,
            "reporter_name": flagger.actor_id[:LINE_MAX],
            "mail_subject": marker,
        },
        language=settings.LANGUAGE_CODE,
        source=Report.Source.FEDIVERSE,
    )
    return report

"""What an inbox does with a POST: read the body as a bounded JSON object, verify its HTTP
signature against the signer's key (fetched and cached as a RemoteActor), check that the key's
owner is the activity's actor, then act on it: Follow, Like, Announce, Create/Update/Delete of a
Note replying to one of our articles, Flag, Delete of the signer itself, and the Undo of a
Follow, Like or Announce. Every refusal is an InboxRefused(status, reason); nothing is stored
before the signature and the owner check pass. Anything else, and anything about objects that
are not ours, is accepted (202) and dropped (docs/federation.md, "Inbox: what is acted on").
"""

import datetime as dt
import json
import logging
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from newsdesk.articles.models import Article
from newsdesk.articles.queries import visible_articles
from newsdesk.core.errors import ActionRefused
from newsdesk.federation import actions, documents, queries, remote, sanitise
from newsdesk.federation.actions import actor_key
from newsdesk.federation.models import Reaction, RemoteActor, Reply
from newsdesk.federation.queries import LocalActor
from newsdesk.federation.signatures import SignatureError, verify_request

logger = logging.getLogger(__name__)

# Mastodon's own inbox limit is 1 MB; a Follow or an Undo is well under 2 KB.
MAX_BODY = 256 * 1024
# Activities nest an object or two; anything deeper is not one we would read.
MAX_DEPTH = 16
URL_MAX = 2000
# A cached key is fetched again (its signature failed) at most this often.
REFETCH_AFTER = dt.timedelta(seconds=60)
JSON_TYPES = ("application/activity+json", "application/ld+json", "application/json")
# A Mastodon reply is 500 characters, a few KB as HTML; a reply longer than this is refused
# (413), not cut, since cutting would put words in its author's mouth.
REPLY_MAX = 20_000
# What the editor screens show of a Flag's comment (Mastodon's own limit is 1,000).
FLAG_TEXT_MAX = 10_000
# A Flag lists the reported account and its posts; a real one names a handful.
FLAG_OBJECTS_MAX = 100
REACTIONS = {"Like": Reaction.Kind.LIKE, "Announce": Reaction.Kind.ANNOUNCE}
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,2}")
PGSQL_BIGINT_MAX = 2**63 - 1
_valid_url = URLValidator(schemes=["http", "https"])


@dataclass
class InboxRefused(Exception):
    status: int
    reason: str


def _depth(value, limit: int) -> int:
    """How deeply `value` nests, without recursion (an attacker chooses the shape)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def parse(body: bytes, content_type: str) -> dict:
    media = content_type.split(";", 1)[0].strip().lower()
    if media not in JSON_TYPES:
        raise InboxRefused(400, "the body must be application/activity+json")
    try:
        activity = json.loads(body)
    except (ValueError, RecursionError):  # also a 5,000-digit number, or [[[[... too deep
        raise InboxRefused(400, "the body is not valid JSON") from None
    if not isinstance(activity, dict):
        raise InboxRefused(400, "the body must be a JSON object")
    if _depth(activity, MAX_DEPTH) > MAX_DEPTH:
        raise InboxRefused(400, "the activity nests too deeply")
    return activity


def _url(value) -> str | None:
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        if len(value) <= URL_MAX:
            return value
    return None


def _id_of(value) -> str | None:
    """An object given as its id or as an object with an id."""
    return _url(value.get("id")) if isinstance(value, dict) else _url(value)


class KeyLookup:
    """The signatures module's key look-up: the cached key first, the remote actor document on
    refresh (it asks for a refresh once, when the cached key is missing or fails)."""

    def __init__(self, *, may_fetch: bool = True):
        self.remote_actor: RemoteActor | None = None
        self.fetched = False
        self.may_fetch = may_fetch

    def __call__(self, key_id: str, *, refresh: bool = False) -> str | None:
        if not refresh:
            self.remote_actor = RemoteActor.objects.filter(key_id=key_id).first()
        elif self.may_fetch and not self.fetched:
            cached = self.remote_actor
            if cached is not None and timezone.now() - cached.fetched_at < REFETCH_AFTER:
                # Fetched moments ago: a failing signature is the request's fault, and a
                # stream of them must not become a stream of fetches to the actor's server.
                return None
            self.fetched = True
            if cached is not None:
                # The attempt counts, whether or not the signature then verifies.
                RemoteActor.objects.filter(pk=cached.pk).update(fetched_at=timezone.now())
            self.remote_actor = fetch_remote_actor(key_id)
        return self.remote_actor.public_key_pem if self.remote_actor else None


def fetch_remote_actor(key_id: str) -> RemoteActor | None:
    """The actor document the keyId points to (its URL without the fragment), as an unsaved
    RemoteActor (verify() stores it once the signature checks out); None if it cannot be
    fetched or does not vouch for the key: the document's id must be the URL fetched, and its
    publicKey this keyId, owned by the document."""
    if _url(key_id) is None:
        return None
    url = remote.without_fragment(key_id)
    try:
        doc = remote.fetch_document(url)
    except remote.RemoteError as error:
        logger.info("federation: key %s not fetched: %s", key_id[:200], error)
        return None
    key = doc.get("publicKey")
    if isinstance(key, list):  # some servers list several keys
        key = next((k for k in key if isinstance(k, dict) and k.get("id") == key_id), None)
    if not isinstance(key, dict) or doc.get("id") != url:
        return None
    pem, inbox = key.get("publicKeyPem"), _url(doc.get("inbox"))
    if key.get("id") != key_id or key.get("owner") != url or not isinstance(pem, str) or not inbox:
        return None
    endpoints = doc.get("endpoints")
    shared = _url(endpoints.get("sharedInbox")) if isinstance(endpoints, dict) else None
    found = RemoteActor.objects.filter(actor_id=url).first() or RemoteActor(actor_id=url)
    found.key_id = key_id
    found.inbox = inbox
    found.shared_inbox = shared or ""
    found.public_key_pem = pem[:20_000]
    found.fetched_at = timezone.now()
    return found


def _store(remote_actor: RemoteActor) -> None:
    try:
        with transaction.atomic():
            # The key moved to another actor document: the old row's key is no longer its own.
            RemoteActor.objects.filter(key_id=remote_actor.key_id).exclude(
                actor_id=remote_actor.actor_id
            ).delete()
            remote_actor.save()
    except IntegrityError:  # a concurrent request stored it first; that row will do
        pass


def _deletes_itself(activity: dict) -> bool:
    actor = _id_of(activity.get("actor"))
    deleted = _id_of(activity.get("object"))
    return activity.get("type") == "Delete" and actor is not None and deleted == actor


def verify(request, body: bytes, activity: dict) -> RemoteActor | None:
    """The remote actor who signed the request, who must be the activity's actor.

    None for a deleted account's Delete of itself whose key we do not hold: its document is
    gone (410), so the key is not fetched, and there is nothing of it to remove (202, dropped).
    With the key cached, that Delete is verified against the cache only."""
    deletes_itself = _deletes_itself(activity)
    if (
        deletes_itself
        and not RemoteActor.objects.filter(actor_id=_id_of(activity.get("actor"))).exists()
    ):
        return None
    lookup = KeyLookup(may_fetch=not deletes_itself)
    headers = list(request.headers.items())
    try:
        verify_request(
            request.method,
            request.get_full_path(),
            headers,
            body,
            lookup,
            scheme=request.scheme,
        )
    except SignatureError as error:
        raise InboxRefused(401, error.reason) from None
    signer = lookup.remote_actor
    if signer is None or _id_of(activity.get("actor")) != signer.actor_id:
        raise InboxRefused(401, "key_owner_mismatch")
    if lookup.fetched:
        _store(signer)
    return signer


def _ours(value, target: LocalActor | None) -> LocalActor:
    url = _id_of(value)
    if url is None:
        raise InboxRefused(400, "the object must be an actor's id")
    local = queries.actor_for_url(url)
    if local is None:
        raise InboxRefused(404, "the object is none of our actors")
    if target is not None and (local.kind, local.object_id) != (target.kind, target.object_id):
        raise InboxRefused(400, "the object is not this inbox's actor")
    return local


def _our_article(value) -> Article | None:
    """The visible article an object names: by its object id (/federation/objects/articles/N)
    or its page under SITE_URL (/de/articles/slug/). None for anything else."""
    url = _id_of(value)
    if url is None:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.netloc.lower() not in queries.our_hosts() or parts.query or parts.fragment:
        return None
    # The page's path starts with its language (i18n_patterns); resolve in that language.
    language = translation.get_language_from_path(parts.path) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name == "federation:article":
        pk = match.kwargs["pk"]
        return visible_articles().filter(pk=pk).first() if pk <= PGSQL_BIGINT_MAX else None
    if match.view_name == "articles:detail":
        return visible_articles().filter(slug=match.kwargs["slug"]).first()
    return None


def _own(value, signer: RemoteActor, what: str) -> None:
    if _id_of(value) != signer.actor_id:
        raise InboxRefused(400, f"the {what} is not the actor's own")


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _stored_url(value) -> str:
    """A URL to keep for a link (a Note's page, an author's profile), or "" if it is none."""
    url = _url(value)
    if url is None:
        return ""
    try:
        _valid_url(url)
    except ValidationError:
        return ""
    return url


def _note_id(note: dict, signer: RemoteActor) -> str:
    """The Note's id, which must be on the signer's server: no one names another's Note."""
    object_id = _stored_url(note.get("id"))
    if not object_id:
        raise InboxRefused(400, "the Note must have an id")
    if _host(object_id) != _host(signer.actor_id):
        raise InboxRefused(400, "the Note's id is not on the actor's server")
    return object_id


def _note_fields(note: dict) -> dict:
    """What a Reply keeps of a Note: sanitised content, its language, link and date."""
    content, language = note.get("content"), ""
    content_map = note.get("contentMap")
    if isinstance(content_map, dict):
        tags = [key for key in content_map if isinstance(key, str) and LANGUAGE_TAG.fullmatch(key)]
        if tags:
            language = tags[0][:10]
            if not isinstance(content, str) and isinstance(content_map[tags[0]], str):
                content = content_map[tags[0]]
    if not isinstance(content, str):
        raise InboxRefused(400, "the Note has no content")
    if len(content) > REPLY_MAX:
        raise InboxRefused(413, f"the Note is longer than {REPLY_MAX} characters")
    html = sanitise.reply_html(content)
    if not html:
        raise InboxRefused(400, "the Note has no text")
    published = None
    if isinstance(note.get("published"), str) and len(note["published"]) <= 40:
        try:
            published = parse_datetime(note["published"])
        except ValueError:
            published = None
        if published is not None and timezone.is_naive(published):
            published = None
    return {
        "content_html": html,
        "language": language,
        "url": _stored_url(note.get("url")),
        "published_at": published,
    }


def _author_fields(signer: RemoteActor) -> dict:
    """Who wrote a reply, from the signer's actor document (RemoteActor keeps only its key and
    inboxes): fetched once per reply, best effort; without it the actor id is all we show."""
    fields = {"author_name": "", "author_handle": "", "author_url": signer.actor_id}
    try:
        doc = remote.fetch_document(signer.actor_id)
    except remote.RemoteError as error:
        logger.info("federation: profile %s not fetched: %s", signer.actor_id[:200], error)
        return fields
    if doc.get("id") != signer.actor_id:
        return fields
    fields["author_name"] = sanitise.plain_line(doc.get("name"), 200)
    username = sanitise.plain_line(doc.get("preferredUsername"), 100)
    if username and " " not in username and "@" not in username:
        fields["author_handle"] = f"@{username}@{_host(signer.actor_id)}"[:300]
    fields["author_url"] = _stored_url(doc.get("url")) or signer.actor_id
    return fields


def _reply(activity: dict, signer: RemoteActor, *, update: bool) -> None:
    note = activity.get("object")
    # A Note given by id alone is not fetched; other types (Article, Question, ...) are no
    # reply we keep.
    if not isinstance(note, dict) or note.get("type") != "Note":
        return
    if update:
        object_id = _stored_url(note.get("id"))
        if not object_id or not Reply.objects.filter(object_id=object_id).exists():
            return
        _own(note.get("attributedTo"), signer, "Note")
        actions.update_reply(
            remote_actor_id=signer.actor_id, object_id=object_id, fields=_note_fields(note)
        )
        return
    article = _our_article(note.get("inReplyTo"))
    if article is None:
        return
    _own(note.get("attributedTo"), signer, "Note")
    object_id = _note_id(note, signer)
    fields = _note_fields(note)
    if Reply.objects.filter(object_id=object_id).exists():
        return  # a redelivery: nothing to fetch or store
    actions.store_reply(
        article=article,
        remote_actor_id=signer.actor_id,
        object_id=object_id,
        fields=fields | _author_fields(signer),
    )


def _undo(activity: dict, signer: RemoteActor, target: LocalActor | None) -> None:
    undone = activity.get("object")
    if isinstance(undone, dict) and undone.get("type") == "Follow":
        _own(undone.get("actor"), signer, "Follow undone")
        local = _ours(undone.get("object"), target)
        actions.undo_follow(
            actor=actor_key(kind=local.kind, object_id=local.object_id), follower=signer
        )
    elif isinstance(undone, dict) and undone.get("type") in REACTIONS:
        _own(undone.get("actor"), signer, "activity undone")
        actions.undo_reaction(
            remote_actor_id=signer.actor_id,
            kind=REACTIONS[undone["type"]],
            article=_our_article(undone.get("object")),
            activity_id=_url(undone.get("id")),
        )
    elif (activity_id := _id_of(undone)) is not None:
        # Named by id alone: a reaction of the signer's stored with that id. (We keep no
        # Follow ids, so a Follow undone that way stays.)
        actions.undo_reaction(remote_actor_id=signer.actor_id, activity_id=activity_id)


def _flag(activity: dict, signer: RemoteActor) -> None:
    objects = activity.get("object")
    objects = objects[:FLAG_OBJECTS_MAX] if isinstance(objects, list) else [objects]
    article = next(filter(None, map(_our_article, objects)), None)
    if article is None:
        return
    flag_id = _url(activity.get("id"))
    if flag_id is None:
        raise InboxRefused(400, "the Flag must have an id")
    actions.file_flag(
        article=article,
        flag_id=flag_id,
        flagger=signer,
        content=sanitise.plain_text(activity.get("content"), FLAG_TEXT_MAX),
    )


def _act(activity: dict, signer: RemoteActor, target: LocalActor | None) -> None:
    kind = activity.get("type")
    if kind == "Follow":
        local = _ours(activity.get("object"), target)
        actions.accept_follow(
            actor=actor_key(kind=local.kind, object_id=local.object_id),
            actor_url=documents.actor_id(local),
            follower=signer,
            follow=activity,
        )
    elif kind == "Undo":
        _undo(activity, signer, target)
    elif isinstance(kind, str) and kind in REACTIONS:
        article = _our_article(activity.get("object"))
        if article is not None:
            actions.record_reaction(
                article=article,
                kind=REACTIONS[kind],
                remote_actor_id=signer.actor_id,
                activity_id=_url(activity.get("id")) or "",
            )
    elif kind in ("Create", "Update"):
        _reply(activity, signer, update=kind == "Update")
    elif kind == "Delete":
        deleted = _id_of(activity.get("object"))
        if deleted == signer.actor_id:
            actions.forget_remote_actor(remote_actor=signer)
        elif deleted is not None:
            actions.delete_reply(remote_actor_id=signer.actor_id, object_id=deleted)
    elif kind == "Flag":
        _flag(activity, signer)


def handle(activity: dict, *, signer: RemoteActor | None, target: LocalActor | None) -> None:
    """Acts on a verified activity (module docstring); signer None (verify's answer for an
    account's Delete of itself that we cannot check) drops it."""
    if signer is None:
        return
    try:
        _act(activity, signer, target)
    except ValidationError as error:  # a value our models refuse (e.g. a URL Django rejects)
        fields = ", ".join(sorted(getattr(error, "error_dict", {}))) or "a field"
        raise InboxRefused(
            400, f"the activity has a value that cannot be stored: {fields}"
        ) from None
    except ActionRefused as refused:
        raise InboxRefused(400, str(refused)) from None

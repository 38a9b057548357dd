"""What an inbox does with a POST: read the body as a bounded JSON object, verify its HTTP
signature against the signer's key (fetched and cached as a RemoteActor), check that the key's
owner is the activity's actor, then act on Follow and Undo{Follow}. Every refusal is an
InboxRefused(status, reason); nothing is stored before the signature and the owner check pass.

Other activity types (Like, Announce, Create, Update, Delete, Flag, ...) are accepted (202) and
dropped for now (docs/federation.md).
"""

import json
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from newsdesk.federation import actions, documents, queries, remote
from newsdesk.federation.actions import actor_key
from newsdesk.federation.models import RemoteActor
from newsdesk.federation.queries import LocalActor
from newsdesk.federation.signatures import SignatureError, verify_request

logger = logging.getLogger(__name__)

# Mastodon's own inbox limit is 1 MB; a Follow or an Undo is well under 2 KB.
MAX_BODY = 256 * 1024
# Activities nest an object or two; anything deeper is not one we would read.
MAX_DEPTH = 16
URL_MAX = 2000
JSON_TYPES = ("application/activity+json", "application/ld+json", "application/json")


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

    def __init__(self):
        self.remote_actor: RemoteActor | None = None
        self.fetched = False

    def __call__(self, key_id: str, *, refresh: bool = False) -> str | None:
        if not refresh:
            self.remote_actor = RemoteActor.objects.filter(key_id=key_id).first()
        elif not self.fetched:
            self.fetched = True
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


def verify(request, body: bytes, activity: dict) -> RemoteActor:
    """The remote actor who signed the request, who must be the activity's actor."""
    lookup = KeyLookup()
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


def handle(activity: dict, *, signer: RemoteActor, target: LocalActor | None) -> None:
    """Follow and Undo{Follow}; anything else is dropped for now."""
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
        follow = activity.get("object")
        # An Undo naming the Follow by id alone cannot be matched: we keep no Follow ids.
        if not isinstance(follow, dict) or follow.get("type") != "Follow":
            return
        if _id_of(follow.get("actor")) != signer.actor_id:
            raise InboxRefused(400, "the Follow undone is not the actor's own")
        local = _ours(follow.get("object"), target)
        actions.undo_follow(
            actor=actor_key(kind=local.kind, object_id=local.object_id), follower=signer
        )

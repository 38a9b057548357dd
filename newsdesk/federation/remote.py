"""Talking to remote servers: fetching an actor's document (for its key and inbox) and POSTing
an activity to an inbox, both signed (draft-cavage, as Mastodon expects) and both through the
webhooks' SSRF guard (webhooks/targets.py): a name resolving to a loopback, private or
link-local address is refused and the connection goes to the address checked. Plain http and
such addresses are allowed only with settings.FEDERATION_ALLOW_PRIVATE_TARGETS (tests, a lab).
"""

import http.client
import json
import time
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

from newsdesk.federation import documents, queries
from newsdesk.federation.actions import actor_key
from newsdesk.federation.signatures import sign_cavage
from newsdesk.webhooks import targets

ACTIVITY_JSON = "application/activity+json"
ACCEPT = f'{ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
# An actor document is a few KB; Mastodon's own limit for one is 1 MB.
MAX_DOCUMENT = 1024 * 1024
# For the whole exchange (connect, send, every read): a key fetch holds up an inbox request.
TIMEOUT = 5.0
# A delivery holds up nobody but its worker thread: a slow server gets longer.
DELIVERY_TIMEOUT = 10.0
# Of an inbox's answer to a delivery only the status counts; this much of its body is read.
DELIVERY_ANSWER = 4096
USER_AGENT = "newsdesk (+ActivityPub)"


class RemoteError(Exception):
    """The remote server could not be asked or gave no usable answer; the message says why."""


def without_fragment(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def _target(url: str) -> targets.Target:
    allow_private = settings.FEDERATION_ALLOW_PRIVATE_TARGETS
    if not allow_private and not url.lower().startswith("https://"):
        raise RemoteError("only https URLs are fetched")
    try:
        return targets.check(url, allow_private=allow_private)
    except targets.TargetRefused as refused:
        raise RemoteError(str(refused)) from None


def _exchange(
    method: str,
    url: str,
    headers: dict,
    body: bytes | None,
    *,
    timeout: float = TIMEOUT,
    limit: int = MAX_DOCUMENT,
    truncate: bool = False,
) -> tuple[int, bytes]:
    """The status and body of one request; a body over `limit` is an error (a document) or,
    with `truncate`, cut there (a delivery's answer, whose body is not used)."""
    target = _target(url)
    deadline = time.monotonic() + timeout
    conn = targets.connection(target, timeout=timeout)
    try:
        conn.request(method, target.path, body=body, headers=headers)
        response = conn.getresponse()
        chunks, size = [], 0
        while True:
            if time.monotonic() > deadline:
                raise RemoteError("the remote server took too long")
            chunk = response.read(64 * 1024)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                if truncate:
                    break
                raise RemoteError("the answer is too large")
            chunks.append(chunk)
        return response.status, b"".join(chunks)
    except TimeoutError:
        raise RemoteError(f"no answer within {timeout:g} s") from None
    except (OSError, ValueError, http.client.HTTPException) as error:
        # Refused, reset, a TLS failure, an answer that is not HTTP.
        raise RemoteError(f"{type(error).__name__}: {error}") from None
    finally:
        conn.close()


def fetch_document(url: str) -> dict:
    """GET an ActivityPub document, signed by the instance actor (servers in authorized-fetch
    mode refuse unsigned fetches)."""
    local = queries.instance_actor()
    key = actor_key(kind=local.kind, object_id=local.object_id)
    headers = sign_cavage(
        "GET",
        url,
        {"Accept": ACCEPT, "User-Agent": USER_AGENT},
        None,
        documents.key_id(local),
        key.private_key_pem,
    )
    status, body = _exchange("GET", url, headers, None)
    if status != 200:
        raise RemoteError(f"HTTP {status}")
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        raise RemoteError("the answer is not JSON") from None
    if not isinstance(doc, dict):
        raise RemoteError("the answer is not a JSON object")
    return doc


def post_activity(inbox: str, activity: dict, *, key_id: str, private_key_pem: str) -> int:
    """POST `activity` to `inbox`, signed with (request-target), Host, Date and Digest; the
    HTTP status of the answer."""
    body = json.dumps(activity, ensure_ascii=False).encode()
    headers = sign_cavage(
        "POST",
        inbox,
        {"Content-Type": ACTIVITY_JSON, "User-Agent": USER_AGENT},
        body,
        key_id,
        private_key_pem,
    )
    status, _body = _exchange("POST", inbox, headers, body)
    return status


def post_body(inbox: str, body: bytes, *, key_id: str, private_key) -> int:
    """POST an activity's stored bytes to `inbox` (a retry sends the same bytes), signed for
    this attempt with `private_key` (PEM or a loaded key); the HTTP status of the answer."""
    headers = sign_cavage(
        "POST",
        inbox,
        {"Content-Type": ACTIVITY_JSON, "User-Agent": USER_AGENT},
        body,
        key_id,
        private_key,
    )
    status, _answer = _exchange(
        "POST",
        inbox,
        headers,
        body,
        timeout=DELIVERY_TIMEOUT,
        limit=DELIVERY_ANSWER,
        truncate=True,
    )
    return status

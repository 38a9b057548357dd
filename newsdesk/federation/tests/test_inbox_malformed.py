"""1,000 malformed activities, generated from one seed, against the real shared inbox: none
answers 500, every answer is 202 or a 4xx we expect, and nothing is stored. (Alice's
RemoteActor, fetched for her valid key, may be stored: that is the key cache, not the input.)"""

import json
import random

import pytest

from newsdesk.federation.inbox import MAX_BODY
from newsdesk.federation.models import Follower, Reaction, RemoteActor, Reply
from newsdesk.federation.tests.fake_remote import SITE, signed_post
from newsdesk.reports.models import Report

pytestmark = pytest.mark.django_db
INBOX = "/federation/inbox"
EXPECTED = {202, 400, 401, 404, 413}


def _values(alice):
    deep = 1
    for _ in range(30):
        deep = [deep]
    return [
        None, 5, -1.5, True, "", "x" * 50_000, "not a url", [], {}, [1, 2], deep, {"id": 7},
        {"type": "Note", "content": 5}, {"type": "Note", "id": alice, "content": None},
        {"type": "Like", "actor": 3}, {"type": "Follow", "actor": alice, "object": []},
        {"type": "Tombstone"}, f"{SITE}/federation/objects/articles/1",
        f"{SITE}/federation/objects/articles/99999999999999999999999",
        f"{SITE}/en/articles/nope/", "http://[::1", "https://elsewhere.example/x",
        {"contentMap": {"en": 5, 7: "x"}}, alice, {"id": alice}, 10**40,
    ]  # fmt: skip


TYPES = ["Follow", "Undo", "Like", "Announce", "Create", "Update", "Delete", "Flag", "Note",
         5, None, [], {"a": 1}, "F" * 10_000]  # fmt: skip
FIELDS = ["type", "actor", "object", "id", "content", "contentMap", "inReplyTo", "attributedTo",
          "published", "to", "cc"]  # fmt: skip


def _raw(rng):
    return rng.choice([
        b"[1]", b"5", b"null", b'"s"', b"\xff\xfe", b"{", b"[" * 5000, b"",
        b'{"a": ' + b"9" * 5000 + b"}", b'{"type": "' + b"L" * 100_000 + b'"}',
        json.dumps({f"k{i}": i for i in range(5000)}).encode(), b'{"type": "Like"' * 10,
    ])  # fmt: skip


def test_1000_malformed_activities_give_no_500_and_store_nothing(
    client, remote, remote_key, django_capture_on_commit_callbacks
):
    alice = remote.url_for("/users/alice")
    remote.expect_request("/users/gone").respond_with_data("", status=404)
    remote.expect_request("/users/junk").respond_with_data("<html>", content_type="text/html")
    remote.expect_request("/users/wrong").respond_with_json({"id": "https://other.example/u"})
    key_ids = [f"{alice}#main-key", remote.url_for("/users/gone#k"), remote.url_for("/users/junk#k"),
               remote.url_for("/users/wrong#k"), "not a url", "x" * 3000]  # fmt: skip
    values = _values(alice)
    rng = random.Random(1414)
    statuses = {}
    for n in range(1000):
        kind = n % 8
        if kind == 0:  # not a JSON object, invalid JSON or a bomb, signed
            response = signed_post(client, INBOX, None, remote_key, key_ids[0], body=_raw(rng))
        elif kind == 1:  # unsigned, wrong content type, or huge
            body = rng.choice([b"{}", b"x" * (MAX_BODY + 1), json.dumps({"type": "Like"}).encode()])
            ctype = rng.choice(["application/activity+json", "text/plain", "", "image/png"])
            response = client.post(INBOX, body, content_type=ctype)
        elif kind == 2:  # too large, told by Content-Length only
            response = client.post(
                INBOX, b"{}", content_type="application/json",
                headers={"content-length": str(MAX_BODY + rng.randint(1, 10**9))},
            )  # fmt: skip
        elif kind == 3:  # bad signature headers
            header = rng.choice(
                [
                    "",
                    "garbage",
                    'keyId="x"',
                    'keyId="a",signature="%%%"',
                    'headers="date",signature="AAAA",keyId="' + key_ids[0] + '"',
                ]
            )
            response = client.post(INBOX, b'{"type": "Like"}', content_type="application/json",
                                   headers={"signature": header, "date": "yesterday"})  # fmt: skip
        else:  # signed, with unknown keys or every field of the wrong type
            activity = {f: rng.choice(TYPES if f == "type" else values) for f in FIELDS
                        if rng.random() < 0.7}  # fmt: skip
            if rng.random() < 0.6:
                activity["actor"] = alice
            key_id = key_ids[0] if rng.random() < 0.7 else rng.choice(key_ids[1:])
            with django_capture_on_commit_callbacks(execute=True):
                response = signed_post(client, INBOX, activity, remote_key, key_id)
        assert response.status_code in EXPECTED, (n, response.content[:300])
        if response.status_code != 202:
            assert response["Content-Type"] == "application/json"
            assert set(response.json()) == {"error"}
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    assert {202, 400, 401, 413} <= set(statuses), statuses
    assert Follower.objects.count() == Reaction.objects.count() == 0
    assert Reply.objects.count() == Report.objects.count() == 0
    assert set(RemoteActor.objects.values_list("actor_id", flat=True)) <= {alice}

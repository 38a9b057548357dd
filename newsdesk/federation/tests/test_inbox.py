"""The inbox against a fake remote server (pytest-httpserver on 127.0.0.1): its actor document
carries its own RSA key, its activities are signed here by hand (draft-cavage, the signing
string written out), and the Accept we send back is checked by hand against our actor's key."""

import base64
import email.utils
import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.utils import timezone

from newsdesk.articles.tests.factories import SectionFactory
from newsdesk.federation.actions import actor_key
from newsdesk.federation.delivery import deliver_until_done
from newsdesk.federation.models import Delivery, Follower, RemoteActor
from newsdesk.federation.tasks import send_activity_task
from newsdesk.federation.tests.fake_remote import (
    SITE,
    SITE_ACTOR,
    follow_of,
    posts_to,
    signed_post,
    verify_by_hand,
)

pytestmark = pytest.mark.django_db


class FollowTests:
    def test_a_signed_follow_is_stored_and_accepted(
        self, client, remote, remote_key, django_capture_on_commit_callbacks
    ):
        alice = remote.url_for("/users/alice")
        follow = follow_of(alice)
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_post(
                client, "/federation/actors/site/inbox", follow, remote_key, f"{alice}#main-key"
            )
        assert response.status_code == 202
        row = Follower.objects.get()
        assert (row.actor.kind, row.remote_actor_id) == ("site", alice)
        assert row.inbox == f"{alice}/inbox"
        assert row.shared_inbox == remote.url_for("/inbox")
        cached = RemoteActor.objects.get()
        assert (cached.actor_id, cached.key_id) == (alice, f"{alice}#main-key")
        # The key fetch was signed by our instance actor.
        (fetch,) = [r for r, _ in remote.log if r.method == "GET"]
        assert f'keyId="{SITE}/federation/actors/instance#main-key"' in fetch.headers["Signature"]
        assert fetch.headers["Accept"].startswith("application/activity+json")

        (accept,) = posts_to(remote, "/users/alice/inbox")
        assert accept.headers["Content-Type"] == "application/activity+json"
        body = json.loads(accept.get_data())
        assert body["type"] == "Accept"
        assert body["actor"] == SITE_ACTOR
        assert body["object"] == follow
        ours = client.get("/federation/actors/site").json()["publicKey"]["publicKeyPem"]
        verify_by_hand(accept, ours)
        tampered = accept.get_data().replace(b"Accept", b"Reject")
        with pytest.raises(InvalidSignature):
            key = serialization.load_pem_public_key(ours.encode())
            sig = dict(p.split("=", 1) for p in accept.headers["Signature"].split(","))
            key.verify(
                base64.b64decode(sig["signature"].strip('"')),
                tampered,
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        assert client.get("/federation/actors/site/followers").json()["totalItems"] == 1

    def test_follow_twice_keeps_one_row_and_undo_removes_it(
        self, client, remote, remote_key, django_capture_on_commit_callbacks
    ):
        alice = remote.url_for("/users/alice")
        key_id = f"{alice}#main-key"
        follow = follow_of(alice)
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                response = signed_post(client, "/federation/inbox", follow, remote_key, key_id)
            assert response.status_code == 202
        assert Follower.objects.count() == 1
        assert len(posts_to(remote, "/users/alice/inbox")) == 2
        # The cached key served the second request: one fetch only.
        assert len([r for r, _ in remote.log if r.method == "GET"]) == 1

        undo = {"id": f"{alice}#undo/1", "type": "Undo", "actor": alice, "object": follow}
        response = signed_post(client, "/federation/inbox", undo, remote_key, key_id)
        assert response.status_code == 202
        assert Follower.objects.count() == 0

    def test_a_rotated_key_is_fetched_again_once(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        old = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
        old_pem = old.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        RemoteActor.objects.create(
            actor_id=alice,
            inbox=f"{alice}/inbox",
            key_id=f"{alice}#main-key",
            public_key_pem=old_pem,
            fetched_at=timezone.now() - timedelta(minutes=5),
        )
        response = signed_post(
            client, "/federation/inbox", follow_of(alice), remote_key, f"{alice}#main-key"
        )
        assert response.status_code == 202
        assert RemoteActor.objects.get().public_key_pem != old_pem
        assert len([r for r, _ in remote.log if r.method == "GET"]) == 1

    def test_failing_signatures_refetch_a_cached_key_at_most_once_a_minute(
        self, client, remote, remote_key
    ):
        alice = remote.url_for("/users/alice")
        stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        RemoteActor.objects.create(
            actor_id=alice,
            inbox=f"{alice}/inbox",
            key_id=f"{alice}#main-key",
            public_key_pem=remote_key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode(),
            fetched_at=timezone.now() - timedelta(minutes=5),
        )
        for _ in range(5):
            response = signed_post(
                client, "/federation/inbox", follow_of(alice), stranger, f"{alice}#main-key"
            )
            assert response.status_code == 401
        # The first failure fetched the document again; the next four did not.
        assert len([r for r, _ in remote.log if r.method == "GET"]) == 1
        assert Follower.objects.count() == 0
        # The real key still works at once (the cache holds it).
        response = signed_post(
            client, "/federation/inbox", follow_of(alice), remote_key, f"{alice}#main-key"
        )
        assert response.status_code == 202

    def test_an_actor_inbox_takes_follows_of_that_actor_only(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        section = SectionFactory(slug="science")
        response = signed_post(
            client,
            f"/federation/actors/sections/{section.slug}/inbox",
            follow_of(alice),
            remote_key,
            f"{alice}#main-key",
        )
        assert (response.status_code, response.json()) == (
            400,
            {"error": "the object is not this inbox's actor"},
        )
        assert Follower.objects.count() == 0

    def test_follow_of_an_unknown_actor_is_404(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        follow = follow_of(alice, f"{SITE}/federation/actors/sections/nope")
        response = signed_post(client, "/federation/inbox", follow, remote_key, f"{alice}#main-key")
        assert response.status_code == 404
        assert Follower.objects.count() == 0

    def test_other_activities_are_accepted_and_dropped(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        like = {"type": "Like", "actor": alice, "object": f"{SITE}/federation/objects/articles/1"}
        response = signed_post(client, "/federation/inbox", like, remote_key, f"{alice}#main-key")
        assert response.status_code == 202
        assert Follower.objects.count() == 0


class RefusalTests:
    def test_a_bad_signature_is_401_and_nothing_stored(self, client, remote):
        alice = remote.url_for("/users/alice")
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        response = signed_post(
            client, "/federation/inbox", follow_of(alice), other, f"{alice}#main-key"
        )
        assert response.status_code == 401
        assert response.json() == {"error": "bad_signature"}
        assert Follower.objects.count() == 0
        assert RemoteActor.objects.count() == 0

    def test_a_wrong_digest_is_401(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        response = signed_post(
            client,
            "/federation/inbox",
            follow_of(alice),
            remote_key,
            f"{alice}#main-key",
            digest_of=b"{}",
        )
        assert response.status_code == 401
        assert response.json() == {"error": "digest_mismatch"}
        assert Follower.objects.count() == 0

    def test_a_date_13_hours_old_is_401(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        old = email.utils.format_datetime(datetime.now(UTC) - timedelta(hours=13), usegmt=True)
        response = signed_post(
            client, "/federation/inbox", follow_of(alice), remote_key, f"{alice}#main-key", date=old
        )
        assert response.status_code == 401
        assert response.json() == {"error": "stale_date"}
        assert Follower.objects.count() == 0

    def test_the_key_owner_must_be_the_actor(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        follow = follow_of(remote.url_for("/users/mallory"))
        response = signed_post(client, "/federation/inbox", follow, remote_key, f"{alice}#main-key")
        assert response.status_code == 401
        assert response.json() == {"error": "key_owner_mismatch"}
        assert Follower.objects.count() == 0
        assert RemoteActor.objects.count() == 0

    def test_a_loopback_key_id_is_not_fetched_without_the_setting(
        self, client, remote, remote_key, settings
    ):
        settings.FEDERATION_ALLOW_PRIVATE_TARGETS = False
        alice = remote.url_for("/users/alice")
        response = signed_post(
            client, "/federation/inbox", follow_of(alice), remote_key, f"{alice}#main-key"
        )
        assert response.status_code == 401
        assert response.json() == {"error": "unknown_key"}
        assert remote.log == []
        assert Follower.objects.count() == 0

    def test_too_large_and_not_json(self, client):
        big = b"{" + b" " * (256 * 1024) + b"}"
        response = client.post("/federation/inbox", big, content_type="application/activity+json")
        assert response.status_code == 413
        response = client.post("/federation/inbox", b"<xml/>", content_type="text/xml")
        assert response.status_code == 400
        response = client.post("/federation/inbox", b"{nope", content_type="application/json")
        assert (response.status_code, response.json()) == (
            400,
            {"error": "the body is not valid JSON"},
        )
        deep = b"[" * 100_000 + b"]" * 100_000
        response = client.post("/federation/inbox", deep, content_type="application/json")
        assert response.status_code == 400
        nested = 1
        for _ in range(20):  # 21 levels with the activity itself; 16 are allowed
            nested = [nested]
        nested = json.dumps({"type": "Follow", "object": nested})
        response = client.post("/federation/inbox", nested, content_type="application/json")
        assert (response.status_code, response.json()) == (
            400,
            {"error": "the activity nests too deeply"},
        )

    def test_200_malformed_activities_give_no_500_and_store_nothing(
        self, client, remote, remote_key, django_capture_on_commit_callbacks
    ):
        alice = remote.url_for("/users/alice")
        key_id = f"{alice}#main-key"
        rng = random.Random(14)
        deep = 1
        for _ in range(40):
            deep = [deep]
        values = [
            None, 5, -1.5, True, "", "x" * 100_000, "not a url", [], {}, [1, 2], deep,
            {"id": 7}, {"type": "Follow", "object": 5}, {"type": "Follow", "actor": alice},
            f"{SITE_ACTOR}?x=1", f"{SITE_ACTOR}#frag", "https://elsewhere.example/actor",
            f"{SITE}/federation/actors/instance", f"{SITE}/federation/actors/authors/nobody",
            alice, {"id": alice},
        ]  # fmt: skip
        types = ["Follow", "Undo", "Like", 5, None, [], {"a": 1}, "F" * 50_000]
        statuses = set()
        for n in range(200):
            if n % 10 == 0:  # not an object at all
                body = rng.choice([b"[1]", b"5", b"null", b'"s"', b"\xff\xfe", b"{", b"[" * 5000])
                response = signed_post(
                    client, "/federation/inbox", None, remote_key, key_id, body=body
                )
            else:
                activity = {}
                for field, choices in [("type", types), ("actor", values), ("object", values)]:
                    if rng.random() < 0.85:
                        activity[field] = rng.choice(choices)
                with django_capture_on_commit_callbacks(execute=True):
                    response = signed_post(
                        client, "/federation/inbox", activity, remote_key, key_id
                    )
            assert response.status_code in {202, 400, 401, 404}, (n, response.content[:200])
            statuses.add(response.status_code)
        assert {202, 400, 401} <= statuses  # each kind of refusal was reached
        assert Follower.objects.count() == 0
        assert posts_to(remote, "/users/alice/inbox") == []


class InstanceActorAndDeliveryTests:
    def test_the_instance_actor_is_an_application_with_a_key(self, client):
        doc = client.get("/federation/actors/instance").json()
        me = f"{SITE}/federation/actors/instance"
        assert (doc["id"], doc["type"]) == (me, "Application")
        assert doc["inbox"] == f"{SITE}/federation/inbox"
        assert doc["publicKey"]["id"] == f"{me}#main-key"
        assert doc["publicKey"]["owner"] == me
        assert doc["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")

    def test_an_accept_goes_through_the_outbox_retried_on_500_given_up_on_400(
        self, httpserver_ipv4, settings
    ):
        """The Accept is a Delivery row (no article) like every outbound activity: a 500 is
        tried again when its time comes, a 400 is failed for good, and without the setting a
        loopback inbox is refused (and retried later, not sent)."""
        settings.FEDERATION_ALLOW_PRIVATE_TARGETS = True
        settings.FEDERATION_RETRY_SCHEDULE = [3600, 3600]
        actor = actor_key(kind="site", object_id=0)
        httpserver_ipv4.expect_oneshot_request("/down").respond_with_data("", status=500)
        httpserver_ipv4.expect_request("/down").respond_with_data("", status=202)
        httpserver_ipv4.expect_request("/gone").respond_with_data("", status=400)

        def accept(n):
            return {"id": f"{SITE_ACTOR}#accepts/{n}", "type": "Accept", "object": "x"}

        down = httpserver_ipv4.url_for("/down")
        pk = send_activity_task.call_local(actor.pk, SITE_ACTOR, down, accept(1))
        row = Delivery.objects.get(pk=pk)
        assert (row.state, row.last_status, row.attempts, row.article_id) == (
            "pending", 500, 1, None,
        )  # fmt: skip
        assert deliver_until_done() == 0  # not due for an hour
        Delivery.objects.filter(pk=pk).update(next_attempt_at=timezone.now())
        assert deliver_until_done() == 1
        row.refresh_from_db()
        assert (row.state, row.last_status, row.attempts) == ("delivered", 202, 2)
        sent = json.loads(posts_to(httpserver_ipv4, "/down")[-1].get_data())
        assert sent == {**accept(1), "actor": SITE_ACTOR}

        gone = httpserver_ipv4.url_for("/gone")
        pk = send_activity_task.call_local(actor.pk, SITE_ACTOR, gone, accept(2))
        row = Delivery.objects.get(pk=pk)
        assert (row.state, row.last_status, row.next_attempt_at) == ("failed", 400, None)

        settings.FEDERATION_ALLOW_PRIVATE_TARGETS = False
        pk = send_activity_task.call_local(actor.pk, SITE_ACTOR, gone, accept(3))
        row = Delivery.objects.get(pk=pk)
        assert row.state == "pending" and "only https" in row.last_error
        assert len(httpserver_ipv4.log) == 3

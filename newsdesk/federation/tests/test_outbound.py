"""Publishing reaches followers: the editorial and report actions' events become signed
deliveries to a fake remote server (pytest-httpserver on 127.0.0.1), checked there by hand
(the signing string written out, not newsdesk's code), one activity per inbox."""

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.actions import save_article
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.editorial.actions import publish_article, unpublish_article
from newsdesk.federation.actions import actor_key, opt_in_author
from newsdesk.federation.delivery import deliver_until_done
from newsdesk.federation.models import Actor, Delivery, Follower
from newsdesk.federation.tests.fake_remote import SITE, SITE_ACTOR, posts_to, verify_by_hand
from newsdesk.reports import actions as reports
from newsdesk.reports.tests.helpers import COPYRIGHT

pytestmark = pytest.mark.django_db
AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def server(remote, settings):
    """The fake remote with a shared inbox (/inbox) taking everything, and one for a second
    server on the same port (/b/inbox)."""
    settings.FEDERATION_RETRY_SCHEDULE = [3600, 3600, 3600]
    for path in ("/inbox", "/b/inbox", "/users/carol/inbox"):
        remote.expect_request(path, method="POST").respond_with_data("", status=202)
    return remote


def follow(server, local: Actor, name: str, *, shared: str | None = "/inbox") -> Follower:
    actor = server.url_for(f"/users/{name}")
    return Follower.objects.create(
        actor=local,
        remote_actor_id=actor,
        inbox=f"{actor}/inbox",
        shared_inbox=server.url_for(shared) if shared else "",
    )


def site() -> Actor:
    return actor_key(kind="site", object_id=0)


def draft(**fields):
    return article(published=False, **fields)


def publish(story, capture):
    with capture(execute=True):
        return publish_article(article=story, by=UserFactory(editor=True))


def bodies(server, path):
    return [json.loads(r.get_data()) for r in posts_to(server, path)]


def verify(client, request) -> str:
    """Checks the request's draft-cavage signature against the key its keyId's actor document
    publishes (as a remote server would), by hand; returns the actor."""
    params = dict(part.split("=", 1) for part in request.headers["Signature"].split(","))
    params = {k: v.strip('"') for k, v in params.items()}
    assert params["algorithm"] == "rsa-sha256"
    assert params["headers"] == "(request-target) host date digest"
    actor, _hash, fragment = params["keyId"].partition("#")
    assert fragment == "main-key"
    digest = "SHA-256=" + base64.b64encode(hashlib.sha256(request.get_data()).digest()).decode()
    assert request.headers["Digest"] == digest
    string = (
        f"(request-target): post {request.path}\n"
        f"host: {request.headers['Host']}\n"
        f"date: {request.headers['Date']}\n"
        f"digest: {digest}"
    )
    pem = client.get(actor.removeprefix(SITE)).json()["publicKey"]["publicKeyPem"]
    key = serialization.load_pem_public_key(pem.encode())
    key.verify(
        base64.b64decode(params["signature"]), string.encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    assert json.loads(request.get_data())["actor"] == actor
    return actor


class PublishTests:
    def test_one_create_per_inbox_from_the_author_and_an_announce_per_followed_group(
        self, client, server, django_capture_on_commit_callbacks
    ):
        """Two people on one server follow the site, one there follows the author; a
        follower without a shared inbox follows the section; another server follows the
        author. Each inbox gets one Create signed by the author, plus an Announce from each
        group followed there."""
        section = SectionFactory(slug="politik", name="Politik")
        author = UserFactory(display_name="Anna Becker")
        article(author=author, slug="frueher")  # a public page: the author has an actor
        opt_in_author(author=author)
        person = actor_key(kind="author", object_id=author.pk)
        group = actor_key(kind="section", object_id=section.pk)
        follow(server, site(), "alice")
        follow(server, site(), "bob")
        follow(server, person, "erin")
        follow(server, group, "carol", shared=None)
        follow(server, person, "dave", shared="/b/inbox")
        story = draft(
            author=author,
            section=section,
            slug="haushalt",
            title="Der Rat beschließt den Haushalt",
            lead="Nach langer Debatte: Schulen bekommen mehr Geld & neue Rechner.",
            tags=[TagFactory(name="Stadt Rat", slug="stadt-rat")],
        )
        publish(story, django_capture_on_commit_callbacks)

        me = f"{SITE}/federation/actors/authors/{author.slug}"
        object_id = f"{SITE}/federation/objects/articles/{story.pk}"
        for path, announcer in [
            ("/inbox", SITE_ACTOR),
            ("/users/carol/inbox", f"{SITE}/federation/actors/sections/politik"),
            ("/b/inbox", None),
        ]:
            requests = posts_to(server, path)
            kinds = sorted(json.loads(r.get_data())["type"] for r in requests)
            assert kinds == (["Announce", "Create"] if announcer else ["Create"]), path
            for request in requests:
                signer = verify(client, request)
                body = json.loads(request.get_data())
                assert signer == (me if body["type"] == "Create" else announcer)
                if body["type"] == "Announce":
                    assert body["object"] == object_id
                    assert body["to"] == [AS_PUBLIC] and body["cc"] == [f"{announcer}/followers"]
        creates = [b for b in bodies(server, "/inbox") if b["type"] == "Create"]
        (create,) = creates
        assert len({b["id"] for b in bodies(server, "/b/inbox")} | {create["id"]}) == 1
        obj = create["object"]
        story.refresh_from_db()
        assert obj["id"] == object_id and obj["type"] == "Article"
        assert obj["name"] == "Der Rat beschließt den Haushalt"
        assert obj["nameMap"] == {"de": "Der Rat beschließt den Haushalt"}
        assert obj["summary"] == (
            "Nach langer Debatte: Schulen bekommen mehr Geld &amp; neue Rechner."
        )
        assert obj["contentMap"] == {"de": story.body_html}
        assert obj["url"] == f"{SITE}/de/articles/haushalt/"
        assert obj["attributedTo"] == me
        assert obj["sensitive"] is False
        assert obj["tag"] == [
            {"type": "Hashtag", "href": f"{SITE}/en/tags/stadt-rat/", "name": "#StadtRat"}
        ]
        image = obj["image"]
        assert image["type"] == "Image" and image["name"] == story.cover.alt != ""
        assert image["url"].startswith(f"{SITE}/") and "/covers/" in image["url"]
        assert client.get(image["url"].removeprefix(SITE)).status_code != 403
        preview = obj["preview"]
        assert preview["type"] == "Note"
        assert "Schulen bekommen mehr Geld &amp; neue Rechner." in preview["content"]
        assert f'href="{SITE}/de/articles/haushalt/"' in preview["content"]
        assert create["actor"] == me and create["to"] == [AS_PUBLIC]
        # The object the Create carries is the one its id answers with.
        fetched = client.get(f"/federation/objects/articles/{story.pk}").json()
        assert {k: v for k, v in fetched.items() if k != "@context"} == obj
        assert Delivery.objects.filter(state="delivered").count() == 5
        assert not Delivery.objects.exclude(state="delivered").exists()

    def test_two_followers_on_one_server_get_one_create_from_the_site(
        self, server, django_capture_on_commit_callbacks
    ):
        """An author who did not opt in: the site sends, once per shared inbox, and no
        Announce of its own Create."""
        follow(server, site(), "alice")
        follow(server, site(), "bob")
        publish(draft(), django_capture_on_commit_callbacks)
        (request,) = posts_to(server, "/inbox")
        verify_by_hand(request, site().public_key_pem)
        assert json.loads(request.get_data())["type"] == "Create"
        assert posts_to(server, "/users/alice/inbox") == []

    def test_a_translation_sends_its_own_create(self, server, django_capture_on_commit_callbacks):
        follow(server, site(), "alice")
        original = article(slug="haushalt")
        english = draft(
            slug="budget", language="en", title="The council passes the budget", lead="Done."
        )
        english.translation_of = original
        english.save(update_fields=["translation_of"])
        publish(english, django_capture_on_commit_callbacks)
        (create,) = bodies(server, "/inbox")
        assert create["object"]["id"].endswith(f"/articles/{english.pk}")
        assert create["object"]["nameMap"] == {"en": "The council passes the budget"}

    def test_nothing_is_written_or_sent_while_federation_is_off(
        self, server, settings, django_capture_on_commit_callbacks
    ):
        follow(server, site(), "alice")
        settings.FEDERATION_ENABLED = False
        publish(draft(), django_capture_on_commit_callbacks)
        assert Delivery.objects.count() == 0
        assert posts_to(server, "/inbox") == []

    def test_nobody_following_writes_nothing(self, django_capture_on_commit_callbacks):
        publish(draft(), django_capture_on_commit_callbacks)
        assert Delivery.objects.count() == 0
        assert Actor.objects.count() == 0  # no key made for nobody


class ChangeTests:
    def test_an_edit_sends_an_update_with_a_new_id_each_time(
        self, server, django_capture_on_commit_callbacks
    ):
        follow(server, site(), "alice")
        story = article(slug="haushalt")
        for title in ["Neuer Titel", "Noch ein Titel"]:
            with django_capture_on_commit_callbacks(execute=True):
                save_article(
                    author=story.author,
                    editor=story.author,
                    article=story,
                    title=title,
                    lead=story.lead,
                    body=story.body,
                    language="de",
                    section=story.section,
                )
        updates = bodies(server, "/inbox")
        assert [u["type"] for u in updates] == ["Update", "Update"]
        assert [u["object"]["name"] for u in updates] == ["Neuer Titel", "Noch ein Titel"]
        assert updates[0]["id"] != updates[1]["id"]
        assert all("#updates/" in u["id"] for u in updates)
        for request in posts_to(server, "/inbox"):
            verify_by_hand(request, site().public_key_pem)

    def test_unpublishing_sends_a_delete_and_the_object_answers_410(
        self, client, server, django_capture_on_commit_callbacks
    ):
        follow(server, site(), "alice")
        story = article(slug="haushalt")
        with django_capture_on_commit_callbacks(execute=True):
            unpublish_article(article=story, by=UserFactory(editor=True))
        (delete,) = bodies(server, "/inbox")
        object_id = f"{SITE}/federation/objects/articles/{story.pk}"
        assert delete["type"] == "Delete" and delete["actor"] == SITE_ACTOR
        tombstone = delete["object"]
        assert tombstone.pop("deleted").endswith("Z")
        assert tombstone == {"id": object_id, "type": "Tombstone", "formerType": "Article"}
        verify_by_hand(posts_to(server, "/inbox")[0], site().public_key_pem)
        response = client.get(f"/federation/objects/articles/{story.pk}")
        assert response.status_code == 410
        assert response["Content-Type"] == "application/activity+json"
        assert response.json()["type"] == "Tombstone"

    def test_a_takedown_sends_a_delete_and_the_object_answers_451(
        self, client, server, django_capture_on_commit_callbacks
    ):
        follow(server, site(), "alice")
        story = article(slug="haushalt")
        fields = {**COPYRIGHT, "good_faith": True, "accurate": True}
        report, _token = reports.file_report(
            article=story, ground="copyright", fields=fields, language="de"
        )
        with django_capture_on_commit_callbacks(execute=True):
            reports.take_down(report=report, editor=UserFactory(editor=True))
        (delete,) = bodies(server, "/inbox")
        assert delete["type"] == "Delete" and delete["object"]["type"] == "Tombstone"
        response = client.get(f"/federation/objects/articles/{story.pk}")
        assert response.status_code == 451
        assert response.json()["formerType"] == "Article"

    def test_a_draft_never_public_stays_404(self, client):
        """No Tombstone for what was never public: a draft, an unknown id."""
        story = draft()
        assert client.get(f"/federation/objects/articles/{story.pk}").status_code == 404
        assert client.get("/federation/objects/articles/999999").status_code == 404


class DeliveryOutcomeTests:
    def test_a_500_is_retried_with_the_same_bytes_and_delivered_once(
        self, remote, settings, django_capture_on_commit_callbacks
    ):
        settings.FEDERATION_RETRY_SCHEDULE = [3600]
        remote.expect_oneshot_request("/inbox", method="POST").respond_with_data("", status=500)
        remote.expect_request("/inbox", method="POST").respond_with_data("", status=202)
        follow(remote, site(), "alice")
        publish(draft(), django_capture_on_commit_callbacks)
        row = Delivery.objects.get()
        assert (row.state, row.last_status, row.attempts) == ("pending", 500, 1)
        assert deliver_until_done() == 0  # not due yet
        Delivery.objects.update(next_attempt_at=timezone.now())
        assert deliver_until_done() == 1
        assert deliver_until_done() == 0
        row.refresh_from_db()
        assert (row.state, row.last_status, row.attempts) == ("delivered", 202, 2)
        first, second = posts_to(remote, "/inbox")
        assert first.get_data() == second.get_data() == row.body.encode()

    def test_410_gone_drops_the_followers_on_that_inbox(
        self, server, django_capture_on_commit_callbacks
    ):
        server.clear_all_handlers()
        server.expect_request("/inbox", method="POST").respond_with_data("", status=410)
        server.expect_request("/b/inbox", method="POST").respond_with_data("", status=202)
        follow(server, site(), "alice")
        follow(server, site(), "bob", shared=None)  # its own inbox on that server: kept
        follow(server, site(), "dave", shared="/b/inbox")
        Follower.objects.filter(remote_actor_id__endswith="/bob").update(
            inbox=server.url_for("/inbox")
        )
        follow(server, site(), "erin", shared="/b/inbox")
        publish(draft(), django_capture_on_commit_callbacks)
        assert sorted(f.remote_actor_id.rsplit("/", 1)[1] for f in Follower.objects.all()) == [
            "dave", "erin",
        ]  # fmt: skip
        states = dict(Delivery.objects.values_list("inbox", "state"))
        assert states == {
            server.url_for("/inbox"): "failed",
            server.url_for("/b/inbox"): "delivered",
        }

    def test_a_4xx_fails_and_is_not_retried(self, server, django_capture_on_commit_callbacks):
        server.clear_all_handlers()
        server.expect_request("/inbox", method="POST").respond_with_data("", status=403)
        follow(server, site(), "alice")
        publish(draft(), django_capture_on_commit_callbacks)
        row = Delivery.objects.get()
        assert (row.state, row.last_status, row.next_attempt_at) == ("failed", 403, None)
        Delivery.objects.update(next_attempt_at=timezone.now())
        assert deliver_until_done() == 0
        assert len(posts_to(server, "/inbox")) == 1
        assert Follower.objects.count() == 1

    def test_a_private_address_is_refused_without_the_setting(
        self, server, settings, django_capture_on_commit_callbacks
    ):
        settings.FEDERATION_ALLOW_PRIVATE_TARGETS = False
        port = server.port
        Follower.objects.create(
            actor=site(),
            remote_actor_id="https://mallory.example/users/m",
            inbox=f"https://127.0.0.1:{port}/inbox",
        )
        follow(server, site(), "alice")  # plain http to loopback
        publish(draft(), django_capture_on_commit_callbacks)
        errors = sorted(Delivery.objects.values_list("state", "last_error"))
        assert [state for state, _error in errors] == ["pending", "pending"]
        assert any("loopback" in error for _state, error in errors), errors
        assert any("only https" in error for _state, error in errors), errors
        assert [r for r, _ in server.log if r.method == "POST"] == []

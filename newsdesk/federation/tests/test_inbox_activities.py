"""The inbox acting on Like, Announce, Create/Update/Delete{Note}, Delete of an actor and Flag,
through the real view, signed by the fake remote server's alice."""

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

from newsdesk.articles.tests.factories import article as make_article
from newsdesk.federation.models import Follower, Reaction, RemoteActor, Reply
from newsdesk.federation.tests.fake_remote import SITE, follow_of, signed_post
from newsdesk.reports.models import Report

pytestmark = pytest.mark.django_db
INBOX = "/federation/inbox"


def post(client, remote, key, activity):
    alice = remote.url_for("/users/alice")
    return signed_post(client, INBOX, activity, key, f"{alice}#main-key")


def object_url(article):
    return f"{SITE}/federation/objects/articles/{article.pk}"


def note(alice, article, content="<p>Good piece</p>", n=1):
    return {
        "id": f"{alice}/statuses/{n}",
        "type": "Note",
        "attributedTo": alice,
        "inReplyTo": object_url(article),
        "contentMap": {"en": content},
        "url": f"{alice}/@alice/{n}",
        "published": "2026-12-05T10:00:00Z",
    }


class ReactionTests:
    def test_like_and_announce_are_stored_once_and_undone(self, client, remote, remote_key):
        """A Like counts once however often it comes; Undo by object or by id removes it."""
        alice = remote.url_for("/users/alice")
        art = make_article()
        like = {"id": f"{alice}#likes/1", "type": "Like", "actor": alice, "object": object_url(art)}
        for _ in range(2):
            assert post(client, remote, remote_key, like).status_code == 202
        page = f"{SITE}{art.get_absolute_url()}"
        boost = {"id": f"{alice}#boosts/1", "type": "Announce", "actor": alice, "object": page}
        assert post(client, remote, remote_key, boost).status_code == 202
        assert sorted(Reaction.objects.values_list("kind", flat=True)) == ["announce", "like"]
        undo = {"type": "Undo", "actor": alice, "object": like}
        assert post(client, remote, remote_key, undo).status_code == 202
        assert list(Reaction.objects.values_list("kind", flat=True)) == ["announce"]
        undo_by_id = {"type": "Undo", "actor": alice, "object": boost["id"]}
        assert post(client, remote, remote_key, undo_by_id).status_code == 202
        assert Reaction.objects.count() == 0

    def test_unknown_or_hidden_objects_store_nothing(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        draft = make_article(published=False)
        for target in [object_url(draft), f"{SITE}/federation/objects/articles/999999",
                       "https://elsewhere.example/notes/1"]:  # fmt: skip
            like = {"type": "Like", "actor": alice, "object": target}
            assert post(client, remote, remote_key, like).status_code == 202
        assert Reaction.objects.count() == 0

    def test_an_undo_of_someone_elses_like_is_refused(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        art = make_article()
        Reaction.objects.create(article=art, kind="like", remote_actor_id="https://b.example/u")
        like = {"type": "Like", "actor": "https://b.example/u", "object": object_url(art)}
        response = post(
            client, remote, remote_key, {"type": "Undo", "actor": alice, "object": like}
        )
        assert response.status_code == 400
        assert response.json() == {"error": "the activity undone is not the actor's own"}
        assert Reaction.objects.count() == 1


class ReplyTests:
    def test_a_reply_is_stored_pending_and_sanitised(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        art = make_article()
        evil = (
            '<p>Hi <a href="javascript:alert(1)">x</a> <a href="https://ok.example/">ok</a>'
            '<script>alert(2)</script><img src=x onerror="alert(3)"><b onclick="y">z</b></p>'
        )
        create = {"type": "Create", "actor": alice, "object": note(alice, art, evil)}
        for _ in range(2):
            assert post(client, remote, remote_key, create).status_code == 202
        reply = Reply.objects.get()
        assert reply.state == Reply.State.PENDING
        assert reply.article == art
        assert (reply.language, reply.author_handle) == (
            "en",
            f"@alice@{remote.host}:{remote.port}",
        )
        html = reply.content_html
        for bad in ("script", "onerror", "javascript:", "onclick", "<img", "alert(2)"):
            assert bad not in html
        assert '<a href="https://ok.example/" rel="nofollow noopener ugc">ok</a>' in html

    def test_update_and_delete_by_the_author(self, client, remote, remote_key):
        """An edit sends an approved reply back to pending; a Delete (Tombstone) removes it."""
        alice = remote.url_for("/users/alice")
        art = make_article()
        the_note = note(alice, art)
        post(client, remote, remote_key, {"type": "Create", "actor": alice, "object": the_note})
        Reply.objects.update(state=Reply.State.APPROVED, decided_at=timezone.now())
        edited = the_note | {"contentMap": {"en": "<p>Edited</p>"}}
        response = post(
            client, remote, remote_key, {"type": "Update", "actor": alice, "object": edited}
        )
        assert response.status_code == 202
        reply = Reply.objects.get()
        assert (reply.content_html, reply.state) == ("<p>Edited</p>", Reply.State.PENDING)
        tomb = {"id": the_note["id"], "type": "Tombstone"}
        response = post(
            client, remote, remote_key, {"type": "Delete", "actor": alice, "object": tomb}
        )
        assert response.status_code == 202
        assert Reply.objects.count() == 0

    def test_a_note_of_another_author_or_too_long_is_refused(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        art = make_article()
        forged = note(alice, art) | {"attributedTo": "https://b.example/u"}
        response = post(
            client, remote, remote_key, {"type": "Create", "actor": alice, "object": forged}
        )
        assert (response.status_code, response.json()) == (
            400, {"error": "the Note is not the actor's own"},
        )  # fmt: skip
        long = note(alice, art, "<p>" + "a" * 20_001 + "</p>")
        response = post(
            client, remote, remote_key, {"type": "Create", "actor": alice, "object": long}
        )
        assert response.status_code == 413
        assert Reply.objects.count() == 0

    def test_nothing_is_stored_on_a_bad_signature(self, client, remote):
        alice = remote.url_for("/users/alice")
        art = make_article()
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        create = {"type": "Create", "actor": alice, "object": note(alice, art)}
        response = signed_post(client, INBOX, create, other, f"{alice}#main-key")
        assert (response.status_code, response.json()) == (401, {"error": "bad_signature"})
        assert Reply.objects.count() == RemoteActor.objects.count() == 0


class ActorDeleteTests:
    def test_a_deleted_account_takes_its_rows_with_it(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        art = make_article()
        post(client, remote, remote_key, follow_of(alice))
        post(
            client, remote, remote_key, {"type": "Like", "actor": alice, "object": object_url(art)}
        )
        post(
            client,
            remote,
            remote_key,
            {"type": "Create", "actor": alice, "object": note(alice, art)},
        )
        assert Follower.objects.count() == Reaction.objects.count() == Reply.objects.count() == 1
        gets = len([r for r, _ in remote.log if r.method == "GET"])
        response = post(
            client, remote, remote_key, {"type": "Delete", "actor": alice, "object": alice}
        )
        assert response.status_code == 202
        assert Follower.objects.count() == Reaction.objects.count() == Reply.objects.count() == 0
        assert RemoteActor.objects.count() == 0
        assert len([r for r, _ in remote.log if r.method == "GET"]) == gets  # the cache served

    def test_an_unknown_deleted_account_is_not_fetched(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        response = post(
            client, remote, remote_key, {"type": "Delete", "actor": alice, "object": alice}
        )
        assert response.status_code == 202
        assert remote.log == []
        assert RemoteActor.objects.count() == 0


class FlagTests:
    def test_a_flag_files_one_report(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        art = make_article()
        flag = {
            "id": f"{alice}#flags/1",
            "type": "Flag",
            "actor": alice,
            "content": "This is spam",
            "object": ["https://elsewhere.example/users/x", object_url(art)],
        }
        for _ in range(2):
            assert post(client, remote, remote_key, flag).status_code == 202
        report = Report.objects.get()
        assert (report.article, report.source, report.ground) == (art, "fediverse", "spam")
        assert (report.explanation, report.reporter_name) == ("This is spam", alice)

    def test_a_flag_of_nothing_of_ours_is_dropped(self, client, remote, remote_key):
        alice = remote.url_for("/users/alice")
        flag = {"id": f"{alice}#f/2", "type": "Flag", "actor": alice, "object": [alice]}
        assert post(client, remote, remote_key, flag).status_code == 202
        assert Report.objects.count() == 0

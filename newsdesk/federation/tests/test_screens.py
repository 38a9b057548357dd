"""The Fediverse pages through the test client: the editors' page (follower counts, reactions,
the replies queue with approve/reject), approved replies under the article (also when the page
was cached before the decision), and the author's opt-in page."""

import pytest

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import article
from newsdesk.core.tests.test_page_cache import wsgi_get
from newsdesk.federation.actions import actor_key
from newsdesk.federation.models import AuthorOptIn, Follower, Reaction, Reply
from newsdesk.federation.sanitise import reply_html
from newsdesk.federation.tests.fake_remote import SITE, signed_post

pytestmark = pytest.mark.django_db

DESK = "/en/fediverse/"
ME = "/en/fediverse/me/"


def reply_to(a, text, *, n=1, state=Reply.State.PENDING):
    return Reply.objects.create(
        article=a,
        object_id=f"https://social.example/notes/{n}",
        remote_actor_id="https://social.example/users/bea",
        author_name="Bea <b>Remote</b>",
        author_handle="@bea@social.example",
        author_url="https://social.example/@bea",
        content_html=reply_html(text),
        state=state,
    )


def follow(local_kind, object_id, n):
    Follower.objects.create(
        actor=actor_key(kind=local_kind, object_id=object_id),
        remote_actor_id=f"https://social.example/users/u{n}",
        inbox=f"https://social.example/users/u{n}/inbox",
        shared_inbox="https://social.example/inbox",
    )


class DeskTests:
    @pytest.mark.parametrize(
        ("role", "status"), [(None, 302), ("contributor", 404), ("editor", 200), ("admin", 200)]
    )
    def test_only_editors_and_admins_see_it(self, client, role, status):
        if role:
            traits = {} if role == "contributor" else {role: True}
            client.force_login(UserFactory(**traits))
        assert client.get(DESK).status_code == status

    def test_counts_and_the_queue(self, client):
        a = article(slug="stadtrat", title="Der Stadtrat tagt")
        for n in range(3):
            follow("site", 0, n)
        follow("section", a.section_id, 9)
        Reaction.objects.create(article=a, kind="like", remote_actor_id="https://x.example/a")
        Reaction.objects.create(article=a, kind="like", remote_actor_id="https://x.example/b")
        Reaction.objects.create(article=a, kind="announce", remote_actor_id="https://x.example/a")
        reply_to(a, "<p>Gut <script>alert(1)</script>geschrieben</p>")
        client.force_login(UserFactory(editor=True))
        response = client.get(DESK)
        html = response.content.decode()
        assert (
            response["Cache-Control"].startswith("max-age=0")
            or "no-cache" in response["Cache-Control"]
        )
        assert "<code>@newsroom@127.0.0.1</code></td>\n  <td>3</td>" in html
        assert f"<code>@{a.section.slug}@127.0.0.1</code></td>\n  <td>1</td>" in html
        assert "Der Stadtrat tagt</a></td>\n  <td>2</td>\n  <td>1</td>" in html
        assert "<p>Gut geschrieben</p>" in html
        assert "<script>alert" not in html
        assert "Bea &lt;b&gt;Remote&lt;/b&gt;" in html


class DecisionTests:
    @pytest.mark.django_db(transaction=True)
    def test_approve_shows_the_reply_under_the_article_even_if_it_was_cached(self, client):
        a = article(slug="stadtrat")
        text = '<p>Danke! <img src=x onerror="alert(1)"><a href="javascript:x">x</a></p>'
        reply = reply_to(a, text)
        page = a.get_absolute_url()
        # Through the real WSGI app with its front cache: stored, then answered from the store.
        assert wsgi_get(page)[1]["X-Page-Cache"] == "miss"
        _status, headers, html = wsgi_get(page)
        assert headers["X-Page-Cache"] == "hit" and "Danke!" not in html

        editor = UserFactory(editor=True)
        client.force_login(editor)
        response = client.post(f"/en/fediverse/replies/{reply.pk}/approve/")
        assert response.status_code == 302
        reply.refresh_from_db()
        assert (reply.state, reply.decided_by) == (Reply.State.APPROVED, editor)

        _status, headers, html = wsgi_get(page)
        assert headers["X-Page-Cache"] == "miss"
        shown = html[html.index('<section class="fediverse"') :]
        shown = shown[: shown.index("</section>")]
        assert "Danke!" in shown
        assert 'href="https://social.example/@bea" rel="nofollow ugc noopener"' in shown
        assert "onerror" not in html and "javascript:" not in html and "<img" not in shown

    def test_reject_keeps_it_off_the_page(self, client):
        a = article(slug="stadtrat")
        reply = reply_to(a, "<p>Werbung hier</p>")
        client.force_login(UserFactory(editor=True))
        assert client.post(f"/en/fediverse/replies/{reply.pk}/reject/").status_code == 302
        reply.refresh_from_db()
        assert reply.state == Reply.State.REJECTED
        client.logout()
        assert "Werbung hier" not in client.get(a.get_absolute_url()).content.decode()
        # A decided reply cannot be decided again; an unknown decision is 404.
        client.force_login(UserFactory(editor=True))
        assert client.post(f"/en/fediverse/replies/{reply.pk}/approve/").status_code == 404
        other = reply_to(a, "<p>Noch einer</p>", n=2)
        assert client.post(f"/en/fediverse/replies/{other.pk}/publish/").status_code == 404
        assert client.get(f"/en/fediverse/replies/{other.pk}/approve/").status_code == 405

    def test_a_contributor_cannot_decide(self, client):
        reply = reply_to(article(slug="stadtrat"), "<p>Hallo</p>")
        client.force_login(UserFactory())
        assert client.post(f"/en/fediverse/replies/{reply.pk}/approve/").status_code == 404
        reply.refresh_from_db()
        assert reply.state == Reply.State.PENDING

    def test_counts_are_shown_under_the_article(self, client):
        a = article(slug="stadtrat")
        Reaction.objects.create(article=a, kind="like", remote_actor_id="https://x.example/a")
        html = client.get(a.get_absolute_url()).content.decode()
        assert "1 Like · 0 Boosts" in html


class OptInTests:
    def test_an_author_opts_in_and_out(self, client):
        author = UserFactory(display_name="Maria Santos")
        article(author=author, slug="stadtrat")
        client.force_login(author)
        assert ME in client.get("/en/account/profile/").content.decode()
        html = client.get(ME).content.decode()
        assert f"<code>@{author.slug}@127.0.0.1</code>" in html and "Opt in" in html
        assert client.post(ME, {"choice": "in"}).status_code == 302
        assert AuthorOptIn.objects.filter(user=author).exists()
        assert client.get(f"/federation/actors/authors/{author.slug}").status_code == 200
        html = client.get(ME).content.decode()
        assert "You have 0 followers." in html and "Opt out" in html
        assert client.post(ME, {"choice": "out"}).status_code == 302
        assert not AuthorOptIn.objects.exists()
        assert client.get(f"/federation/actors/authors/{author.slug}").status_code == 404

    def test_anonymous_is_sent_to_log_in_and_off_is_404(self, client, settings):
        assert client.get(ME).status_code == 302
        client.force_login(UserFactory())
        settings.FEDERATION_ENABLED = False
        assert client.get(ME).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_like_through_the_inbox_refreshes_the_cached_count(client, remote, remote_key):
    a = article(slug="stadtrat")
    page = a.get_absolute_url()
    wsgi_get(page)
    _status, headers, html = wsgi_get(page)
    assert headers["X-Page-Cache"] == "hit" and "1 Like" not in html
    alice = remote.url_for("/users/alice")
    like = {"id": f"{alice}#likes/1", "type": "Like", "actor": alice, "object": f"{SITE}{page}"}
    key_id = f"{alice}#main-key"
    assert signed_post(client, "/federation/inbox", like, remote_key, key_id).status_code == 202
    _status, headers, html = wsgi_get(page)
    assert headers["X-Page-Cache"] == "miss" and "1 Like · 0 Boosts" in html
    undo = {"type": "Undo", "actor": alice, "object": like}
    assert signed_post(client, "/federation/inbox", undo, remote_key, key_id).status_code == 202
    assert "1 Like" not in wsgi_get(page)[2]

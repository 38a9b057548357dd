"""The actors' JSON-LD, their keys, outboxes and followers collections, and the inboxes refusing
unsigned activities."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.editorial.actions import take_down_article, unpublish_article
from newsdesk.editorial.grounds import Ground
from newsdesk.federation import documents
from newsdesk.federation.actions import actor_key, opt_in_author
from newsdesk.federation.models import Actor, Follower

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


class ActorTests:
    def test_the_site_actor_is_a_group_with_an_rsa_2048_key(self, client):
        response = client.get("/federation/actors/site")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/activity+json"
        doc = response.json()
        me = f"{SITE}/federation/actors/site"
        key = doc.pop("publicKey")
        assert doc == {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": me,
            "type": "Group",
            "preferredUsername": "newsroom",
            "name": "newsdesk",
            "summary": "",
            "url": f"{SITE}/en/",
            "inbox": f"{me}/inbox",
            "outbox": f"{me}/outbox",
            "followers": f"{me}/followers",
            "manuallyApprovesFollowers": False,
            "discoverable": True,
            "endpoints": {"sharedInbox": f"{SITE}/federation/inbox"},
        }
        assert key["id"] == f"{me}#main-key" and key["owner"] == me
        public = serialization.load_pem_public_key(key["publicKeyPem"].encode())
        assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 2048

    def test_the_key_is_made_once_and_stays(self, client):
        """Two requests show the same key; the stored private key is its pair."""
        first = client.get("/federation/actors/site").json()["publicKey"]
        second = client.get("/federation/actors/site").json()["publicKey"]
        assert first == second
        row = Actor.objects.get(kind="site", object_id=0)
        private = serialization.load_pem_private_key(row.private_key_pem.encode(), password=None)
        shown = serialization.load_pem_public_key(first["publicKeyPem"].encode())
        assert private.public_key().public_numbers() == shown.public_numbers()
        assert Actor.objects.count() == 1

    def test_head_is_answered_and_other_methods_are_not(self, client):
        assert client.head("/federation/actors/site").status_code == 200
        assert client.put("/federation/actors/site").status_code == 405
        assert client.post("/.well-known/webfinger").status_code == 405

    def test_each_actor_has_its_own_key(self, client):
        SectionFactory(slug="politik", name="Politik", name_en="Politics")
        author = UserFactory(display_name="Anna Becker", bio="Schreibt über <Verkehr>.")
        article(author=author, slug="bericht")
        opt_in_author(author=author)
        section = client.get("/federation/actors/sections/politik").json()
        person = client.get(f"/federation/actors/authors/{author.slug}").json()
        site = client.get("/federation/actors/site").json()
        assert (section["type"], section["preferredUsername"], section["name"]) == (
            "Group", "politik", "Politics",
        )  # fmt: skip
        assert section["url"] == f"{SITE}/en/sections/politik/"
        assert (person["type"], person["name"]) == ("Person", "Anna Becker")
        assert person["summary"] == "<p>Schreibt über &lt;Verkehr&gt;.</p>"
        assert person["url"] == f"{SITE}/en/authors/{author.slug}/"
        pems = {doc["publicKey"]["publicKeyPem"] for doc in (section, person, site)}
        assert len(pems) == 3

    def test_unknown_and_not_opted_in_actors_are_a_404(self, client):
        author = UserFactory()
        article(author=author, slug="bericht")
        for url in [
            "/federation/actors/sections/nope",
            f"/federation/actors/authors/{author.slug}",
            "/federation/actors/authors/ünï",
            "/federation/actors/authors/" + "x" * 5000,
        ]:
            assert client.get(url).status_code == 404, url
        assert Actor.objects.count() == 0


class OutboxTests:
    def test_the_collection_counts_visible_articles_only(self, client):
        """A draft, an unpublished and a taken-down article are in no outbox."""
        section = SectionFactory(slug="technik")
        author = UserFactory()
        article(author=author, section=section, slug="sichtbar")
        article(author=author, section=section, slug="entwurf", published=False)
        gone = article(author=author, section=section, slug="zurueckgezogen")
        unpublish_article(article=gone, by=UserFactory(editor=True))
        down = article(author=author, section=section, slug="gesperrt")
        take_down_article(article=down, editor=UserFactory(editor=True), ground=Ground.COPYRIGHT)
        opt_in_author(author=author)
        for base in [
            "/federation/actors/site",
            "/federation/actors/sections/technik",
            f"/federation/actors/authors/{author.slug}",
        ]:
            doc = client.get(f"{base}/outbox").json()
            assert doc == {
                "@context": "https://www.w3.org/ns/activitystreams",
                "id": f"{SITE}{base}/outbox",
                "type": "OrderedCollection",
                "totalItems": 1,
                "first": f"{SITE}{base}/outbox?page=1",
                "last": f"{SITE}{base}/outbox?page=1",
            }
            page = client.get(f"{base}/outbox", {"page": 1}).json()
            urls = [item["object"]["url"] for item in page["orderedItems"]]
            assert urls == [f"{SITE}/de/articles/sichtbar/"], base

    def test_an_item_is_a_create_of_the_article(self, client):
        author = UserFactory(display_name="Maria Santos")
        published = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
        a = article(
            author=author,
            slug="schulen",
            title="Neue Rechner für Schulen",
            lead="Die Stadt <kauft> ein.",
            tags=[TagFactory(name="Open Source", slug="open-source")],
            published_at=published,
        )
        opt_in_author(author=author)
        me = f"{SITE}/federation/actors/authors/{author.slug}"
        page = client.get(f"{me.removeprefix(SITE)}/outbox?page=1").json()
        assert page["type"] == "OrderedCollectionPage"
        assert page["partOf"] == f"{me}/outbox" and "next" not in page and "prev" not in page
        (item,) = page["orderedItems"]
        obj = item.pop("object")
        object_id = f"{SITE}/federation/objects/articles/{a.pk}"
        assert item == {
            "id": f"{object_id}#create",
            "type": "Create",
            "actor": me,
            "published": "2026-03-01T09:30:00Z",
            "to": [PUBLIC],
            "cc": [f"{me}/followers"],
        }
        a.refresh_from_db()
        # The cover (image, preview) is checked in test_outbound; here only that it is there.
        image, preview = obj.pop("image"), obj.pop("preview")
        assert image["type"] == "Image" and image["url"].startswith(SITE)
        assert preview["type"] == "Note" and "Die Stadt &lt;kauft&gt; ein." in preview["content"]
        assert obj == {
            "id": object_id,
            "type": "Article",
            "name": "Neue Rechner für Schulen",
            "nameMap": {"de": "Neue Rechner für Schulen"},
            "sensitive": False,
            "summary": "Die Stadt &lt;kauft&gt; ein.",
            "content": a.body_html,
            "contentMap": {"de": a.body_html},
            "mediaType": "text/html",
            "url": f"{SITE}/de/articles/schulen/",
            "attributedTo": me,
            "published": "2026-03-01T09:30:00Z",
            "updated": documents._iso(a.updated_at),
            "to": [PUBLIC],
            "cc": [f"{me}/followers"],
            "tag": [
                {"type": "Hashtag", "href": f"{SITE}/en/tags/open-source/", "name": "#OpenSource"}
            ],
        }
        assert "<h2" in a.body_html
        fetched = client.get(f"/federation/objects/articles/{a.pk}")
        assert fetched["Content-Type"] == "application/activity+json"
        expected = {"image": image, "preview": preview, **obj}
        assert fetched.json() == {"@context": "https://www.w3.org/ns/activitystreams", **expected}

    def test_an_author_who_did_not_opt_in_is_credited_to_the_site(self, client):
        article(slug="anonym")
        (item,) = client.get("/federation/actors/site/outbox?page=1").json()["orderedItems"]
        assert item["object"]["attributedTo"] == f"{SITE}/federation/actors/site"

    def test_pages_run_newest_first_with_next_and_prev(self, client, django_assert_max_num_queries):
        author = UserFactory()
        start = timezone.now() - timedelta(days=30)
        for n in range(documents.PAGE_SIZE + 3):
            article(author=author, slug=f"a-{n}", published_at=start + timedelta(hours=n))
        opt_in_author(author=author)
        doc = client.get("/federation/actors/site/outbox").json()
        assert doc["totalItems"] == 23 and doc["last"].endswith("?page=2")
        client.get("/federation/actors/site")  # the key is made outside the counted requests
        with django_assert_max_num_queries(8):
            first = client.get("/federation/actors/site/outbox?page=1").json()
        second = client.get("/federation/actors/site/outbox?page=2").json()
        slugs = [i["object"]["url"].split("/")[-2] for i in first["orderedItems"]]
        assert slugs == [f"a-{n}" for n in range(22, 2, -1)]
        assert first["next"] == f"{SITE}/federation/actors/site/outbox?page=2"
        assert [i["object"]["url"].split("/")[-2] for i in second["orderedItems"]] == [
            "a-2", "a-1", "a-0",
        ]  # fmt: skip
        assert second["prev"] == f"{SITE}/federation/actors/site/outbox?page=1"
        assert "next" not in second
        assert client.get("/federation/actors/site/outbox?page=3").json()["orderedItems"] == []

    @pytest.mark.parametrize("page", ["0", "-1", "x", "1.5", "٣", "99999999999999999999", ""])
    def test_a_bad_page_is_a_400(self, client, page):
        response = client.get("/federation/actors/site/outbox", {"page": page})
        assert response.status_code == 400
        assert "page" in response.json()["error"]

    def test_an_object_not_visible_is_a_404(self, client):
        draft = article(slug="entwurf", published=False)
        assert client.get(f"/federation/objects/articles/{draft.pk}").status_code == 404


class FollowersAndInboxTests:
    def test_followers_is_a_count_without_a_list(self, client):
        actor = actor_key(kind="site", object_id=0)
        for n in range(2):
            Follower.objects.create(
                actor=actor,
                remote_actor_id=f"https://remote.example/users/{n}",
                inbox=f"https://remote.example/users/{n}/inbox",
            )
        assert client.get("/federation/actors/site/followers").json() == {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{SITE}/federation/actors/site/followers",
            "type": "OrderedCollection",
            "totalItems": 2,
        }

    def test_inboxes_refuse_an_unsigned_activity(self, client):
        """POST without a signature: 401 and nothing stored; GET: 405. No CSRF token is needed
        (test_inbox.py has the signed ones)."""
        follow = '{"type": "Follow", "actor": "https://remote.example/users/1"}'
        for url in ["/federation/inbox", "/federation/actors/site/inbox"]:
            response = client.post(url, follow, content_type="application/activity+json")
            assert response.status_code == 401
            assert response.json() == {"error": "missing_signature"}
            assert client.get(url).status_code == 405
        assert Follower.objects.count() == 0
        assert client.post("/federation/actors/sections/nope/inbox", follow,
                           content_type="application/json").status_code == 404  # fmt: skip

"""WebFinger and NodeInfo: what a Mastodon server asks first about a handle or the site."""

import pytest

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.federation.actions import opt_in_author

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def webfinger(client, resource):
    return client.get("/.well-known/webfinger", {"resource": resource})


class WebFingerTests:
    def test_the_site_handle_names_the_site_actor(self, client):
        """acct:newsroom@SITE_HOST answers a JRD whose self link is the site actor."""
        response = webfinger(client, "acct:newsroom@127.0.0.1")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/jrd+json"
        assert response.json() == {
            "subject": "acct:newsroom@127.0.0.1",
            "aliases": [f"{SITE}/federation/actors/site", f"{SITE}/en/"],
            "links": [
                {
                    "rel": "self",
                    "type": "application/activity+json",
                    "href": f"{SITE}/federation/actors/site",
                },
                {
                    "rel": "http://webfinger.net/rel/profile-page",
                    "type": "text/html",
                    "href": f"{SITE}/en/",
                },
            ],
        }

    def test_a_section_slug_names_the_section_actor(self, client):
        SectionFactory(slug="politik", name="Politik")
        response = webfinger(client, "acct:politik@127.0.0.1")
        assert response.status_code == 200
        body = response.json()
        assert body["subject"] == "acct:politik@127.0.0.1"
        assert body["links"][0]["href"] == f"{SITE}/federation/actors/sections/politik"
        assert body["links"][1]["href"] == f"{SITE}/en/sections/politik/"

    def test_only_an_opted_in_published_author_has_a_handle(self, client):
        """Before opting in: 404. After: the Person actor. An opted-in author without a
        published article has no public page and so no handle either."""
        author = UserFactory(display_name="Anna Becker")
        article(author=author, slug="bericht")
        resource = f"acct:{author.slug}@127.0.0.1"
        assert webfinger(client, resource).status_code == 404
        opt_in_author(author=author)
        response = webfinger(client, resource)
        assert response.status_code == 200
        assert response.json()["links"][0]["href"] == (
            f"{SITE}/federation/actors/authors/{author.slug}"
        )
        drafter = UserFactory(display_name="Nur Entwurf")
        article(author=drafter, slug="entwurf", published=False)
        opt_in_author(author=drafter)
        assert webfinger(client, f"acct:{drafter.slug}@127.0.0.1").status_code == 404

    def test_an_author_whose_slug_is_a_sections_gets_no_handle(self, client):
        """The section keeps the name: nobody can pass for it."""
        author = UserFactory(display_name="Sport")
        article(author=author, slug="bericht")
        opt_in_author(author=author)
        SectionFactory(slug=author.slug)
        body = webfinger(client, f"acct:{author.slug}@127.0.0.1").json()
        assert body["links"][0]["href"] == f"{SITE}/federation/actors/sections/{author.slug}"
        assert client.get(f"/federation/actors/authors/{author.slug}").status_code == 404

    def test_the_actor_url_is_accepted_as_resource(self, client):
        SectionFactory(slug="kultur")
        response = webfinger(client, f"{SITE}/federation/actors/sections/kultur")
        assert response.status_code == 200
        assert response.json()["subject"] == "acct:kultur@127.0.0.1"

    def test_the_host_with_its_port_is_ours_too(self, client):
        assert webfinger(client, "acct:newsroom@127.0.0.1:8000").status_code == 200

    def test_the_site_handle_follows_the_setting(self, client, settings):
        settings.FEDERATION_SITE_HANDLE = "redaktion"
        assert webfinger(client, "acct:newsroom@127.0.0.1").status_code == 404
        response = webfinger(client, "acct:redaktion@127.0.0.1")
        assert response.json()["subject"] == "acct:redaktion@127.0.0.1"

    @pytest.mark.parametrize(
        "resource",
        ["", "   ", "acct:", "acct:newsroom", "acct:newsroom@", "acct:@127.0.0.1", "mailto:a@b.c",
         "newsroom@127.0.0.1", "acct:" + "a" * 600 + "@127.0.0.1"],
    )  # fmt: skip
    def test_a_missing_or_malformed_resource_is_a_400(self, client, resource):
        response = webfinger(client, resource)
        assert response.status_code == 400
        assert "error" in response.json()

    def test_no_resource_parameter_is_a_400(self, client):
        assert client.get("/.well-known/webfinger").status_code == 400

    @pytest.mark.parametrize(
        "resource",
        ["acct:newsroom@example.org", "acct:nobody@127.0.0.1", "acct:ünïcødé@127.0.0.1",
         "acct:a\x00b@127.0.0.1", "acct:news/../room@127.0.0.1", "acct:newsroom@127.0.0.1@evil",
         "https://example.org/federation/actors/site", f"{SITE}/en/", f"{SITE}/federation/inbox",
         f"{SITE}/federation/actors/site?x=1", f"{SITE}/federation/actors/authors/%00",
         f"{SITE}/federation/actors/sections/" + "x" * 300, "http://[::1"],
    )  # fmt: skip
    def test_other_hosts_and_unknown_names_are_a_404(self, client, resource):
        assert webfinger(client, resource).status_code == 404


class NodeInfoTests:
    def test_the_well_known_document_links_to_2_1(self, client):
        response = client.get("/.well-known/nodeinfo")
        assert response.status_code == 200
        assert response.json() == {
            "links": [
                {
                    "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                    "href": f"{SITE}/nodeinfo/2.1",
                }
            ]
        }

    def test_the_document_counts_users_and_visible_articles(self, client):
        """localPosts counts published articles only; a draft is nobody's business."""
        author = UserFactory()
        article(author=author, slug="eins")
        article(author=author, slug="zwei")
        article(author=author, slug="entwurf", published=False)
        UserFactory(is_active=False)
        response = client.get("/nodeinfo/2.1")
        assert response.status_code == 200
        assert response["Content-Type"] == (
            'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"'
        )
        assert response.json() == {
            "version": "2.1",
            "software": {"name": "newsdesk", "version": "0.1.0"},
            "protocols": ["activitypub"],
            "services": {"inbound": [], "outbound": []},
            "openRegistrations": True,
            "usage": {"users": {"total": 1}, "localPosts": 2},
            "metadata": {"nodeName": "newsdesk"},
        }


class DisabledTests:
    def test_every_federation_url_is_a_404_when_off(self, client, settings):
        section = SectionFactory(slug="technik")
        author = UserFactory()
        a = article(author=author, section=section, slug="bericht")
        opt_in_author(author=author)
        urls = [
            "/.well-known/webfinger?resource=acct:newsroom@127.0.0.1",
            "/.well-known/nodeinfo",
            "/nodeinfo/2.1",
            "/federation/actors/site",
            "/federation/actors/site/outbox",
            "/federation/actors/site/outbox?page=1",
            "/federation/actors/site/followers",
            "/federation/actors/site/inbox",
            "/federation/actors/sections/technik",
            f"/federation/actors/authors/{author.slug}",
            f"/federation/actors/authors/{author.slug}/outbox",
            "/federation/inbox",
            f"/federation/objects/articles/{a.pk}",
        ]
        for url in urls:
            expected = 405 if url.endswith("inbox") else 200  # inboxes take POSTs only
            assert client.get(url).status_code == expected, url
        settings.FEDERATION_ENABLED = False
        for url in urls:
            assert client.get(url).status_code == 404, url
        posted = client.post("/federation/inbox", "{}", content_type="application/json")
        assert posted.status_code == 404

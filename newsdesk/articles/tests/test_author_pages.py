"""An author's public page and feeds exist only once an editor has published one of their
articles: signing up (verified or not, under any display name) makes nothing public."""

import pytest

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import article
from newsdesk.core.tests.test_page_cache import wsgi_get
from newsdesk.editorial.actions import unpublish_article

pytestmark = pytest.mark.django_db


def author_urls(author) -> list[str]:
    page = author.get_absolute_url()
    return [page, f"{page}feed.rss", f"{page}feed.atom"]


class AuthorPageTests:
    def test_a_sign_up_without_a_published_article_has_no_public_page(self, client):
        """A fresh account (the state right after sign-up, before any email check) and one
        with only a draft answer 404 on the page and both feeds."""
        fresh = UserFactory(display_name="Neu Hier")
        drafter = UserFactory(display_name="Nur Entwurf")
        article(author=drafter, slug="entwurf", published=False)
        for user in (fresh, drafter):
            for url in author_urls(user):
                assert client.get(url).status_code == 404, url

    def test_a_look_alike_of_a_published_author_gets_no_page(self, client):
        """A second "Thomas Schmidt" signs up: only the one with a published byline has a page,
        so the look-alike cannot put up a page that passes for the real author's."""
        real = UserFactory(display_name="Thomas Schmidt")
        article(author=real, slug="echter-bericht", title="Echter Bericht")
        copy = UserFactory(display_name="Thomas Schmidt")
        assert copy.slug != real.slug
        response = client.get(real.get_absolute_url())
        assert response.status_code == 200 and "Echter Bericht" in response.content.decode()
        for url in author_urls(copy):
            assert client.get(url).status_code == 404, url

    @pytest.mark.django_db(transaction=True)
    def test_the_page_goes_with_the_last_published_article(self):
        """Unpublishing an author's only article removes their page and feeds, through the page
        cache too."""
        author = UserFactory(display_name="Bald Still")
        story = article(author=author, slug="einziger")
        for url in author_urls(author):
            assert wsgi_get(url)[0].startswith("200"), url
            assert wsgi_get(url)[1]["X-Page-Cache"] == "hit", url
        unpublish_article(article=story, by=author)
        for url in author_urls(author):
            assert wsgi_get(url)[0].startswith("404"), url

    def test_an_inactive_author_has_no_page(self, client):
        author = UserFactory(display_name="Gesperrt")
        article(author=author, slug="vorher")
        author.is_active = False
        author.save(update_fields=["is_active"])
        assert client.get(author.get_absolute_url()).status_code == 404

    def test_the_profile_links_to_the_public_page_only_once_it_exists(self, client):
        """A contributor's profile offers no link to a page that would answer 404."""
        user = UserFactory(display_name="Bald Bekannt")
        client.force_login(user)
        link = f'href="{user.get_absolute_url()}"'
        assert link not in client.get("/en/account/profile/").content.decode()
        article(author=user, slug="erstes")
        assert link in client.get("/en/account/profile/").content.decode()

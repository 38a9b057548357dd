"""`<meta name="fediverse:creator">` on article pages of authors who have an actor."""

import pytest

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.core.tests.test_page_cache import wsgi_get
from newsdesk.federation.actions import opt_in_author, opt_out_author

pytestmark = pytest.mark.django_db


def creator_tag(author) -> str:
    return f'<meta name="fediverse:creator" content="@{author.slug}@127.0.0.1">'


class MetaTagTests:
    def test_only_an_opted_in_authors_page_has_the_tag(self, client):
        fan = UserFactory(display_name="Anna Becker")
        shy = UserFactory(display_name="Jonas Weber")
        opt_in_author(author=fan)
        a = article(author=fan, slug="von-anna")
        b = article(author=shy, slug="von-jonas")
        assert creator_tag(fan) in client.get(a.get_absolute_url()).content.decode()
        page = client.get(b.get_absolute_url()).content.decode()
        assert "fediverse:creator" not in page

    def test_no_tag_for_an_author_whose_slug_is_a_sections(self, client):
        """Their handle would name the section's actor, so they have none."""
        author = UserFactory(display_name="Kultur")
        opt_in_author(author=author)
        a = article(author=author, slug="kulturbericht")
        assert creator_tag(author) in client.get(a.get_absolute_url()).content.decode()
        SectionFactory(slug=author.slug)
        assert "fediverse:creator" not in client.get(a.get_absolute_url()).content.decode()

    def test_no_tag_when_federation_is_off(self, client, settings):
        author = UserFactory()
        opt_in_author(author=author)
        a = article(author=author, slug="aus")
        settings.FEDERATION_ENABLED = False
        assert "fediverse:creator" not in client.get(a.get_absolute_url()).content.decode()

    # Real commits: the purge runs on commit, and the WSGI requests close their connections.
    @pytest.mark.django_db(transaction=True)
    def test_opting_in_and_out_refreshes_the_cached_page(self):
        """The page is served from the page cache; the opt-in purges the author's pages."""
        author = UserFactory()
        a = article(author=author, slug="im-cache")
        path = a.get_absolute_url()
        _status, _headers, before = wsgi_get(path)
        assert "fediverse:creator" not in before
        assert "fediverse:creator" not in wsgi_get(path)[2]  # now from the cache
        opt_in_author(author=author)
        assert creator_tag(author) in wsgi_get(path)[2]
        opt_out_author(author=author)
        assert "fediverse:creator" not in wsgi_get(path)[2]

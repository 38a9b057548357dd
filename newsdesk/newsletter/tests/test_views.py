"""The subscriber's pages, one-click unsubscribe, the signup box on cached pages and the archive,
through the test client (and the real WSGI application where the page cache matters).

Texts are asserted on English pages, so that they do not change with the German catalogue.
"""

import datetime as dt
import re

import pytest
from django.utils import timezone

from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.core.tests.test_page_cache import wsgi_get
from newsdesk.editorial.actions import unpublish_article
from newsdesk.newsletter.models import Newsletter, Subscription
from newsdesk.newsletter.tests.factories import (
    IssueFactory,
    NewsletterFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

S = Subscription.Status


def status_of(subscriber, newsletter) -> str:
    return Subscription.objects.get(subscriber=subscriber, newsletter=newsletter).status


@pytest.fixture
def confirmed():
    subscription = SubscriptionFactory(
        newsletter=NewsletterFactory(name="Morning letter", slug="morning"), confirmed=True
    )
    return subscription.subscriber, subscription.newsletter


@pytest.mark.django_db
class OneClickTests:
    def url(self, subscriber, newsletter):
        return f"/en/newsletters/u/{subscriber.link_token}/{newsletter.slug}/"

    def test_a_post_without_cookies_unsubscribes_with_a_200(self, client, confirmed):
        """RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click`, with no cookie, no
        CSRF token and no login; the answer is a short page, not a redirect, and sets no
        cookie."""
        subscriber, newsletter = confirmed
        assert client.cookies == {}
        response = client.post(
            self.url(subscriber, newsletter),
            "List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
        assert not response.cookies
        assert status_of(subscriber, newsletter) == S.UNSUBSCRIBED
        assert Subscription.objects.get().unsubscribed_at is not None

    def test_any_post_unsubscribes_and_again_is_harmless(self, client, confirmed):
        subscriber, newsletter = confirmed
        assert client.post(self.url(subscriber, newsletter)).status_code == 200
        assert client.post(self.url(subscriber, newsletter)).status_code == 200
        assert status_of(subscriber, newsletter) == S.UNSUBSCRIBED

    def test_a_get_only_asks(self, client, confirmed):
        subscriber, newsletter = confirmed
        response = client.get(self.url(subscriber, newsletter))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Unsubscribe from Morning letter?" in html
        assert '<form method="post" action="">' in html
        assert "csrfmiddlewaretoken" not in html
        assert status_of(subscriber, newsletter) == S.CONFIRMED
        assert client.head(self.url(subscriber, newsletter)).status_code == 200
        assert status_of(subscriber, newsletter) == S.CONFIRMED

    def test_only_that_newsletter_is_left(self, client, confirmed):
        subscriber, newsletter = confirmed
        other = SubscriptionFactory(subscriber=subscriber, confirmed=True).newsletter
        client.post(self.url(subscriber, newsletter))
        assert status_of(subscriber, other) == S.CONFIRMED

    def test_unknown_tokens_and_newsletters_look_like_missing_pages(self, client, confirmed):
        subscriber, newsletter = confirmed
        missing = client.get("/en/no-such-page/at-all/")
        for url in (
            f"/en/newsletters/u/not-a-token/{newsletter.slug}/",
            f"/en/newsletters/u/{subscriber.link_token}/no-such-letter/",
        ):
            for response in (client.get(url), client.post(url)):
                assert response.status_code == 404
                assert response.content == missing.content
        assert status_of(subscriber, newsletter) == S.CONFIRMED


@pytest.mark.django_db
class ManageTests:
    def url(self, subscriber):
        return f"/en/newsletters/me/{subscriber.link_token}/"

    def test_the_page_shows_what_the_subscriber_receives(self, client, confirmed):
        subscriber, newsletter = confirmed
        NewsletterFactory(name="Evening letter", slug="evening")
        pending = SubscriptionFactory(subscriber=subscriber).newsletter
        html = client.get(self.url(subscriber)).content.decode()
        assert subscriber.email in html
        assert re.search(rf'value="{newsletter.pk}"[^>]*checked', html)
        assert re.search(rf'value="{pending.pk}"[^>]*checked', html)
        assert "waiting for your confirmation" in html
        evening = Newsletter.objects.get(slug="evening")
        assert re.search(rf'value="{evening.pk}"[^>]*>', html)
        assert not re.search(rf'value="{evening.pk}"[^>]*checked', html)
        assert "csrfmiddlewaretoken" not in html

    def test_a_post_changes_the_newsletters(self, client, confirmed):
        """Ticked ones are confirmed (the link proves the address), unticked ones left."""
        subscriber, newsletter = confirmed
        evening = NewsletterFactory(name="Evening letter", slug="evening")
        response = client.post(self.url(subscriber), {"newsletters": [evening.pk]})
        assert response.status_code == 200
        assert "Your choice is saved." in response.content.decode()
        assert status_of(subscriber, newsletter) == S.UNSUBSCRIBED
        added = Subscription.objects.get(subscriber=subscriber, newsletter=evening)
        assert added.status == S.CONFIRMED and added.consent_version and added.confirmed_ip

    def test_leave_all(self, client, confirmed):
        subscriber, newsletter = confirmed
        other = SubscriptionFactory(subscriber=subscriber, confirmed=True).newsletter
        response = client.post(
            self.url(subscriber), {"intent": "leave_all", "newsletters": [newsletter.pk]}
        )
        assert "You have left all newsletters" in response.content.decode()
        assert status_of(subscriber, newsletter) == S.UNSUBSCRIBED
        assert status_of(subscriber, other) == S.UNSUBSCRIBED

    def test_inactive_newsletters_are_kept_for_later(self, client, confirmed):
        subscriber, newsletter = confirmed
        retired = SubscriptionFactory(
            subscriber=subscriber, confirmed=True, newsletter__is_active=False
        ).newsletter
        client.post(self.url(subscriber), {"newsletters": [newsletter.pk]})
        assert status_of(subscriber, retired) == S.CONFIRMED

    def test_an_unknown_token_is_a_missing_page(self, client, confirmed):
        assert client.get("/en/newsletters/me/nope/").status_code == 404
        assert client.post("/en/newsletters/me/nope/", {"intent": "leave_all"}).status_code == 404


@pytest.mark.django_db
class ListPageTests:
    def test_the_list_shows_active_newsletters_with_a_form(self, client):
        NewsletterFactory(name="Morning letter", slug="morning", description="Early news.")
        NewsletterFactory(name="Retired letter", slug="retired", is_active=False)
        response = client.get("/en/newsletters/")
        html = response.content.decode()
        assert "Morning letter" in html and "Early news." in html
        assert "Retired letter" not in html
        assert 'action="/en/newsletters/subscribe/"' in html
        assert 'name="consent"' in html and 'name="website"' in html
        assert "csrfmiddlewaretoken" not in html

    def test_the_default_newsletters_come_with_the_migrations(self, client):
        """A freshly migrated newsroom has them (this test does not flush the database)."""
        defaults = dict(Newsletter.objects.values_list("slug", "language"))
        assert defaults["neustadt-kompakt"] == "de"
        assert defaults["business-and-technology"] == "en"
        html = client.get("/en/newsletters/").content.decode()
        assert "Neustadt kompakt" in html and "Business and technology" in html


@pytest.mark.django_db(transaction=True)
class CachedPagesTests:
    """The signup box keeps the home and article pages in the page cache."""

    def test_home_and_article_pages_are_cached_with_the_box(self):
        Newsletter.objects.all().delete()  # whatever an earlier test or migration left
        section = SectionFactory(name="Wirtschaft", slug="wirtschaft")
        general = NewsletterFactory(name="Neustadt daily", slug="daily", language="de")
        business = NewsletterFactory(
            name="Wirtschaft weekly", slug="business-de", language="de", section=section
        )
        english = NewsletterFactory(name="English letter", slug="english", language="en")
        story = article(slug="boxed-story", section=section)
        for path, preselected in (("/de/", general), (story.get_absolute_url(), business)):
            status, headers, body = wsgi_get(path)
            assert status.startswith("200") and headers["X-Page-Cache"] == "miss", path
            assert 'class="signup-box"' in body
            assert 'action="/de/newsletters/subscribe/"' in body
            assert "csrfmiddlewaretoken" not in body and "Set-Cookie" not in headers
            checked = re.findall(r'value="(\d+)" checked', body)
            assert checked == [str(preselected.pk)], path
            assert "English letter" not in body and str(english.pk) not in checked
            again = wsgi_get(path)
            assert again[1]["X-Page-Cache"] == "hit" and again[2] == body

    def test_the_list_and_archive_pages_are_cached(self):
        letter = NewsletterFactory(slug="cached-letter")
        issue = IssueFactory(newsletter=letter, sent=True)
        for path in (
            "/en/newsletters/",
            "/en/newsletters/cached-letter/",
            issue.get_absolute_url(),
        ):
            assert wsgi_get(path)[1]["X-Page-Cache"] == "miss", path
            assert wsgi_get(path)[1]["X-Page-Cache"] == "hit", path

    def test_unpublishing_an_article_removes_it_from_cached_issues(self):
        letter = NewsletterFactory(slug="purged-letter")
        story = article(slug="soon-gone", title="Bald verschwunden")
        issue = IssueFactory(newsletter=letter, sent=True, with_articles=[story])
        path = f"/en/newsletters/purged-letter/{issue.pk}/"
        assert "Bald verschwunden" in wsgi_get(path)[2]
        unpublish_article(article=story, by=story.author)
        status, headers, body = wsgi_get(path)
        assert headers["X-Page-Cache"] == "miss" and "Bald verschwunden" not in body


@pytest.mark.django_db
class ArchiveTests:
    def test_the_archive_lists_only_sent_issues_newest_first(self, client):
        letter = NewsletterFactory(name="Morning letter", slug="morning")
        now = timezone.now()
        IssueFactory(
            newsletter=letter, subject="Older issue", sent=True, sent_at=now - dt.timedelta(days=7)
        )
        IssueFactory(newsletter=letter, subject="Newer issue", sent=True, sent_at=now)
        for status in ("draft", "awaiting_approval", "scheduled", "sending"):
            IssueFactory(newsletter=letter, subject=f"Not sent: {status}", status=status)
        IssueFactory(subject="Another newsletter's issue", sent=True)
        html = client.get("/en/newsletters/morning/").content.decode()
        assert "Morning letter" in html
        subjects = re.findall(r'<li><a href="[^"]+">([^<]+)</a>', html)
        assert subjects == ["Newer issue", "Older issue"]

    def test_an_issue_shows_only_articles_still_visible(self, client):
        letter = NewsletterFactory(slug="morning")
        shown = article(slug="still-here", title="Noch da")
        draft = article(slug="a-draft", title="Ein Entwurf", published=False)
        taken_down = article(slug="taken-down", title="Entfernt")
        unpublished = article(slug="unpublished", title="Zurückgezogen")
        # The takedown action arrives with the reports app; the status is what counts here.
        Article.objects.filter(pk=taken_down.pk).update(status=Article.Status.TAKEN_DOWN)
        unpublish_article(article=unpublished, by=unpublished.author)
        issue = IssueFactory(
            newsletter=letter,
            subject="The week",
            intro="Hello <b>readers</b>",
            sent=True,
            with_articles=[draft, taken_down, shown, unpublished],
        )
        response = client.get(f"/en/newsletters/morning/{issue.pk}/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "<h1>The week</h1>" in html and "Hello &lt;b&gt;readers&lt;/b&gt;" in html
        assert "Noch da" in html and shown.get_absolute_url() in html
        for hidden in ("Ein Entwurf", "Entfernt", "Zurückgezogen"):
            assert hidden not in html
        assert html.count('<article class="teaser"') == 1

    def test_unsent_issues_and_other_newsletters_issues_are_missing(self, client):
        letter = NewsletterFactory(slug="morning")
        draft = IssueFactory(newsletter=letter)
        elsewhere = IssueFactory(sent=True)
        assert client.get(f"/en/newsletters/morning/{draft.pk}/").status_code == 404
        assert client.get(f"/en/newsletters/morning/{elsewhere.pk}/").status_code == 404
        assert client.get("/en/newsletters/no-such-letter/").status_code == 404

    def test_the_archive_page_costs_a_fixed_number_of_queries(
        self, client, django_assert_max_num_queries
    ):
        letter = NewsletterFactory(slug="morning")
        stories = [article(slug=f"story-{n}") for n in range(5)]
        issue = IssueFactory(newsletter=letter, sent=True, with_articles=stories)
        for _ in range(5):
            IssueFactory(newsletter=letter, sent=True)
        with django_assert_max_num_queries(6):
            client.get("/en/newsletters/morning/")
        with django_assert_max_num_queries(7):
            client.get(f"/en/newsletters/morning/{issue.pk}/")


@pytest.mark.django_db
def test_subscriber_of_suppressed_address_sees_why(client):
    subscriber = SubscriberFactory(suppressed=True)
    html = client.get(f"/en/newsletters/me/{subscriber.link_token}/").content.decode()
    assert "could not be delivered" in html

"""The subscriber's link token: strict in the URL, stored nowhere, made at send time, and the
links of mails sent before the scheme still work (the migration keeps their hash)."""

import hashlib
from email import message_from_bytes

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.urls import Resolver404, resolve

from newsdesk.articles.tests.factories import article
from newsdesk.newsletter import actions, delivery, tokens
from newsdesk.newsletter.models import Subscriber, Subscription
from newsdesk.newsletter.tests.factories import NewsletterFactory, SubscriptionFactory
from newsdesk.newsletter.tests.test_composing import make_issue, make_newsletter, make_subscribers

S = Subscription.Status


@pytest.fixture
def confirmed():
    subscription = SubscriptionFactory(
        newsletter=NewsletterFactory(name="Morning letter", slug="morning"), confirmed=True
    )
    return subscription.subscriber, subscription.newsletter


def token_urls(token: str) -> list[str]:
    return [
        f"/en/newsletters/me/{token}/",
        f"/en/newsletters/u/{token}/morning/",
        f"/en/newsletters/confirm/{token}/",
    ]


@pytest.mark.django_db
class LinkTokenTests:
    def test_a_nul_byte_in_a_token_is_a_missing_page(self, client, confirmed):
        """%00 in any token link is a 404 before any query (PostgreSQL refuses NUL bytes in
        text, which was a 500), and changes nothing."""
        missing = client.get("/en/no-such-page/at-all/")
        for token in ("%00", "abc%00", "%00abc", "a" * 51 + "%00"):
            for url in token_urls(token):
                with pytest.raises(Resolver404):
                    resolve(url.replace("%00", "\x00"))
                for response in (client.get(url), client.post(url, {"intent": "leave_all"})):
                    assert response.status_code == 404, url
                    assert response.content == missing.content
        assert Subscription.objects.get().status == S.CONFIRMED

    def test_a_copy_of_the_database_without_the_key_opens_no_page(self, client, confirmed):
        """What is stored opens no page, and the same row under another SECRET_KEY gives
        another link: the link needs the key as well."""
        subscriber, newsletter = confirmed
        token = subscriber.link_token
        assert client.get(f"/en/newsletters/me/{token}/").status_code == 200
        stored = Subscriber.objects.filter(pk=subscriber.pk).values().get()
        assert token not in {str(value) for value in stored.values()}
        for value in stored.values():
            if isinstance(value, str) and value:
                assert client.get(f"/en/newsletters/me/{value}/").status_code == 404
        with override_settings(SECRET_KEY="not-the-site-key-" * 4):
            guessed = Subscriber.objects.get(pk=subscriber.pk).link_token
        assert guessed != token
        assert client.get(f"/en/newsletters/me/{guessed}/").status_code == 404

    def test_a_new_secret_key_keeps_old_links_while_it_is_a_fallback(
        self, client, confirmed, settings
    ):
        """Links in mails already sent work while the old key is a fallback; the next issue
        carries links made with the new key, which work at once."""
        subscriber, newsletter = confirmed
        old_key_token = subscriber.link_token
        rotated = {"SECRET_KEY": "n" * 60}
        with override_settings(**rotated, SECRET_KEY_FALLBACKS=[settings.SECRET_KEY]):
            assert client.get(f"/en/newsletters/me/{old_key_token}/").status_code == 200
            new_key_token = subscriber.link_token
            assert new_key_token != old_key_token
            assert client.get(f"/en/newsletters/me/{new_key_token}/").status_code == 200
        with override_settings(**rotated, SECRET_KEY_FALLBACKS=[]):
            assert client.get(f"/en/newsletters/me/{old_key_token}/").status_code == 404

    def test_the_links_in_a_sent_issue_work_and_are_in_no_table(self, client, settings):
        """The send loop makes each recipient's token, which no column holds; RFC 8058's POST
        to the List-Unsubscribe URL of the mail as received unsubscribes."""
        settings.SITE_HOST = "news.example.org"
        newsletter = make_newsletter()
        make_subscribers(newsletter, 2)
        issue = make_issue(newsletter, [article()])
        actions.start_sending(issue=issue)
        delivery.send_until_done(issue_id=issue.pk)
        received = message_from_bytes(mail.outbox[0].message().as_bytes())
        url = str(received["List-Unsubscribe"]).split("<")[1].split(">")[0]
        path = url.removeprefix(settings.SITE_URL)
        token = path.split("/")[4]
        for row in Subscriber.objects.values():
            assert token not in {str(value) for value in row.values()}
        response = client.post(path, "List-Unsubscribe=One-Click", content_type="text/plain")
        assert response.status_code == 200
        assert Subscription.objects.filter(status=S.UNSUBSCRIBED).count() == 1


@pytest.mark.django_db(transaction=True)
class LegacyTokenMigrationTests:
    def test_links_from_before_the_migration_keep_working(self, client):
        """Migration 0003 keeps only the SHA-256 of a stored token, and the old link still
        opens the subscriber's page."""
        executor = MigrationExecutor(connection)
        before = [("newsletter", "0002_default_newsletters")]
        after = [("newsletter", "0003_subscriber_token_hashes")]
        executor.migrate(before)
        old_apps = executor.loader.project_state(before).apps
        OldSubscriber = old_apps.get_model("newsletter", "Subscriber")
        OldSubscriber.objects.create(email="early@example.org", token="An-0ld_t0ken-from-2026")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        subscriber = Subscriber.objects.get(email="early@example.org")
        assert subscriber.legacy_token_hash == hashlib.sha256(b"An-0ld_t0ken-from-2026").hexdigest()
        assert len(subscriber.token_nonce) == 2 * tokens.NONCE_BYTES
        response = client.get("/en/newsletters/me/An-0ld_t0ken-from-2026/")
        assert response.status_code == 200 and "early@example.org" in response.content.decode()
        assert client.get(f"/en/newsletters/me/{subscriber.link_token}/").status_code == 200
        assert client.get("/en/newsletters/me/An-0ld_t0ken-from-2025/").status_code == 404

    def test_going_back_with_subscribers_is_refused_and_keeps_them(self):
        """Reversing 0003 would need the old tokens: with subscribers it is refused with a
        clear error before any column changes, and the subscribers stay as they were."""
        from django.db.migrations.exceptions import IrreversibleError

        subscriber = Subscriber.objects.create(email="kept@example.org")
        executor = MigrationExecutor(connection)
        with pytest.raises(IrreversibleError, match="cannot be reversed while subscribers"):
            executor.migrate([("newsletter", "0002_default_newsletters")])
        assert Subscriber.objects.get(pk=subscriber.pk).link_token == subscriber.link_token

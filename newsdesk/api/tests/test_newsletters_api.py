"""The newsletter desk on the API: newsletters and their issues for editors, subscribers for
admins only; the public /api/v1/newsletters/ list stays as it was."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.api.tests.conftest import assert_insufficient_scope, token_for
from newsdesk.articles.tests.factories import article
from newsdesk.newsletter.models import Delivery, Issue, Subscription
from newsdesk.newsletter.tests.factories import (
    IssueFactory,
    NewsletterFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(editor):
    return token_for(editor, "newsletters:read")


@pytest.fixture
def admin_token():
    return token_for(UserFactory(admin=True), "newsletters:read", "subscribers:read")


@pytest.fixture
def letter():
    return NewsletterFactory(name="Wirtschaft", slug="wirtschaft")


def deliveries(issue, **counts):
    for status, n in counts.items():
        for _ in range(n):
            subscriber = SubscriberFactory()
            Delivery.objects.create(
                issue=issue,
                subscriber=subscriber,
                email=subscriber.email,
                status=status,
                message_id=f"<{issue.pk}.{subscriber.pk}@example.org>",
            )


class NewsletterListTests:
    def test_the_desk_lists_every_newsletter_with_its_issue_counts(self, client, desk, letter):
        """Retired ones too (their issues stay on the desk); the public list does not."""
        retired = NewsletterFactory(name="Alt", slug="alt", is_active=False)
        IssueFactory(newsletter=letter, sent=True)
        IssueFactory(newsletter=letter)
        response = client.get("/api/v1/desk/newsletters/", **desk)
        assert response.status_code == 200
        # The migrations make newsletters of their own: ours are among them, by name.
        rows = [n for n in response.json()["data"] if n["slug"] in ("alt", "wirtschaft")]
        assert [n["slug"] for n in rows] == ["alt", "wirtschaft"]
        assert rows[0]["is_active"] is False and rows[0]["id"] == retired.pk
        assert (rows[1]["issue_count"], rows[1]["sent_count"]) == (2, 1)
        assert rows[1]["issues_url"].endswith(f"/api/v1/desk/newsletters/{letter.pk}/issues/")
        public = client.get("/api/v1/newsletters/").json()["data"]
        assert "wirtschaft" in [n["slug"] for n in public]
        assert "alt" not in [n["slug"] for n in public]

    def test_unknown_parameters_are_400(self, client, desk):
        assert client.get("/api/v1/desk/newsletters/", {"active": "1"}, **desk).status_code == 400


class IssueTests:
    def test_issues_in_every_state_newest_first_with_sent_counts(self, client, desk, letter):
        old = IssueFactory(newsletter=letter, sent=True, recipient_count=5)
        deliveries(old, sent=4, failed=1)
        scheduled = IssueFactory(
            newsletter=letter,
            status=Issue.Status.SCHEDULED,
            scheduled_at=timezone.now() + dt.timedelta(days=1),
        )
        Issue.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=7))
        IssueFactory(newsletter=NewsletterFactory())  # another newsletter's
        response = client.get(f"/api/v1/desk/newsletters/{letter.pk}/issues/", **desk)
        assert response.status_code == 200
        rows = response.json()["data"]
        assert [i["id"] for i in rows] == [scheduled.pk, old.pk]
        assert rows[0]["status"] == "scheduled" and rows[0]["scheduled_at"] is not None
        assert rows[0]["archive_url"] is None
        assert (rows[1]["sent_count"], rows[1]["failed_count"]) == (4, 1)
        assert rows[1]["recipient_count"] == 5 and rows[1]["archive_url"]

    def test_the_issue_list_does_not_grow_its_queries_with_issues(self, client, desk, letter):
        url = f"/api/v1/desk/newsletters/{letter.pk}/issues/"
        IssueFactory(newsletter=letter)
        client.get(url, **desk)
        with CaptureQueriesContext(connection) as one:
            client.get(url, **desk)
        for _ in range(5):
            deliveries(IssueFactory(newsletter=letter, sent=True), sent=2)
        with CaptureQueriesContext(connection) as six:
            assert len(client.get(url, **desk).json()["data"]) == 6
        assert len(six) == len(one)

    def test_the_issue_detail_has_its_articles_and_progress(self, client, desk, letter, editor):
        story = article(title="Zinsen", slug="zinsen")
        issue = IssueFactory(
            newsletter=letter,
            status=Issue.Status.SENDING,
            started_at=timezone.now(),
            recipient_count=4,
            created_by=editor,
            with_articles=[story],
        )
        deliveries(issue, sent=2, retry=1, pending=1)
        url = f"/api/v1/desk/newsletters/{letter.pk}/issues/{issue.pk}/"
        response = client.get(url, **desk)
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "sending" and body["created_by"] == "Erika Editor"
        assert body["progress"] == {
            "status": "sending",
            "total": 4,
            "sent": 2,
            "failed": 0,
            "retry": 1,
            "remaining": 2,
            "done": False,
        }
        assert body["articles"] == [
            {
                "position": 0,
                "id": story.pk,
                "slug": "zinsen",
                "title": "Zinsen",
                "status": "published",
            }
        ]
        assert body["article_count"] == 1 and body["sent_count"] == 2

    def test_an_issue_of_another_newsletter_or_unknown_ids_are_404(self, client, desk, letter):
        issue = IssueFactory(newsletter=NewsletterFactory())
        for url in (
            f"/api/v1/desk/newsletters/{letter.pk}/issues/{issue.pk}/",
            f"/api/v1/desk/newsletters/{letter.pk}/issues/999999/",
            "/api/v1/desk/newsletters/999999/issues/",
            f"/api/v1/desk/newsletters/{'9' * 30}/issues/",
            f"/api/v1/desk/newsletters/{letter.pk}/issues/{'9' * 30}/",
            f"/api/v1/desk/newsletters/{'9' * 30}/subscribers/",
        ):
            response = client.get(url, **desk)
            assert response.status_code in (403, 404), url
            if "subscribers" not in url:
                assert response.status_code == 404, url
            assert response["Content-Type"] == "application/problem+json"


class SubscriberTests:
    def test_admins_see_each_address_with_its_state(self, client, admin_token, letter):
        confirmed = SubscriptionFactory(newsletter=letter, confirmed=True)
        pending = SubscriptionFactory(newsletter=letter)
        gone = SubscriptionFactory(
            newsletter=letter,
            status=Subscription.Status.UNSUBSCRIBED,
            unsubscribed_at=timezone.now(),
            subscriber=SubscriberFactory(suppressed=True),
        )
        SubscriptionFactory(confirmed=True)  # another newsletter's
        url = f"/api/v1/desk/newsletters/{letter.pk}/subscribers/"
        response = client.get(url, **admin_token)
        assert response.status_code == 200
        rows = {r["email"]: r for r in response.json()["data"]}
        assert set(rows) == {s.subscriber.email for s in (confirmed, pending, gone)}
        row = rows[confirmed.subscriber.email]
        assert row["state"] == "confirmed" and row["confirmed_at"] is not None
        assert row["consent_version"] == "2026-11-26"
        assert rows[pending.subscriber.email]["state"] == "pending"
        assert rows[pending.subscriber.email]["confirmed_at"] is None
        assert rows[gone.subscriber.email]["state"] == "unsubscribed"
        assert rows[gone.subscriber.email]["suppressed_reason"] == "5.1.1 no mailbox"
        assert "token" not in str(row) and "nonce" not in str(row)
        only = client.get(url, {"state": "pending"}, **admin_token).json()["data"]
        assert [r["email"] for r in only] == [pending.subscriber.email]
        assert client.get(url, {"state": "maybe"}, **admin_token).status_code == 400
        page = client.get(url, {"limit": 2}, **admin_token).json()
        assert len(page["data"]) == 2 and page["meta"]["pagination"]["total"] == 3

    def test_editors_never_see_subscribers(self, client, desk, editor, letter):
        """An editor can't even make a token with the scope; with the desk's scope it is 403."""
        SubscriptionFactory(newsletter=letter, confirmed=True)
        with pytest.raises(Exception, match="subscribers:read"):
            token_for(editor, "subscribers:read")
        url = f"/api/v1/desk/newsletters/{letter.pk}/subscribers/"
        assert_insufficient_scope(client.get(url, **desk), "subscribers:read")

    def test_an_admin_who_is_no_longer_one_loses_the_scope(self, client, letter):
        admin = UserFactory(admin=True)
        headers = token_for(admin, "subscribers:read")
        admin.is_superuser, admin.role = False, "editor"
        admin.save(update_fields=["is_superuser", "role"])
        url = f"/api/v1/desk/newsletters/{letter.pk}/subscribers/"
        assert client.get(url, **headers).status_code == 403

"""The editors' newsletter screens through the test client: who may use them, composing with
suggestions, preview, test email, send or schedule, and the progress page and its JSON."""

import datetime as dt
import json
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.test import Client
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import article
from newsdesk.newsletter import actions
from newsdesk.newsletter.models import Delivery, Issue, IssueArticle
from newsdesk.newsletter.tests.test_composing import make_issue, make_newsletter, make_subscribers

pytest_plugins = ["newsdesk.core.tests.browser"]
pytestmark = pytest.mark.django_db

TRAITS = {
    "anonymous": None,
    "contributor": {},
    "editor": {"editor": True},
    "admin": {"admin": True},
}


def user_for(role):
    return AnonymousUser() if TRAITS[role] is None else UserFactory(**TRAITS[role])


@pytest.fixture
def newsletter(settings):
    settings.SITE_URL = "https://news.example.org"
    return make_newsletter()


@pytest.fixture
def editor_client(client):
    editor = UserFactory(editor=True, email="chefin@example.org")
    client.force_login(editor)
    client.user = editor
    return client


class PermissionTests:
    @pytest.mark.parametrize(
        ("role", "get_status", "post_status"),
        [
            ("anonymous", 302, 302),
            ("contributor", 404, 404),
            ("editor", 200, 302),
            ("admin", 200, 302),
        ],
    )
    def test_every_screen_by_every_role(self, client, newsletter, role, get_status, post_status):
        """Editors and admins only; contributors get "not found", anonymous users the login."""
        if TRAITS[role] is not None:
            client.force_login(user_for(role))
        issue = make_issue(newsletter, [article()])
        gets = [
            "/de/newsletters/compose/",
            f"/de/newsletters/compose/new/{newsletter.slug}/",
            f"/de/newsletters/compose/{issue.pk}/",
            f"/de/newsletters/compose/{issue.pk}/preview/",
            f"/de/newsletters/compose/{issue.pk}/progress/",
            f"/de/newsletters/compose/{issue.pk}/progress/?format=json",
        ]
        assert {path: client.get(path).status_code for path in gets} == dict.fromkeys(
            gets, get_status
        )
        posts = [
            f"/de/newsletters/compose/{issue.pk}/test/",
            f"/de/newsletters/compose/{issue.pk}/send/",
        ]
        data = {"when": "later", "at": ""}  # invalid on purpose: nothing is sent by this test
        assert {path: client.post(path, data).status_code for path in posts} == dict.fromkeys(
            posts, post_status
        )

    def test_missing_issues_and_newsletters_are_not_found(self, editor_client, newsletter):
        for path in ["/de/newsletters/compose/999999/", "/de/newsletters/compose/new/nope/"]:
            assert editor_client.get(path).status_code == 404

    def test_posts_need_the_csrf_token(self, newsletter):
        """The screens change things only by POST with Django's CSRF token."""
        client = Client(enforce_csrf_checks=True)
        client.force_login(UserFactory(editor=True))
        issue = make_issue(newsletter)
        for path in [
            f"/de/newsletters/compose/{issue.pk}/",
            f"/de/newsletters/compose/{issue.pk}/test/",
            f"/de/newsletters/compose/{issue.pk}/send/",
        ]:
            assert client.post(path, {"when": "now"}).status_code == 403
        assert client.get(f"/de/newsletters/compose/{issue.pk}/send/").status_code == 405


class ComposeTests:
    def test_a_new_issue_offers_the_suggestions_ticked(self, editor_client, newsletter):
        """The form lists the suggested articles, newest first, all ticked and numbered."""
        now = timezone.now()
        older = article(title="Älterer Artikel", published_at=now - dt.timedelta(days=2))
        newer = article(title="Neuer Artikel", published_at=now - dt.timedelta(hours=1))
        article(title="Ein Entwurf", published=False)
        html = editor_client.get(f"/de/newsletters/compose/new/{newsletter.slug}/").content.decode()
        assert html.index("Neuer Artikel") < html.index("Älterer Artikel")
        assert "Ein Entwurf" not in html
        for a, position in [(newer, 1), (older, 2)]:
            assert re.search(rf'name="article_{a.pk}"[^>]*checked', html)
            assert re.search(rf'name="position_{a.pk}"[^>]*value="{position}"', html)

    def test_saving_creates_the_issue_in_the_chosen_order(self, editor_client, newsletter):
        """Ticked articles in the order of their numbers; unticked ones are left out."""
        a, b, c = article(title="A"), article(title="B"), article(title="C")
        response = editor_client.post(
            f"/de/newsletters/compose/new/{newsletter.slug}/",
            {
                "subject": "Ausgabe 1",
                "intro": "Hallo <b>zusammen</b>",
                f"article_{a.pk}": "on", f"position_{a.pk}": "3",
                f"article_{b.pk}": "on", f"position_{b.pk}": "1",
                f"position_{c.pk}": "2",
            },
        )  # fmt: skip
        issue = Issue.objects.get()
        assert (
            response.status_code == 302
            and response["Location"] == f"/de/newsletters/compose/{issue.pk}/"
        )
        assert issue.subject == "Ausgabe 1" and issue.created_by == editor_client.user
        assert list(IssueArticle.objects.values_list("article__title", flat=True)) == ["B", "A"]

        page = editor_client.get(response["Location"]).content.decode()
        assert "Hallo &lt;b&gt;zusammen&lt;/b&gt;" in page  # the intro in the text preview

    def test_invalid_input_is_shown_again(self, editor_client, newsletter):
        """A missing subject: the form comes back with the text typed, nothing is saved."""
        a = article()
        response = editor_client.post(
            f"/de/newsletters/compose/new/{newsletter.slug}/",
            {"subject": "", "intro": "Mein Text", f"article_{a.pk}": "on", f"position_{a.pk}": "x"},
        )
        assert response.status_code == 200 and Issue.objects.count() == 0
        html = response.content.decode()
        assert "Mein Text" in html and 'class="error"' in html

    def test_a_sent_issue_opens_its_progress(self, editor_client, newsletter):
        issue = make_issue(newsletter, status=Issue.Status.SENT)
        response = editor_client.get(f"/de/newsletters/compose/{issue.pk}/")
        assert response["Location"] == f"/de/newsletters/compose/{issue.pk}/progress/"

    def test_the_list_of_issues(self, editor_client, newsletter, django_assert_max_num_queries):
        """Every newsletter to write for and the recent issues, in a fixed number of queries."""
        for n in range(5):
            make_issue(newsletter, subject=f"Ausgabe {n}")
        with django_assert_max_num_queries(8):
            html = editor_client.get("/de/newsletters/compose/").content.decode()
        assert all(f"Ausgabe {n}" in html for n in range(5))
        assert f"/de/newsletters/compose/new/{newsletter.slug}/" in html


class PreviewTests:
    def test_the_html_preview_is_the_email_in_a_sandbox(self, editor_client, newsletter):
        """The email's HTML as its own page, escaped, with a CSP that allows no script."""
        a = article(title='Titel <script>alert("x")</script>')
        issue = make_issue(newsletter, [a])
        response = editor_client.get(f"/de/newsletters/compose/{issue.pk}/preview/")
        html = response.content.decode()
        assert "<table" in html and "&lt;script&gt;" in html and "<script" not in html
        csp = response["Content-Security-Policy"]
        assert "sandbox" in csp and "script-src 'none'" in csp and "default-src 'none'" in csp
        assert f'href="https://news.example.org/de/articles/{a.slug}/"' in html

    def test_the_text_preview(self, editor_client, newsletter):
        issue = make_issue(newsletter, [article(title="Nur Text")])
        response = editor_client.get(f"/de/newsletters/compose/{issue.pk}/preview/?part=text")
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "Nur Text" in response.content.decode()


class SendTests:
    def test_a_test_email_goes_to_the_editor_only(self, editor_client, newsletter):
        make_subscribers(newsletter, 3)
        issue = make_issue(newsletter, [article()])
        response = editor_client.post(f"/de/newsletters/compose/{issue.pk}/test/", follow=True)
        assert [m.to for m in mail.outbox] == [["chefin@example.org"]]
        assert "chefin@example.org" in response.content.decode()
        issue.refresh_from_db()
        assert issue.status == Issue.Status.DRAFT

    def test_send_now_sends_and_shows_the_progress(
        self, editor_client, newsletter, django_capture_on_commit_callbacks
    ):
        """Send now: every subscriber gets it (workers run inline here), the editor lands on
        the progress page, whose JSON says it is done."""
        make_subscribers(newsletter, 5)
        issue = make_issue(newsletter, [article()])
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(
                f"/de/newsletters/compose/{issue.pk}/send/", {"when": "now"}
            )
        assert response["Location"] == f"/de/newsletters/compose/{issue.pk}/progress/"
        assert len(mail.outbox) == 5
        page = editor_client.get(response["Location"]).content.decode()
        assert 'src="/static/newsdesk/progress.js"' in page
        assert f'data-url="/de/newsletters/compose/{issue.pk}/progress/?format=json"' in page
        data = json.loads(editor_client.get(response["Location"] + "?format=json").content)
        assert data["sent"] == 5 and data["remaining"] == 0 and data["done"] is True

    def test_schedule_and_cancel(self, editor_client, newsletter):
        """A time in the future schedules the issue; cancelling makes it a draft again; a time
        in the past is refused."""
        issue = make_issue(newsletter, [article()])
        url = f"/de/newsletters/compose/{issue.pk}/send/"
        past = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        editor_client.post(url, {"when": "later", "at": past})
        issue.refresh_from_db()
        assert issue.status == Issue.Status.DRAFT

        future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        editor_client.post(url, {"when": "later", "at": future})
        issue.refresh_from_db()
        assert issue.status == Issue.Status.SCHEDULED
        assert issue.scheduled_at > timezone.now() + dt.timedelta(hours=23)
        assert mail.outbox == []

        editor_client.post(url, {"intent": "cancel"})
        issue.refresh_from_db()
        assert issue.status == Issue.Status.DRAFT and issue.scheduled_at is None

    def test_an_issue_cannot_be_sent_twice(self, editor_client, newsletter):
        issue = make_issue(newsletter, status=Issue.Status.SENT)
        response = editor_client.post(
            f"/de/newsletters/compose/{issue.pk}/send/", {"when": "now"}, follow=True
        )
        assert response.status_code == 200 and mail.outbox == []
        assert issue.deliveries.count() == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
class ProgressInBrowserTests:
    def test_the_counts_update_while_the_issue_goes_out(self, open_page, live_site):
        """The progress page's script (static, under the CSP) polls the JSON every 2 s and shows
        the new counts without a reload; it stops once the issue is sent."""
        newsletter = make_newsletter()
        make_subscribers(newsletter, 3)
        issue = make_issue(newsletter, [article()])
        actions.start_sending(issue=issue)
        client = Client()
        client.force_login(UserFactory(editor=True))
        tab = open_page()
        tab.page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_site}]
        )
        tab.page.goto(f"/de/newsletters/compose/{issue.pk}/progress/")
        sent = tab.page.locator("[data-field=sent]")
        assert sent.inner_text() == "0"
        assert tab.page.locator("[data-field=remaining]").inner_text() == "3"

        Delivery.objects.filter(issue=issue).update(status=Delivery.Status.SENT)
        actions.finish_if_done(issue)
        tab.page.wait_for_function(
            "() => document.querySelector('[data-field=sent]').textContent === '3'", timeout=8000
        )
        assert tab.page.locator("[data-field=remaining]").inner_text() == "0"
        assert tab.page.locator("progress").evaluate("p => p.value === p.max")
        assert not tab.problems, tab.problems.report()

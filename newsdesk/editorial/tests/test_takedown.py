"""Takedown and restore as editorial actions: states, permissions, audit data, the public
notice, the repeat-infringer count and where editors and admins see it."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from newsdesk.accounts.tests.factories import UserFactory, user_for_role
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import article
from newsdesk.core.errors import ActionRefused
from newsdesk.editorial import actions, queries
from newsdesk.editorial.grounds import Ground
from newsdesk.editorial.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)
S = Article.Status


def take_down(a, *, ground=Ground.COPYRIGHT, case="R-2026-0001", editor=None, note=""):
    editor = editor or UserFactory(editor=True)
    return actions.take_down_article(article=a, editor=editor, ground=ground, case=case, note=note)


def restore(a, *, case="R-2026-0001", editor=None):
    return actions.restore_article(article=a, editor=editor or UserFactory(editor=True), case=case)


class TakeDownTests:
    def test_take_down_records_ground_and_case_and_does_not_mail_the_author(self):
        """The AuditEntry holds ground and case; the reports app, not editorial, mails the
        author (with the notice and the counter-notice link)."""
        editor = UserFactory(editor=True)
        a = article(slug="down")
        sent = len(mail.outbox)
        a = take_down(a, ground=Ground.DEFAMATION, case="R-7", editor=editor, note=" intern ")
        assert a.status == S.TAKEN_DOWN
        entry = AuditEntry.objects.get(article=a, action="take_down")
        assert (entry.actor, entry.from_status, entry.to_status) == (editor, S.PUBLISHED, a.status)
        assert entry.data == {"ground": "defamation", "case": "R-7"} and entry.note == "intern"
        assert len(mail.outbox) == sent
        assert "take_down" not in actions.NOTIFIED and "restore" not in actions.NOTIFIED

    def test_restore_publishes_again_keeping_the_publication_time(self):
        a = article(slug="back")
        published_at = a.published_at
        a = restore(take_down(a), case="R-8")
        assert a.status == S.PUBLISHED
        a.refresh_from_db()
        assert a.published_at == published_at
        entry = AuditEntry.objects.get(article=a, action="restore")
        assert entry.data == {"case": "R-8"} and entry.from_status == S.TAKEN_DOWN

    @pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.UNPUBLISHED, S.TAKEN_DOWN])
    def test_only_published_articles_can_be_taken_down(self, state):
        a = article(slug=f"state-{state}")
        Article.objects.filter(pk=a.pk).update(status=state)
        a.refresh_from_db()
        with pytest.raises(ActionRefused):
            take_down(a)
        assert Article.objects.get(pk=a.pk).status == state
        assert not AuditEntry.objects.filter(article=a, action="take_down").exists()

    @pytest.mark.parametrize("state", [S.PUBLISHED, S.DRAFT, S.UNPUBLISHED])
    def test_only_taken_down_articles_can_be_restored(self, state):
        a = article(slug=f"restore-{state}")
        Article.objects.filter(pk=a.pk).update(status=state)
        with pytest.raises(ActionRefused):
            restore(Article.objects.get(pk=a.pk))
        assert not AuditEntry.objects.filter(article=a, action="restore").exists()

    @pytest.mark.parametrize(
        ("role", "allowed"),
        [("anonymous", False), ("contributor", False), ("editor", True), ("admin", True)],
    )
    def test_only_editors_and_admins_take_down_and_restore(self, role, allowed):
        user = user_for_role(role)
        a = article(slug=f"perm-{role}")
        if not allowed:
            with pytest.raises(ActionRefused):
                take_down(a, editor=user)
            assert Article.objects.get(pk=a.pk).status == S.PUBLISHED
            a = take_down(a)
            with pytest.raises(ActionRefused):
                restore(a, editor=user)
            assert Article.objects.get(pk=a.pk).status == S.TAKEN_DOWN
        else:
            assert restore(take_down(a, editor=user), editor=user).status == S.PUBLISHED

    def test_nobody_at_all_cannot_take_down(self):
        with pytest.raises(ActionRefused):
            actions.take_down_article(article=article(slug="nobody"), editor=None, ground="spam")

    def test_an_unknown_ground_is_refused(self):
        a = article(slug="ground")
        with pytest.raises(ActionRefused):
            take_down(a, ground="because")
        assert Article.objects.get(pk=a.pk).status == S.PUBLISHED


class NoticeTests:
    def test_the_notice_names_the_latest_takedown(self):
        a = article(slug="notice")
        assert queries.takedown_notice(a) is None
        a = take_down(restore(take_down(a, ground=Ground.SPAM, case="R-1")), case="R-2")
        notice = queries.takedown_notice(a)
        entry = AuditEntry.objects.filter(action="take_down").latest("id")
        assert notice == {
            "ground": "copyright",
            "ground_label": Ground.COPYRIGHT.label,
            "date": entry.created_at,
            "case": "R-2",
        }
        assert queries.takedown_notice(restore(a)) is None


class RepeatInfringerTests:
    def test_upheld_copyright_takedowns_counts_articles_still_down_for_copyright(self):
        """Counted: the author's articles in TAKEN_DOWN whose latest takedown is on copyright.
        Not counted: other grounds, restored ones, other authors' articles."""
        author, other = UserFactory(), UserFactory()
        take_down(article(author=author, slug="c1"))
        take_down(article(author=author, slug="c2"), case="")
        take_down(article(author=author, slug="spam"), ground=Ground.SPAM)
        restore(take_down(article(author=author, slug="restored")))
        # Down for copyright first, then restored and taken down again on another ground.
        take_down(restore(take_down(article(author=author, slug="regrounded"))), ground="privacy")
        take_down(article(author=other, slug="someone-else"))
        article(author=author, slug="fine")
        assert queries.upheld_copyright_takedowns(author) == 2
        assert queries.upheld_copyright_takedowns(other) == 1
        assert queries.upheld_copyright_takedowns(UserFactory()) == 0

    def test_the_limit_suspends_submitting_and_keeps_the_draft(self, settings):
        settings.REPEAT_INFRINGER_LIMIT = 2
        author = UserFactory()
        take_down(article(author=author, slug="first-strike"))
        draft = article(author=author, slug="draft", published=False, title="Mein Entwurf")
        assert queries.submission_suspension(author) is None
        take_down(article(author=author, slug="second-strike"))
        with pytest.raises(ActionRefused, match="copyright") as refused:
            actions.submit_article(article=draft, by=author, accepted_version=1)
        assert refused.value.code == "repeat_infringer"
        draft.refresh_from_db()
        assert draft.status == S.DRAFT and draft.title == "Mein Entwurf"
        assert queries.submission_suspension(author) == {"count": 2, "limit": 2}

    def test_the_default_limit_is_three(self, settings):
        if hasattr(settings, "REPEAT_INFRINGER_LIMIT"):
            del settings.REPEAT_INFRINGER_LIMIT
        author = UserFactory()
        for n in range(2):
            take_down(article(author=author, slug=f"strike-{n}"))
        assert queries.submission_suspension(author) is None
        take_down(article(author=author, slug="strike-2"))
        assert queries.submission_suspension(author) == {"count": 3, "limit": 3}

    def test_the_editor_says_why_submitting_is_refused(self, client, settings):
        """The contributor sees the reason, and the text they typed is saved."""
        settings.REPEAT_INFRINGER_LIMIT = 1
        author = UserFactory()
        take_down(article(author=author, slug="strike"))
        draft = article(author=author, slug="refused", published=False)
        client.force_login(author)
        response = client.post(
            reverse("editorial:edit", args=[draft.pk]),
            {
                "title": "Neuer Titel meines Entwurfs",
                "lead": "",
                "body": draft.body,
                "language": "de",
                "kind": "news",
                "section": draft.section_id,
                "tags": "",
                "intent": "submit",
                "accepted": "1",
                "accept_guidelines": "1",
            },
            follow=True,
        )
        assert "Submitting is suspended" in response.content.decode()
        draft.refresh_from_db()
        assert draft.status == S.DRAFT and draft.title == "Neuer Titel meines Entwurfs"


class AdminCountTests:
    def test_admins_see_the_count_in_the_user_list_without_a_query_per_user(self, client):
        admin = UserFactory(admin=True)
        authors = [UserFactory(display_name=f"Autor {n}") for n in range(3)]
        for n, author in enumerate(authors):
            for m in range(n):
                take_down(article(author=author, slug=f"a{n}-{m}"))
        client.force_login(admin)
        with CaptureQueriesContext(connection) as few:
            response = client.get("/admin/accounts/user/?o=6")
        html = response.content.decode()
        for n, author in enumerate(authors):
            row = html[html.index(author.email) :].split("</tr>")[0]
            assert f'<td class="field-copyright_takedowns">{n}</td>' in row
        take_down(article(author=UserFactory(), slug="one-more"))
        take_down(article(author=UserFactory(), slug="two-more"))
        with CaptureQueriesContext(connection) as more:
            client.get("/admin/accounts/user/?o=6")
        assert len(more) == len(few)

    def test_the_user_change_page_shows_the_count(self, client):
        author = UserFactory()
        take_down(article(author=author, slug="shown"))
        client.force_login(UserFactory(admin=True))
        html = client.get(f"/admin/accounts/user/{author.pk}/change/").content.decode()
        assert "Upheld copyright takedowns" in html
        block = html[html.index("field-copyright_takedowns") :]
        assert '<div class="readonly">1</div>' in block[:600]


class AuditLogTests:
    def test_takedown_and_restore_show_ground_and_case_in_the_audit_log(self, client):
        editor = UserFactory(editor=True)
        down = take_down(article(slug="logged"), ground=Ground.PRIVACY, case="R-2026-0042")
        a = restore(down, case="R-2026-0042")
        client.force_login(editor)
        html = client.get(reverse("editorial:audit")).content.decode()
        assert str(Ground.PRIVACY.label) in html and html.count("R-2026-0042") == 2
        review = client.get(reverse("editorial:review", args=[a.pk])).content.decode()
        assert str(Ground.PRIVACY.label) in review and "R-2026-0042" in review


class DashboardTests:
    def test_the_dashboard_says_why_submitting_is_suspended(self, rf):
        """The dashboard template shows the count when the view passes `suspension`
        (queries.submission_suspension), and nothing otherwise."""
        from django.template.loader import render_to_string

        request = rf.get("/en/write/")
        request.user = UserFactory()
        context = {"drafts": [], "others": [], "requests": {}}
        suspended = render_to_string(
            "editorial/dashboard.html",
            {**context, "suspension": {"count": 4, "limit": 3}},
            request=request,
        )
        assert "4 of your articles were taken down for copyright infringement" in suspended
        plain = render_to_string("editorial/dashboard.html", context, request=request)
        assert "suspended" not in plain

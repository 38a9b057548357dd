"""The editor as a contributor uses it, in Chromium with the site's real CSP: live preview,
autosave, an expired session that loses no text, and submitting with the guidelines."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import SectionFactory
from newsdesk.editorial.tests.test_actions import GOOD_BODY

pytest_plugins = ["newsdesk.core.tests.browser"]

S = Article.Status
TITLE = "Stadtrat beschließt den Haushalt für 2027"
LEAD = "Nach langer Debatte steht der Plan für das kommende Jahr fest."
BODY = GOOD_BODY + (
    "\n\n## Wie es weitergeht\n\n"
    "- Die Ausschüsse beraten die einzelnen Vorhaben im Februar.\n"
    "- Die Einwohnerversammlung findet Ende Januar statt."
)
# Typed while the session has expired: it must survive a reload through the browser's copy.
ADDITION = (
    "\n\nNachtrag: Die Kämmerin will den Plan im März im Rathaus öffentlich vorstellen und "
    "dort auch die Fragen der Bürgerinnen und Bürger beantworten."
)
# The editor saves in the background every 5 s; allow a few rounds.
AUTOSAVE_TIMEOUT_MS = 20_000


def text_of(article) -> str:
    """The stored body, with the CRLF line ends that browsers send form fields with as LF."""
    article.refresh_from_db()
    return article.body.replace("\r\n", "\n")


def log_in(page, live_site: str, user) -> None:
    """The session cookie of a test client login, in the browser (as the login form sets it)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_site}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)  # with it, conftest provides the guidelines
class EditorInBrowserTests:
    def test_write_preview_autosave_survive_an_expired_session_and_submit(
        self, open_page, live_site
    ):
        """A contributor writes a new article: the preview shows the rendered Markdown, the
        draft autosaves, text typed after the session expired comes back with "Restore" after
        logging in again, and the article is submitted with the guidelines accepted."""
        SectionFactory(name="Politik", slug="politik")
        writer = UserFactory(display_name="Erika Muster")
        tab = open_page()
        page = tab.page
        log_in(page, live_site, writer)

        page.goto("/de/write/new/")
        page.locator("#id_title").press_sequentially(TITLE)
        page.fill("#id_lead", LEAD)
        page.select_option("#id_section", label="Politik")
        page.fill("#id_body", BODY)

        preview = page.locator("#preview-body")
        expect(preview.locator("h2").first).to_have_text("Der Beschluss")
        expect(preview.locator("h2").last).to_have_text("Wie es weitergeht")
        expect(preview.locator("ul > li")).to_have_count(2)
        status = page.locator(".autosave-status")
        expect(status).to_contain_text("Gespeichert", timeout=AUTOSAVE_TIMEOUT_MS)
        draft = Article.objects.get(author=writer)
        assert (draft.status, draft.title, text_of(draft)) == (S.DRAFT, TITLE, BODY)
        expect(page).to_have_url(re.compile(rf"/de/write/{draft.pk}/$"))
        tab.screenshot("editor-autosaved")

        # The session expires (cookies gone); the next autosave says so and keeps the text.
        page.context.clear_cookies()
        expired_from = len(tab.problems.console_errors), len(tab.problems.failed_requests)
        page.locator("#id_body").press("End")
        page.locator("#id_body").press_sequentially(ADDITION)
        expect(status).to_contain_text(
            "Nicht gespeichert: Bitte melden Sie sich erneut an", timeout=AUTOSAVE_TIMEOUT_MS
        )
        tab.screenshot("editor-session-expired")
        assert text_of(draft) == BODY

        # Logged in again, the reloaded editor shows the saved draft and offers the rest.
        log_in(page, live_site, writer)
        page.reload()
        # The old page's last requests are over once the new one has loaded.
        expired_to = len(tab.problems.console_errors), len(tab.problems.failed_requests)
        expect(page.locator("#id_body")).to_have_value(BODY)
        restore = page.get_by_role(
            "button", name="Den in diesem Browser gesicherten Text wiederherstellen"
        )
        expect(restore).to_be_visible()
        expected_body = BODY + ADDITION
        tab.screenshot("editor-restore-offered")
        restore.click()
        expect(page.locator("#id_body")).to_have_value(BODY + ADDITION)
        expect(status).to_contain_text("Gespeichert", timeout=AUTOSAVE_TIMEOUT_MS)
        assert text_of(draft) == BODY + ADDITION

        page.locator("#accept-box").check()
        page.locator("#submit-button").click()
        expect(page).to_have_url(re.compile(r"/de/write/$"))
        row = page.locator("tr", has_text=TITLE)
        expect(row).to_contain_text("Eingereicht")
        tab.screenshot("editor-submitted")
        assert text_of(draft) == expected_body and draft.status == S.SUBMITTED

        # While logged out, the editor's background requests were refused (403, as CSRF
        # protection answers without the cookie); that is the only thing allowed to fail.
        console = tab.problems.console_errors
        failed = tab.problems.failed_requests
        background = re.compile(r"/de/write/(\d+/autosave|preview)/")
        during = console[expired_from[0] : expired_to[0]] + failed[expired_from[1] : expired_to[1]]
        assert during and all("403" in p and background.search(p) for p in during), during
        assert console[: expired_from[0]] + console[expired_to[0] :] == []
        assert failed[: expired_from[1]] + failed[expired_to[1] :] == []
        assert tab.problems.page_errors == [] and tab.problems.third_party_requests == []

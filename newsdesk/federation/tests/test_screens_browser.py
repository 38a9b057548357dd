"""The Fediverse desk in Chromium: an editor approves a reply and reads it under the article;
the desk, the opt-in page and the article with replies have no serious axe violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import article
from newsdesk.editorial.tests.test_browser_editor import log_in
from newsdesk.federation.models import Reply
from newsdesk.federation.sanitise import reply_html

pytest_plugins = ["newsdesk.core.tests.browser"]

FAILING_IMPACTS = {"serious", "critical"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_approves_a_reply_and_sees_it_under_the_article(open_page, live_site):
    a = article(slug="stadtrat", title="Der Stadtrat beschließt den Haushalt")
    reply = Reply.objects.create(
        article=a,
        object_id="https://social.example/notes/1",
        remote_actor_id="https://social.example/users/bea",
        author_name="Bea Beispiel",
        author_handle="@bea@social.example",
        author_url="https://social.example/@bea",
        content_html=reply_html("<p>Endlich ein klarer Plan.<script>alert(1)</script></p>"),
    )
    editor = UserFactory(editor=True, display_name="Eda Editor")
    tab = open_page()
    log_in(tab.page, live_site, editor)
    axe = Axe()

    tab.page.goto("/de/")
    tab.page.get_by_role("link", name="Fediverse").click()
    row = tab.page.locator(f"#reply-{reply.pk}")
    assert "Endlich ein klarer Plan." in row.inner_text()
    serious = [
        v for v in axe.run(tab.page).response["violations"] if v["impact"] in FAILING_IMPACTS
    ]
    assert not serious, serious
    row.get_by_role("button", name="Freigeben").click()
    tab.page.wait_for_load_state()
    assert "Die Antwort wird jetzt unter dem Artikel gezeigt." in tab.page.content()
    tab.screenshot("fediverse-desk")

    tab.page.goto(a.get_absolute_url())
    block = tab.page.locator("section.fediverse")
    assert "Endlich ein klarer Plan." in block.inner_text()
    assert block.get_by_role("link", name="Bea Beispiel").get_attribute("rel") == (
        "nofollow ugc noopener"
    )
    serious = [
        v for v in axe.run(tab.page).response["violations"] if v["impact"] in FAILING_IMPACTS
    ]
    assert not serious, serious

    tab.page.goto("/de/fediverse/me/")
    serious = [
        v for v in axe.run(tab.page).response["violations"] if v["impact"] in FAILING_IMPACTS
    ]
    assert not serious, serious
    assert not tab.problems, tab.problems.report()

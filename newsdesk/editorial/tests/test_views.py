"""The editorial screens through the test client: what contributors and editors see and do."""

import re

import pytest
from django.core import mail

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.actions import save_article
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.core.tests.dom import Dom
from newsdesk.editorial import actions
from newsdesk.editorial.tests.test_actions import GOOD_BODY

pytestmark = pytest.mark.django_db(transaction=True)
S = Article.Status


@pytest.fixture
def section():
    return SectionFactory(name="Politik", slug="politik")


def form_data(section, **overrides):
    data = {
        "title": "Stadtrat beschließt den Haushalt für 2027",
        "lead": "Nach langer Debatte steht der Plan für das kommende Jahr fest.",
        "body": GOOD_BODY,
        "language": "de",
        "kind": "news",
        "section": section.pk,
        "tags": "Haushalt, Stadtrat",
    }
    data.update(overrides)
    return data


def test_a_contributor_writes_saves_and_submits(client, section):
    writer = UserFactory()
    client.force_login(writer)
    response = client.post("/de/write/new/", form_data(section, intent="save"))
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/de/write/{article.pk}/"
    assert article.status == S.DRAFT and article.author == writer
    page = client.get(f"/de/write/{article.pk}/").content.decode()
    assert "Stadtrat beschließt" in page and "Vorschau" in page
    response = client.post(
        f"/de/write/{article.pk}/",
        form_data(section, intent="submit", accept_guidelines="1", accepted="on"),
    )
    assert response.status_code == 302 and response["Location"] == "/de/write/"
    article.refresh_from_db()
    assert article.status == S.SUBMITTED
    dashboard = client.get("/de/write/").content.decode()
    assert "Eingereicht" in dashboard and "Zurückziehen" in dashboard


def test_a_validation_error_keeps_every_word(client, section):
    client.force_login(UserFactory())
    response = client.post(
        "/de/write/new/", form_data(section, title="", language="xx-nope", intent="save")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ihr Text ist noch da" in html
    assert "Der Stadtrat von Neustadt hat am Dienstagabend" in html
    assert "xx-nope" in html and Article.objects.count() == 0


def test_failed_checks_keep_the_draft_and_explain(client, section):
    client.force_login(UserFactory())
    response = client.post(
        "/de/write/new/",
        form_data(section, body="Kurz.", intent="submit", accept_guidelines="1", accepted="on"),
        follow=True,
    )
    html = response.content.decode()
    article = Article.objects.get()
    assert article.status == S.DRAFT and article.body == "Kurz."
    assert "Die automatischen Prüfungen haben Probleme gefunden" in html
    assert "Der Text ist zu kurz" in html


def test_submitting_without_accepting_the_guidelines_is_refused(client, section):
    client.force_login(UserFactory())
    client.post("/de/write/new/", form_data(section, intent="submit", accept_guidelines="1"))
    assert Article.objects.get().status == S.DRAFT


def test_autosave_and_preview(client, section):
    client.force_login(UserFactory())
    result = client.post("/de/write/new/autosave/", form_data(section)).json()
    assert result["saved"] and result["edit_url"] == f"/de/write/{result['id']}/"
    again = client.post(
        result["autosave_url"], form_data(section, title="Neuer Titel für den Rat")
    ).json()
    assert again["id"] == result["id"] and Article.objects.get().title == "Neuer Titel für den Rat"
    preview = client.post("/de/write/preview/", {"body": "## Hallo\n\n<script>alert(1)</script>"})
    assert preview.content.decode().startswith("<h2>Hallo</h2>")
    assert "<script>" not in preview.content.decode()


def test_an_editor_reviews_and_publishes(client, section):
    editor = UserFactory(editor=True)
    writer = UserFactory()
    submitted = actions.submit_article(
        article=article(
            published=False, author=writer, body=GOOD_BODY, title="Ein guter Titel zum Rat"
        ),
        by=writer,
        accepted_version=1,
    )
    client.force_login(editor)
    queue = client.get("/de/review/").content.decode()
    assert "Ein guter Titel zum Rat" in queue
    page = client.get(f"/de/review/{submitted.pk}/").content.decode()
    assert "Automatische Prüfungen" in page and "Zur Prüfung übernehmen" in page
    client.post(f"/de/review/{submitted.pk}/claim/")
    submitted.refresh_from_db()
    assert submitted.claimed_by == editor
    client.post(f"/de/review/{submitted.pk}/publish/", {"note": ""})
    submitted.refresh_from_db()
    assert submitted.status == S.PUBLISHED
    assert client.get(submitted.get_absolute_url()).status_code == 200
    assert mail.outbox[-1].subject.startswith("Veröffentlicht")
    # The log in the page's language, not the stored codes.
    audit = client.get("/de/review/audit/").content.decode()
    assert re.search(r"<td>veröffentlicht \([^<]*→ Veröffentlicht\)</td>", audit)
    assert "<td>zur Prüfung übernommen (" in audit and "<td>publish" not in audit
    review = client.get(f"/de/review/{submitted.pk}/").content.decode()
    assert ": veröffentlicht" in review and ": publish" not in review


def test_review_diff_is_escaped(client, section):
    editor = UserFactory(editor=True)
    a = article(published=False, body=GOOD_BODY)
    save_article(
        article=a, author=a.author, editor=editor, title=a.title, language="de", section=a.section,
        body=GOOD_BODY + "\n\n<img src=x onerror=alert(1)> neu",
    )  # fmt: skip
    client.force_login(editor)
    html = client.get(f"/de/review/{a.pk}/").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; neu" in html
    assert "<img src=x onerror" not in html


def test_contributors_cannot_touch_others_articles_or_decide(client, section):
    owner, other = UserFactory(), UserFactory()
    a = article(published=False, author=owner, body=GOOD_BODY)
    client.force_login(other)
    assert client.get(f"/de/write/{a.pk}/").status_code == 404
    assert client.post(f"/de/write/{a.pk}/", form_data(section, intent="save")).status_code == 404
    assert client.post(f"/de/write/{a.pk}/autosave/", form_data(section)).status_code == 404
    for decision in ("claim", "publish", "approve", "reject", "request_changes", "unpublish"):
        assert client.post(f"/de/review/{a.pk}/{decision}/", {"note": "x"}).status_code == 404
    a.refresh_from_db()
    assert a.status == S.DRAFT and a.title != "Stadtrat beschließt den Haushalt für 2027"


def test_admins_publish_a_new_guidelines_version(client, guidelines):
    admin = UserFactory(admin=True)
    client.force_login(admin)
    response = client.post(
        "/admin/editorial/guidelinesversion/add/",
        {"body_de": "## Neu\n\nNeue Regeln.", "body_en": "## New\n\nNew rules.", "note": "Neu"},
    )
    assert response.status_code == 302
    assert actions.latest_guidelines().number == guidelines.number + 1
    page = client.get("/de/guidelines/").content.decode()
    assert "Neue Regeln." in page and "Version 2" in page
    assert "New rules." in client.get("/en/guidelines/").content.decode()


# The decision buttons on the review screen by the article's state (and who holds the claim),
# as "<decision> <label>", in page order; "check" is always there.
# fmt: off
REVIEW_BUTTONS = {
    "submitted":          ["claim Zur Prüfung übernehmen", "publish Freigeben und jetzt veröffentlichen", "approve Freigeben", "request_changes Änderungen erbitten", "reject Ablehnen", "schedule Freigeben und planen", "check"],
    "in_review@me":       ["release Freigeben für andere", "publish Freigeben und jetzt veröffentlichen", "approve Freigeben", "request_changes Änderungen erbitten", "reject Ablehnen", "schedule Freigeben und planen", "check"],
    "in_review@other":    ["take_over Prüfung übernehmen", "publish Freigeben und jetzt veröffentlichen", "approve Freigeben", "request_changes Änderungen erbitten", "reject Ablehnen", "schedule Freigeben und planen", "check"],
    "approved":           ["publish Freigeben und jetzt veröffentlichen", "request_changes Änderungen erbitten", "reject Ablehnen", "schedule Freigeben und planen", "check"],
    "scheduled":          ["publish Freigeben und jetzt veröffentlichen", "unpublish Zurückziehen", "schedule Freigeben und planen", "check"],
    "published":          ["publish Freigeben und jetzt veröffentlichen", "unpublish Zurückziehen", "check"],
    "draft":              ["publish Freigeben und jetzt veröffentlichen", "check"],
    "changes_requested":  ["reject Ablehnen", "check"],
    "rejected":           ["check"],
    "taken_down":         ["check"],
}
# fmt: on


def _review_buttons(html: str, article_id: int) -> list[str]:
    """Each button posting to a decision, as "<decision> <label>" ("check" alone)."""
    prefix = f"/de/review/{article_id}/"
    found, action = [], None
    for tag, attrs, text in Dom(html).elements:
        if tag == "form":
            action = attrs.get("action") or ""
        elif tag == "button":
            target = attrs.get("formaction") or action or ""
            if target.startswith(prefix):
                decision = target[len(prefix) :].strip("/")
                found.append(decision if decision == "check" else f"{decision} {text.strip()}")
    return found


def test_the_review_buttons_are_the_decisions_the_state_allows(client, section):
    """The review screen offers exactly the decisions editorial.actions.TRANSITIONS allows from
    the article's state, with the claim button for who holds the claim."""
    editor, other = UserFactory(editor=True), UserFactory(editor=True)
    client.force_login(editor)
    got = {}
    for state in REVIEW_BUTTONS:
        status, _, holder = state.partition("@")
        a = article(published=False, section=section, body=GOOD_BODY)
        claimed = {"me": editor, "other": other}.get(holder)
        Article.objects.filter(pk=a.pk).update(status=status, claimed_by=claimed)
        got[state] = _review_buttons(client.get(f"/de/review/{a.pk}/").content.decode(), a.pk)
    assert got == REVIEW_BUTTONS

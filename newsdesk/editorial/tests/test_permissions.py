"""Issue 3's permission matrix: every editorial URL and action by every role, as raw requests.

The expected outcome of each cell (the status code and the article's state afterwards) is
written out below, not read from editorial.permissions.PERMISSIONS. Each cell starts from a
fresh article inside a savepoint that is rolled back afterwards, so cells cannot leak into each
other (and the near-duplicate check never sees another cell's copy of the same text).
"""

import datetime as dt
import types

import django_ratelimit.core
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.core.errors import ActionRefused
from newsdesk.editorial.models import CheckReport
from newsdesk.editorial.permissions import (
    access_article_for_editing,
    access_article_for_review,
    access_article_for_writing,
)
from newsdesk.editorial.tests.test_actions import GOOD_BODY

pytestmark = pytest.mark.django_db
S = Article.Status

ROLES = ("anonymous", "owner", "other", "editor", "admin")
NEW_TITLE = "Ein neuer Titel aus der Matrix"
MISSING = 999_999

# One row per request and starting state. A cell reads "<status code> <article state>" plus
# what else changed:
#   edited   the article's title is now the one posted (the text was saved)
#   checked  a new automated check report was recorded
#   mine     the acting user now holds the review claim
#   new      the acting user now has one more article (a new draft)
# Requests are "METHOD PATH [DATA]"; {id} is the cell's article, DATA names a form below.
# Starting states: the article's status, "@reviewer" if another editor holds the claim.
# fmt: off
MATRIX = [
    # request                                        from                  anonymous                owner                           other                    editor                          admin
    # pages
    ("GET /de/guidelines/",                          "draft",              "200 draft",             "200 draft",                    "200 draft",             "200 draft",                    "200 draft"),
    ("GET /de/write/",                               "draft",              "302 draft",             "200 draft",                    "200 draft",             "200 draft",                    "200 draft"),
    ("GET /de/write/new/",                           "draft",              "302 draft",             "200 draft",                    "200 draft",             "200 draft",                    "200 draft"),
    ("GET /de/write/{id}/",                          "draft",              "302 draft",             "200 draft",                    "404 draft",             "200 draft",                    "200 draft"),
    ("GET /de/write/{id}/",                          "submitted",          "302 submitted",         "302 submitted",                "404 submitted",         "200 submitted",                "200 submitted"),
    ("GET /de/write/{missing}/",                     "draft",              "302 draft",             "404 draft",                    "404 draft",             "404 draft",                    "404 draft"),
    ("GET /de/review/",                              "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "200 submitted",                "200 submitted"),
    ("GET /de/review/audit/",                        "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "200 submitted",                "200 submitted"),
    ("GET /de/review/{id}/",                         "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "200 submitted",                "200 submitted"),
    ("GET /de/review/{missing}/",                    "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "404 submitted",                "404 submitted"),
    # writing
    ("POST /de/write/new/ save",                     "draft",              "302 draft",             "302 draft new",                "302 draft new",         "302 draft new",                "302 draft new"),
    ("POST /de/write/{id}/ save",                    "draft",              "302 draft",             "302 draft edited",             "404 draft",             "302 draft edited",             "302 draft edited"),
    ("POST /de/write/{id}/ check",                   "draft",              "302 draft",             "302 draft edited checked",     "404 draft",             "302 draft edited checked",     "302 draft edited checked"),
    ("POST /de/write/{id}/ submit",                  "draft",              "302 draft",             "302 submitted edited checked", "404 draft",             "302 submitted edited checked", "302 submitted edited checked"),
    ("POST /de/write/{id}/ submit_unaccepted",       "draft",              "302 draft",             "302 draft edited",             "404 draft",             "302 draft edited",             "302 draft edited"),
    ("POST /de/write/{id}/ submit",                  "changes_requested",  "302 changes_requested", "302 submitted edited checked", "404 changes_requested", "302 submitted edited checked", "302 submitted edited checked"),
    ("POST /de/write/{id}/ save",                    "submitted",          "302 submitted",         "302 submitted",                "404 submitted",         "302 submitted edited",         "302 submitted edited"),
    ("POST /de/write/{id}/ submit",                  "submitted",          "302 submitted",         "302 submitted",                "404 submitted",         "302 submitted edited checked", "302 submitted edited checked"),
    ("POST /de/write/{id}/ save",                    "withdrawn",          "302 withdrawn",         "302 withdrawn edited",         "404 withdrawn",         "302 withdrawn edited",         "302 withdrawn edited"),
    ("POST /de/write/{id}/ save",                    "rejected",           "302 rejected",          "302 rejected",                 "404 rejected",          "302 rejected edited",          "302 rejected edited"),
    ("POST /de/write/{id}/ save",                    "published",          "302 published",         "302 published",                "404 published",         "302 published edited",         "302 published edited"),
    ("POST /de/write/{missing}/ save",               "draft",              "302 draft",             "404 draft",                    "404 draft",             "404 draft",                    "404 draft"),
    ("POST /de/write/new/autosave/ autosave",        "draft",              "302 draft",             "200 draft new",                "200 draft new",         "200 draft new",                "200 draft new"),
    ("POST /de/write/{id}/autosave/ autosave",       "draft",              "302 draft",             "200 draft edited",             "404 draft",             "200 draft edited",             "200 draft edited"),
    # The editor page and its autosave follow one rule (access_article_for_editing): editors
    # change the text in any state but taken down; autosave never changes a public page.
    ("POST /de/write/{id}/autosave/ autosave",       "submitted",          "302 submitted",         "200 submitted",                "404 submitted",         "200 submitted edited",         "200 submitted edited"),
    ("POST /de/write/{id}/autosave/ autosave",       "rejected",           "302 rejected",          "200 rejected",                 "404 rejected",          "200 rejected edited",          "200 rejected edited"),
    ("POST /de/write/{id}/autosave/ autosave",       "published",          "302 published",         "200 published",                "404 published",         "200 published",                "200 published"),
    ("POST /de/write/{id}/autosave/ autosave",       "scheduled",          "302 scheduled",         "200 scheduled",                "404 scheduled",         "200 scheduled",                "200 scheduled"),
    ("POST /de/write/{id}/autosave/ autosave",       "taken_down",         "302 taken_down",        "200 taken_down",               "404 taken_down",        "200 taken_down",               "200 taken_down"),
    ("POST /de/write/{id}/ save",                    "taken_down",         "302 taken_down",        "302 taken_down",               "404 taken_down",        "302 taken_down",               "302 taken_down"),
    ("GET /de/write/{id}/",                          "taken_down",         "302 taken_down",        "302 taken_down",               "404 taken_down",        "302 taken_down",               "302 taken_down"),
    ("POST /de/write/preview/ preview",              "draft",              "302 draft",             "200 draft",                    "200 draft",             "200 draft",                    "200 draft"),
    ("GET /de/write/preview/",                       "draft",              "302 draft",             "405 draft",                    "405 draft",             "405 draft",                    "405 draft"),
    ("POST /de/write/{id}/withdraw/",                "submitted",          "302 submitted",         "302 withdrawn",                "404 submitted",         "302 withdrawn",                "302 withdrawn"),
    ("POST /de/write/{id}/withdraw/",                "in_review@reviewer", "302 in_review",         "302 withdrawn",                "404 in_review",         "302 withdrawn",                "302 withdrawn"),
    ("POST /de/write/{id}/withdraw/",                "draft",              "302 draft",             "302 draft",                    "404 draft",             "302 draft",                    "302 draft"),
    ("POST /de/write/{id}/withdraw/",                "published",          "302 published",         "302 published",                "404 published",         "302 published",                "302 published"),
    ("GET /de/write/{id}/withdraw/",                 "submitted",          "302 submitted",         "405 submitted",                "405 submitted",         "405 submitted",                "405 submitted"),
    # decisions
    ("POST /de/review/{id}/claim/ note",             "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 in_review mine",           "302 in_review mine"),
    ("POST /de/review/{id}/claim/ note",             "in_review@reviewer", "302 in_review",         "404 in_review",                "404 in_review",         "302 in_review",                "302 in_review"),
    ("POST /de/review/{id}/take_over/ note",         "in_review@reviewer", "302 in_review",         "404 in_review",                "404 in_review",         "302 in_review mine",           "302 in_review mine"),
    ("POST /de/review/{id}/release/ note",           "in_review@reviewer", "302 in_review",         "404 in_review",                "404 in_review",         "302 in_review",                "302 in_review"),
    ("POST /de/review/{id}/release/ note",           "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 submitted",                "302 submitted"),
    ("POST /de/review/{id}/request_changes/ note",   "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 changes_requested",        "302 changes_requested"),
    ("POST /de/review/{id}/request_changes/",        "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 submitted",                "302 submitted"),
    ("POST /de/review/{id}/approve/ note",           "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 approved",                 "302 approved"),
    ("POST /de/review/{id}/approve/ note",           "draft",              "302 draft",             "404 draft",                    "404 draft",             "302 draft",                    "302 draft"),
    ("POST /de/review/{id}/publish/ note",           "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 published",                "302 published"),
    ("POST /de/review/{id}/publish/ note",           "in_review@reviewer", "302 in_review",         "404 in_review",                "404 in_review",         "302 published",                "302 published"),
    ("POST /de/review/{id}/publish/ note",           "draft",              "302 draft",             "404 draft",                    "404 draft",             "302 published",                "302 published"),
    ("POST /de/review/{id}/publish/ note",           "rejected",           "302 rejected",          "404 rejected",                 "404 rejected",          "302 rejected",                 "302 rejected"),
    ("POST /de/review/{id}/schedule/ schedule",      "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 scheduled",                "302 scheduled"),
    ("POST /de/review/{id}/schedule/ schedule_past", "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 submitted",                "302 submitted"),
    ("POST /de/review/{id}/schedule/ note",          "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 submitted",                "302 submitted"),
    ("POST /de/review/{id}/reject/ note",            "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 rejected",                 "302 rejected"),
    ("POST /de/review/{id}/reject/",                 "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 submitted",                "302 submitted"),
    ("POST /de/review/{id}/unpublish/ note",         "published",          "302 published",         "404 published",                "404 published",         "302 unpublished",              "302 unpublished"),
    ("POST /de/review/{id}/unpublish/ note",         "scheduled",          "302 scheduled",         "404 scheduled",                "404 scheduled",         "302 unpublished",              "302 unpublished"),
    ("POST /de/review/{id}/unpublish/ note",         "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 submitted",                "302 submitted"),
    ("POST /de/review/{id}/check/",                  "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "302 submitted checked",        "302 submitted checked"),
    ("POST /de/review/{id}/nonsense/ note",          "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "404 submitted",                "404 submitted"),
    ("POST /de/review/{missing}/publish/ note",      "submitted",          "302 submitted",         "404 submitted",                "404 submitted",         "404 submitted",                "404 submitted"),
    ("GET /de/review/{id}/publish/",                 "submitted",          "302 submitted",         "405 submitted",                "405 submitted",         "405 submitted",                "405 submitted"),
]
# fmt: on
def form_data(name: str, section) -> dict:
    article_form = {
        "title": NEW_TITLE,
        "lead": "Nach langer Debatte steht der Plan für das kommende Jahr fest.",
        "body": GOOD_BODY,
        "language": "de",
        "kind": "news",
        "section": section.pk,
        "tags": "Haushalt, Stadtrat",
    }
    soon = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    past = (timezone.localtime() - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    forms = {
        "": {},
        "save": {**article_form, "intent": "save"},
        "check": {**article_form, "intent": "check"},
        "submit": {**article_form, "intent": "submit", "accept_guidelines": "1", "accepted": "on"},
        "submit_unaccepted": {**article_form, "intent": "submit", "accept_guidelines": "1"},
        "autosave": article_form,
        "preview": {"body": "## Zwischentitel\n\n- eins\n- zwei"},
        "note": {"note": "Bitte die Quellen ergänzen."},
        "schedule": {"note": "", "at": soon},
        "schedule_past": {"note": "", "at": past},
    }
    return forms[name]


@pytest.fixture
def people():
    return {
        "anonymous": None,
        "owner": UserFactory(display_name="Owner"),
        "other": UserFactory(display_name="Other Contributor"),
        "editor": UserFactory(editor=True, display_name="Editor"),
        "admin": UserFactory(admin=True, display_name="Admin"),
        "reviewer": UserFactory(editor=True, display_name="Another Editor"),
    }


def clients_for(people) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        clients[role] = Client()
        if people[role] is not None:
            clients[role].force_login(people[role])
    return clients


def start(state: str, *, people, section) -> Article:
    """A fresh article of the owner's in the given starting state (set directly: setup only)."""
    status, _, claimer = state.partition("@")
    created = article(
        published=False,
        author=people["owner"],
        section=section,
        title="Der Stadtrat beschließt den Haushalt",
        body=GOOD_BODY,
    )
    Article.objects.filter(pk=created.pk).update(
        status=status,
        submitted_at=timezone.now(),
        claimed_by=people[claimer] if claimer else None,
        published_at=timezone.now() if status == S.PUBLISHED else None,
    )
    return created


def outcome(response, article_pk: int, *, actor, checks_before: int, articles_before: int) -> str:
    current = Article.objects.get(pk=article_pk)
    words = [str(response.status_code), current.status]
    if current.title == NEW_TITLE:
        words.append("edited")
    if CheckReport.objects.filter(article_id=article_pk).count() > checks_before:
        words.append("checked")
    if actor is not None and current.claimed_by_id == actor.pk:
        words.append("mine")
    if actor is not None and Article.objects.filter(author=actor).count() > articles_before:
        words.append("new")
    return " ".join(words)


def run_cell(request: str, state: str, role: str, *, people, clients, section) -> str:
    method, path, *data = request.split()
    actor = people[role]
    with transaction.atomic():
        cache.clear()  # the rate limit counters: every cell starts with none
        target = start(state, people=people, section=section)
        checks_before = CheckReport.objects.filter(article=target).count()
        articles_before = Article.objects.filter(author=actor).count() if actor else 0
        url = path.format(id=target.pk, missing=MISSING)
        client = clients[role]
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, form_data(data[0] if data else "", section))
        got = outcome(
            response,
            target.pk,
            actor=actor,
            checks_before=checks_before,
            articles_before=articles_before,
        )
        transaction.set_rollback(True)
    return got


def test_every_editorial_request_by_every_role(people):
    """Each URL and action of the editorial app, for anonymous, the article's author, another
    contributor, an editor and an admin, answers with the status code and leaves the article
    in the state written in MATRIX; all mismatches are listed at once."""
    section = SectionFactory(name="Politik", slug="politik")
    clients = clients_for(people)
    mismatches, cells = [], 0
    for request, state, *expected in MATRIX:
        for role, want in zip(ROLES, expected, strict=True):
            got = run_cell(request, state, role, people=people, clients=clients, section=section)
            cells += 1
            if got != want:
                mismatches.append((request, state, role, want, got))
    assert cells == len(MATRIX) * len(ROLES)
    print(f"permission matrix: {cells} cells, {len(mismatches)} mismatches")
    assert mismatches == [], f"{len(mismatches)} of {cells} cells:\n" + "\n".join(
        f"{request} from {state} as {role}: want {want!r}, got {got!r}"
        for request, state, role, want, got in mismatches
    )


# Without the CSRF token, a logged-in user's raw POST changes nothing.
# fmt: off
CSRF_MATRIX = [
    # request                                    from         role      without token      with token
    ("POST /de/write/{id}/ save",                "draft",     "owner",  "403 draft",       "302 draft edited"),
    ("POST /de/review/{id}/publish/ note",       "submitted", "editor", "403 submitted",   "302 published"),
    ("POST /de/write/{id}/autosave/ autosave",   "draft",     "owner",  "403 draft",       "200 draft edited"),
]
# fmt: on


def test_raw_posts_without_a_csrf_token_are_refused(people):
    """With CSRF checks enforced (as in a browser), a POST without the token is a 403 and
    changes nothing; the same POST with the token works (the check is not vacuous)."""
    section = SectionFactory(name="Politik", slug="politik")
    mismatches = []
    for request, state, role, *expected in CSRF_MATRIX:
        method, path, data = request.split()
        for with_token, want in zip((False, True), expected, strict=True):
            client = Client(enforce_csrf_checks=True)
            client.force_login(people[role])
            with transaction.atomic():
                cache.clear()
                target = start(state, people=people, section=section)
                fields = form_data(data, section)
                if with_token:
                    client.get("/de/write/")  # sets the CSRF cookie
                    fields = {**fields, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
                checks = CheckReport.objects.filter(article=target).count()
                mine = Article.objects.filter(author=people[role]).count()
                response = client.post(path.format(id=target.pk), fields)
                got = outcome(
                    response, target.pk, actor=people[role], checks_before=checks,
                    articles_before=mine,
                )  # fmt: skip
                transaction.set_rollback(True)
            if got != want:
                mismatches.append(
                    f"{request} as {role}, token={with_token}: want {want}, got {got}"
                )
    assert mismatches == []


# access_article_for_writing(user, id): "ok" (the article) or 404, by user and article.
# fmt: off
WRITING_ACCESS = {
    #                  owner's draft  owner's published  another's draft  missing id  not a number
    "anonymous":       ("404",        "404",             "404",           "404",      "404"),
    "owner":           ("ok",         "ok",              "404",           "404",      "404"),
    "other":           ("404",        "404",             "ok",            "404",      "404"),
    "editor":          ("ok",         "ok",              "ok",            "404",      "404"),
    "admin":           ("ok",         "ok",              "ok",            "404",      "404"),
    "inactive owner":  ("404",        "404",             "404",           "404",      "404"),
    "inactive editor": ("404",        "404",             "404",           "404",      "404"),
}
REVIEW_ACCESS = {
    #                  owner's draft  owner's published  another's draft  missing id  not a number
    "anonymous":       ("404",        "404",             "404",           "404",      "404"),
    "owner":           ("404",        "404",             "404",           "404",      "404"),
    "other":           ("404",        "404",             "404",           "404",      "404"),
    "editor":          ("ok",         "ok",              "ok",            "404",      "404"),
    "admin":           ("ok",         "ok",              "ok",            "404",      "404"),
    "inactive owner":  ("404",        "404",             "404",           "404",      "404"),
    "inactive editor": ("404",        "404",             "404",           "404",      "404"),
}
# fmt: on


def _access_table(function) -> dict:
    section = SectionFactory()
    owner, other = UserFactory(), UserFactory()
    users = {
        "anonymous": AnonymousUser(),
        "owner": owner,
        "other": other,
        "editor": UserFactory(editor=True),
        "admin": UserFactory(admin=True),
        "inactive owner": owner,
        "inactive editor": UserFactory(editor=True, is_active=False),
    }
    ids = (
        article(published=False, author=owner, section=section).pk,
        article(published=True, author=owner, section=section, slug="owners-published").pk,
        article(published=False, author=other, section=section).pk,
        MISSING,
        "x",
    )
    got = {}
    for name, user in users.items():
        if name == "inactive owner":  # the author of the articles, deactivated
            user = UserFactory.build(pk=owner.pk, is_active=False)
        row = []
        for article_id in ids:
            try:
                found = function(user, article_id)
            except Http404:
                row.append("404")
            else:
                row.append("ok" if found.pk == article_id else f"wrong article {found.pk}")
        got[name] = tuple(row)
    return got


def test_access_article_for_writing():
    """Authors reach their own articles, editors and admins every article; everyone else, and
    every missing or malformed id, gets the same 404."""
    assert _access_table(access_article_for_writing) == WRITING_ACCESS


def test_access_article_for_review():
    """Only editors and admins reach articles for review; the 404 is the same as for a
    missing article."""
    assert _access_table(access_article_for_review) == REVIEW_ACCESS


# access_article_for_editing(user, id) by the article's state: "ok", "404", or the code of the
# refusal (the article is shown to the user but its text can't change now).
# fmt: off
EDITING_ACCESS = {
    #            draft   changes_requested  withdrawn  submitted      approved       published      taken_down
    "owner":     ("ok",  "ok",              "ok",      "with_editors", "with_editors", "with_editors", "taken_down"),
    "other":     ("404", "404",             "404",     "404",          "404",          "404",          "404"),
    "editor":    ("ok",  "ok",              "ok",      "ok",           "ok",           "ok",           "taken_down"),
    "admin":     ("ok",  "ok",              "ok",      "ok",           "ok",           "ok",           "taken_down"),
    "anonymous": ("404", "404",             "404",     "404",          "404",          "404",          "404"),
}
# fmt: on
EDITING_STATES = (
    "draft",
    "changes_requested",
    "withdrawn",
    "submitted",
    "approved",
    "published",
    "taken_down",
)  # fmt: skip


def test_access_article_for_editing(people):
    """Authors change their text before the editors have it and when it comes back; editors
    and admins in every state; nobody while it is taken down; a missing id, or another's
    article, is the same 404."""
    section = SectionFactory()
    users = {role: people.get(role) or AnonymousUser() for role in EDITING_ACCESS}
    got = {}
    for role, user in users.items():
        row = []
        for state in EDITING_STATES:
            target = start(state, people=people, section=section)
            try:
                found = access_article_for_editing(user, target.pk)
            except Http404:
                row.append("404")
            except ActionRefused as exc:
                row.append(exc.code)
            else:
                row.append("ok" if found.pk == target.pk else f"wrong article {found.pk}")
        got[role] = tuple(row)
    assert got == EDITING_ACCESS
    assert access_article_for_editing(people["owner"], None) is None
    for article_id in (MISSING, "x"):
        with pytest.raises(Http404):
            access_article_for_editing(people["editor"], article_id)


def test_the_editor_page_and_autosave_agree(people):
    """Whoever may change an article's text with the Save button in a state may change it by
    autosave too, and the other way round; the exceptions are a published and a scheduled
    article, whose public text changes only with the button."""
    section = SectionFactory(name="Politik", slug="politik")
    clients = clients_for(people)
    disagreements = []
    for state in (*EDITING_STATES, "in_review", "scheduled", "rejected", "unpublished"):
        for role in ("owner", "editor", "admin"):
            kw = {"people": people, "clients": clients, "section": section}
            saved = run_cell("POST /de/write/{id}/ save", state, role, **kw)
            autosaved = run_cell("POST /de/write/{id}/autosave/ autosave", state, role, **kw)
            by_button, by_autosave = saved.endswith("edited"), autosaved.endswith("edited")
            if state in ("published", "scheduled") and by_button:
                by_button = False  # autosave leaves the public text alone
            if by_button != by_autosave:
                disagreements.append((state, role, saved, autosaved))
    assert disagreements == []


# --- rate limits ------------------------------------------------------------------------------


@pytest.fixture
def frozen_rate_window(monkeypatch):
    """The rate limit windows depend on the clock; freeze it so no window ends mid-test."""
    now = 1_900_000_000.0
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: now))
    cache.clear()


def _is_friendly_429(response) -> bool:
    html = response.content.decode()
    return (
        response.status_code == 429
        and "<h1>Zu viele Anfragen</h1>" in html
        and "Sie haben dieses Formular zu oft abgeschickt" in html
        and "</html>" in html
    )


def test_preview_is_rate_limited(client, frozen_rate_window):
    """PREVIEW_RATE (60 a minute) previews go through; the next one is a 429 page with a
    sentence, and another user is not affected."""
    client.force_login(UserFactory())
    codes = [
        client.post("/de/write/preview/", {"body": f"Absatz {i}"}).status_code for i in range(60)
    ]
    assert codes == [200] * 60
    assert _is_friendly_429(client.post("/de/write/preview/", {"body": "noch einer"}))
    someone_else = Client()
    someone_else.force_login(UserFactory())
    assert someone_else.post("/de/write/preview/", {"body": "x"}).status_code == 200


def test_submit_is_rate_limited(client, frozen_rate_window):
    """SUBMIT_RATE (10 a minute) POSTs to the editor go through; the next one is a 429 page
    with a sentence."""
    section = SectionFactory(name="Politik", slug="politik")
    writer = UserFactory()
    client.force_login(writer)
    draft = article(published=False, author=writer, section=section, body=GOOD_BODY)
    submit = form_data("submit_unaccepted", section)
    codes = [client.post(f"/de/write/{draft.pk}/", submit).status_code for _ in range(10)]
    assert codes == [302] * 10
    assert _is_friendly_429(client.post(f"/de/write/{draft.pk}/", form_data("submit", section)))
    draft.refresh_from_db()
    assert draft.status == S.DRAFT

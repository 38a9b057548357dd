"""A writer's own articles on the API: the same form, permission functions, save, checks and
actions as the writer's pages; bad input as problems (400, 412, 413, 415), never a 500, and
never a lost text."""

import io
import json
import types

import django_ratelimit.core
import pytest
from django.core.cache import cache
from django.test import Client
from PIL import Image as PILImage

from newsdesk.accounts import actions as account_actions
from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.api.endpoints.submission_input import JSON_MAX_BYTES
from newsdesk.articles.images import MAX_UPLOAD_BYTES
from newsdesk.articles.models import BODY_MAX_BYTES, Article, Image
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.editorial import actions, writing
from newsdesk.editorial.grounds import Ground
from newsdesk.editorial.models import AuditEntry, CheckReport, GuidelinesAcceptance
from newsdesk.editorial.queries import review_queue
from newsdesk.editorial.tests.test_actions import GOOD_BODY

pytestmark = pytest.mark.django_db
S = Article.Status
PROBLEM_JSON = "application/problem+json"
TITLE = "Stadtrat beschließt den Haushalt für 2027"


def token_for(user, scopes=("submissions:write",)):
    _row, token = account_actions.create_token(
        user=user, name="ci", scopes=list(scopes), expires_in_days=30
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def image_bytes(fmt="JPEG", size=(1200, 675)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, (200, 80, 40)).save(out, fmt)
    return out.getvalue()


def send(client, method, path, headers, body=None, **extra):
    if method == "GET":
        return client.get(path, **headers, **extra)
    return getattr(client, method.lower())(
        path, json.dumps(body if body is not None else {}), "application/json", **headers, **extra
    )


@pytest.fixture
def section():
    return SectionFactory(slug="politik", name="Politik")


@pytest.fixture
def writer():
    return UserFactory(display_name="Wanda Writer")


@pytest.fixture
def auth(writer):
    return token_for(writer)


def new_text(**changes):
    return {
        "title": TITLE,
        "lead": "Nach langer Debatte steht der Plan.",
        "body": GOOD_BODY,
        "language": "de",
        "kind": "news",
        "section": "politik",
        "tags": ["Haushalt", "Stadtrat"],
        **changes,
    }


def create(client, auth, **changes):
    response = send(client, "POST", "/api/v1/submissions/", auth, new_text(**changes))
    assert response.status_code == 201, response.content[:500]
    return response


def saved_text(pk):
    a = Article.objects.get(pk=pk)
    return (a.title, a.lead, a.body, a.language, a.status)


def assert_problem(response, status, detail_part=""):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == status
    assert detail_part in body["detail"], body
    return body


def test_a_draft_written_through_the_api_reaches_the_review_queue(client, writer, auth, section):
    """Create, edit, upload a cover, run the checks and submit, all with a token: the article
    is then in the editors' queue (the API's and editorial.queries.review_queue), with the
    guidelines accepted and the submission in the audit log as if made on the web."""
    created = create(client, auth)
    body = created.json()
    pk = body["id"]
    assert created["Location"] == f"http://127.0.0.1:8000/api/v1/submissions/{pk}/"
    assert body["state"] == "draft" and body["title"] == TITLE
    assert [t["name"] for t in body["tags"]] == ["Haushalt", "Stadtrat"]
    assert body["section"]["slug"] == "politik"
    assert body["revision"] == 1 and body["guidelines_version"] == 1
    assert body["next_actions"] == ["edit", "cover", "check", "submit"]
    assert body["locked_because"] is None
    assert body["cover"]["generated"] is True  # newsdesk's art until one is uploaded
    a = Article.objects.get(pk=pk)
    assert a.author == writer and a.revisions.get().created_by == writer

    edited = send(
        client, "PATCH", created["Location"], auth, {"lead": "Neuer Vorspann.", "kind": "analysis"}
    )
    assert edited.status_code == 200, edited.content[:300]
    assert edited.json()["lead"] == "Neuer Vorspann." and edited.json()["kind"] == "analysis"
    assert edited.json()["title"] == TITLE and edited.json()["revision"] == 2

    cover = client.post(
        f"/api/v1/submissions/{pk}/cover/",
        {"image": io.BytesIO(image_bytes()), "alt": "Der Ratssaal", "credit": "Foto: Rat"},
        **auth,
    )
    assert cover.status_code == 200, cover.content[:300]
    shown = cover.json()["cover"]
    assert (shown["alt"], shown["credit"], shown["generated"]) == (
        "Der Ratssaal",
        "Foto: Rat",
        False,
    )
    assert (shown["width"], shown["height"]) == (1200, 675)
    assert cover.json()["lead"] == "Neuer Vorspann."  # the text as it was

    checks = client.post(f"/api/v1/submissions/{pk}/checks/", **auth)
    assert checks.status_code == 200
    report = CheckReport.objects.filter(article_id=pk).latest("id")
    assert checks.json()["blocking"] is False is report.blocking
    assert [r["code"] for r in checks.json()["results"]] == [r["code"] for r in report.results]

    submitted = send(
        client,
        "POST",
        f"/api/v1/submissions/{pk}/submit/",
        auth,
        {"accepted_guidelines_version": 1},
    )
    assert submitted.status_code == 200, submitted.content[:300]
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["next_actions"] == ["withdraw"]
    assert submitted.json()["locked_because"] == (
        "This article is with the editors; you can't change it now."
    )
    assert list(review_queue().values_list("pk", flat=True)) == [pk]
    editor = UserFactory(editor=True)
    queue = client.get("/api/v1/reviews/", **token_for(editor, ["reviews:write"]))
    assert [row["id"] for row in queue.json()["data"]] == [pk]
    entry = AuditEntry.objects.get(article_id=pk)
    assert (entry.action, entry.actor_id, entry.from_status, entry.to_status) == (
        "submit",
        writer.pk,
        "draft",
        "submitted",
    )
    acceptance = GuidelinesAcceptance.objects.get(article_id=pk)
    assert acceptance.user == writer and acceptance.version.number == 1


def test_the_list_is_the_dashboards_own_articles(client, writer, auth, section):
    """Only the token's user's articles, newest change first, paged with meta.pagination and
    a Link to the next page; a published one links its public page."""
    mine_old = article(published=True, author=writer, section=section, title="Ältere Meldung")
    mine_new = article(published=False, author=writer, section=section, title="Neuer Entwurf")
    article(published=False, section=section, title="Fremder Entwurf")  # someone else's
    response = client.get("/api/v1/submissions/", {"limit": 1}, **auth)
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["data"]] == [mine_new.pk]
    assert body["meta"]["pagination"]["total"] == 2
    assert response["Link"] == (
        '<http://127.0.0.1:8000/api/v1/submissions/?limit=1&offset=1>; rel="next"'
    )
    second = client.get("/api/v1/submissions/", {"limit": 1, "offset": 1}, **auth).json()
    assert [row["id"] for row in second["data"]] == [mine_old.pk]
    assert second["data"][0]["state"] == "published"
    assert second["data"][0]["url"] == f"http://127.0.0.1:8000{mine_old.get_absolute_url()}"
    assert body["data"][0]["url"] is None
    assert_problem(client.get("/api/v1/submissions/", {"state": "x"}, **auth), 400, "state")


def test_the_list_reads_a_fixed_number_of_queries(client, writer, auth, section,
                                                   django_assert_max_num_queries):  # fmt: skip
    """No query per article."""
    for n in range(5):
        article(published=False, author=writer, section=section, title=f"Entwurf Nummer {n}")
    with django_assert_max_num_queries(4):  # the token (and its last use), a page, a count
        response = client.get("/api/v1/submissions/", **auth)
    assert len(response.json()["data"]) == 5


def test_another_contributors_article_is_404_everywhere(client, auth, section):
    """Another writer's draft is "not found" for every endpoint, as a missing id; nothing
    about it changes."""
    theirs = article(published=False, section=section, title="Fremder Entwurf", body=GOOD_BODY)
    before = saved_text(theirs.pk)
    base = f"/api/v1/submissions/{theirs.pk}/"
    calls = [
        ("GET", base, None),
        ("PATCH", base, {"title": "Übernommen"}),
        ("PUT", base, new_text()),
        ("POST", base + "checks/", {}),
        ("POST", base + "submit/", {"accepted_guidelines_version": 1}),
        ("POST", base + "withdraw/", {}),
    ]
    for method, path, body in calls:
        if method == "GET":
            assert_problem(client.get(path, **auth), 404)
        else:
            assert_problem(send(client, method, path, auth, body), 404)
    cover = client.post(base + "cover/", {"image": io.BytesIO(image_bytes()), "alt": "A"}, **auth)
    assert_problem(cover, 404)
    assert saved_text(theirs.pk) == before
    assert not CheckReport.objects.filter(article=theirs).exists()


def test_a_token_without_the_scope_is_403_insufficient_scope(client, section):
    """An editor's token with every other scope may not write submissions: 403 with
    error=insufficient_scope and the scope that would do, in the body and the header."""
    editor = UserFactory(editor=True)
    headers = token_for(editor, ["reviews:write", "reports:read"])
    mine = article(published=False, author=editor, section=section)
    for method, path in [
        ("GET", "/api/v1/submissions/"),
        ("POST", "/api/v1/submissions/"),
        ("GET", f"/api/v1/submissions/{mine.pk}/"),
        ("PATCH", f"/api/v1/submissions/{mine.pk}/"),
        ("POST", f"/api/v1/submissions/{mine.pk}/submit/"),
    ]:
        response = send(client, method, path, headers, new_text())
        body = assert_problem(response, 403)
        assert (body["error"], body["scope"]) == ("insufficient_scope", "submissions:write")
        assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert Article.objects.count() == 1


def test_an_editors_token_follows_the_editors_rules(client, section):
    """An editor's token edits a contributor's submission and a published article (the Save
    button's rule: the public text changes); a contributor's may not touch what the editors
    have (409 with_editors); nobody's a taken-down one (409 taken_down)."""
    editor = UserFactory(editor=True)
    headers = token_for(editor)
    owner = UserFactory()
    theirs = article(published=False, author=owner, section=section, body=GOOD_BODY)
    actions.submit_article(article=theirs, by=owner, accepted_version=1)
    response = send(client, "PATCH", f"/api/v1/submissions/{theirs.pk}/", headers, {"lead": "Neu"})
    assert response.status_code == 200, response.content[:300]
    assert response.json()["state"] == "submitted" and response.json()["lead"] == "Neu"
    latest = Article.objects.get(pk=theirs.pk).revisions.order_by("-number").first()
    assert latest.created_by == editor and Article.objects.get(pk=theirs.pk).author == owner

    refused = send(
        client, "PATCH", f"/api/v1/submissions/{theirs.pk}/", token_for(owner), {"lead": "Weg"}
    )
    body = assert_problem(refused, 409, "with the editors")
    assert body["code"] == "with_editors"
    assert Article.objects.get(pk=theirs.pk).lead == "Neu"

    published = article(published=True, author=owner, section=section, body=GOOD_BODY)
    response = send(
        client,
        "PATCH",
        f"/api/v1/submissions/{published.pk}/",
        headers,
        {"title": "Korrigierter Titel der Meldung"},
    )
    assert response.status_code == 200 and response.json()["state"] == "published"
    public = Client().get(published.get_absolute_url())
    assert "Korrigierter Titel der Meldung" in public.content.decode()

    actions.take_down_article(article=published, editor=editor, ground=Ground.values[0])
    down = send(client, "PATCH", f"/api/v1/submissions/{published.pk}/", headers, {"lead": "x"})
    assert assert_problem(down, 409, "taken down")["code"] == "taken_down"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"lead": "x" * 601}, "lead", "at most 600 characters"),
        ({"body": "   "}, "body", "This field is required."),
        (
            {"body": "ä" * (BODY_MAX_BYTES // 2 + 1)},
            "body",
            "The body is larger than 1 MB. Split it into several articles.",
        ),
        ({"language": "xx-nope-nope"}, "language", "is not a language tag"),
        ({"section": "nirgendwo"}, "section", "There is no section with the slug 'nirgendwo'."),
        ({"tags": [f"Tag {n}" for n in range(9)]}, "tags", "Use at most 8 tags."),
        ({"tags": "Haushalt"}, "tags", 'Expected a list of items but got type "str".'),
        ({"tags": ["Rat, Haushalt"]}, "tags", "may not contain a comma"),
        ({"title": 5}, "title", "Not a valid string."),
        ({"kind": "satire"}, "kind", "is not a valid choice"),
        ({"author": 1}, "author", "is not a field here"),
        ({"revision": "x"}, "revision", "A valid integer is required."),
    ],
)
def test_bad_input_is_a_400_and_the_saved_text_stays(client, auth, section, changes, field,
                                                     message):  # fmt: skip
    """Each bad field is a 400 problem naming the field with the web form's message; the
    text saved before is unchanged (the edit is refused as a whole), and a create saves
    nothing."""
    pk = create(client, auth).json()["id"]
    before = saved_text(pk)
    for method, path in [("PATCH", f"/api/v1/submissions/{pk}/"), ("POST", "/api/v1/submissions/")]:
        body = changes if method == "PATCH" else new_text(**changes)
        if method == "POST" and field == "revision":
            continue
        problem = assert_problem(send(client, method, path, auth, body), 400)
        assert message in str(problem["errors"][field]), problem
        assert problem["detail"].startswith(f"{field}: ")
    assert saved_text(pk) == before and Article.objects.count() == 1


def test_a_create_without_the_required_fields_names_them(client, auth, section):
    problem = assert_problem(send(client, "POST", "/api/v1/submissions/", auth, {}), 400)
    assert set(problem["errors"]) == {"title", "body", "language", "section"}
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("content_type", "raw", "status", "detail"),
    [
        ("application/json", b'{"title": ', 400, "JSON parse error"),
        ("application/json", b'["a list"]', 400, "Expected a JSON object."),
        ("application/json", b"null", 400, "Expected a JSON object."),
        ("text/plain", b"title=Hallo", 415, 'Unsupported media type "text/plain"'),
        ("application/x-www-form-urlencoded", b"title=Hallo", 415, "Unsupported media type"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_problem(client, auth, section, content_type, raw,
                                                       status, detail):  # fmt: skip
    """Malformed JSON, a JSON value that is not an object, another content type: 400 or 415
    problems, for a create and an edit alike; nothing changes."""
    pk = create(client, auth).json()["id"]
    before = saved_text(pk)
    for method, path in [("POST", "/api/v1/submissions/"), ("PATCH", f"/api/v1/submissions/{pk}/")]:
        response = getattr(client, method.lower())(path, raw, content_type, **auth)
        assert_problem(response, status, detail)
    assert saved_text(pk) == before and Article.objects.count() == 1


def test_a_request_too_large_to_hold_a_body_is_413_before_it_is_read(client, auth, section):
    pk = create(client, auth).json()["id"]
    before = saved_text(pk)
    huge = json.dumps(new_text(body="x" * (JSON_MAX_BYTES + 1)))
    response = client.patch(f"/api/v1/submissions/{pk}/", huge, "application/json", **auth)
    assert_problem(response, 413, "the body may have at most 1 MB")
    assert saved_text(pk) == before


def test_a_body_of_exactly_1_mb_is_taken(client, auth, section):
    """The limit is the web's: 1 MB of UTF-8 is still a body (here escaped in JSON, which
    triples it)."""
    body = "## Text\n\n" + "ä" * ((BODY_MAX_BYTES - 9) // 2)
    payload = json.dumps(new_text(body=body))  # ensure_ascii: \u00e4, six bytes each
    assert len(payload) > 2 * BODY_MAX_BYTES
    response = client.post("/api/v1/submissions/", payload, "application/json", **auth)
    assert response.status_code == 201, response.content[:300]
    assert Article.objects.get().body == body


def test_a_script_in_the_body_comes_back_only_as_sanitised_html(client, auth, section):
    """The Markdown comes back as written; `html` is the public page's rendering, with no
    script element, event handler or javascript: link."""
    body = (
        GOOD_BODY + "\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[klick](javascript:alert(1))"
    )
    response = create(client, auth, body=body)
    data = client.get(response["Location"], **auth).json()
    assert data["body"] == body
    html = data["html"]
    assert "<script" not in html and "<img" not in html and "<a" not in html
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert html == Article.objects.get().body_html


def test_if_match_and_revision_refuse_lost_updates(client, auth, section):
    """An edit with the ETag last read (If-Match) or the revision it started from goes
    through; one from before someone else's change is a 412 and changes nothing."""
    location = create(client, auth)["Location"]
    read = client.get(location, **auth)
    etag = read["ETag"]
    assert read.status_code == 200 and etag
    assert client.get(location, HTTP_IF_NONE_MATCH=etag, **auth).status_code == 304
    first = send(client, "PATCH", location, auth, {"lead": "Erste"}, HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.content[:300]
    assert first["ETag"] == client.get(location, **auth)["ETag"] != etag
    stale = send(client, "PATCH", location, auth, {"lead": "Zweite"}, HTTP_IF_MATCH=etag)
    problem = assert_problem(stale, 412, "changed since you read it")
    assert problem["code"] == "edit_conflict" and problem["etag"] == first["ETag"]
    assert Article.objects.get().lead == "Erste"
    anything = send(client, "PATCH", location, auth, {"lead": "Dritte"}, HTTP_IF_MATCH="*")
    assert anything.status_code == 200
    revision = client.get(location, **auth).json()["revision"]
    old = send(client, "PATCH", location, auth, {"title": "Alter Stand", "revision": revision - 1})
    assert assert_problem(old, 412, "newer revision")["revision"] == revision
    ok = send(client, "PATCH", location, auth, {"title": "Neuer Stand", "revision": revision})
    assert ok.status_code == 200 and ok.json()["revision"] == revision + 1


def test_put_replaces_the_text(client, auth, section):
    """PUT needs the whole text; lead and tags left out are emptied, kind is news again."""
    location = create(client, auth, kind="opinion")["Location"]
    text = {"title": "Ganz neu", "body": GOOD_BODY, "language": "en", "section": "politik"}
    response = send(client, "PUT", location, auth, text)
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    assert (data["title"], data["lead"], data["tags"], data["kind"], data["language"]) == (
        "Ganz neu",
        "",
        [],
        "news",
        "en",
    )
    missing = assert_problem(send(client, "PUT", location, auth, {"title": "Nur Titel"}), 400)
    assert set(missing["errors"]) == {"body", "language", "section"}


def test_a_raw_image_body_is_a_cover_too(client, auth, section, django_capture_on_commit_callbacks):
    """The image itself as the body, the fields as query parameters; PNG and WebP too."""
    pk = create(client, auth).json()["id"]
    for fmt, content_type in [("PNG", "image/png"), ("WEBP", "image/webp")]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/api/v1/submissions/{pk}/cover/?alt=Ein+Saal&ai_generated=true",
                image_bytes(fmt),
                content_type,
                **auth,
            )
        assert response.status_code == 200, response.content[:300]
        cover = response.json()["cover"]
        assert (cover["alt"], cover["generated"]) == ("Ein Saal", True)
    assert Image.objects.filter(generated=False).count() == 1  # the replaced one is deleted


@pytest.mark.parametrize(
    ("upload", "status", "detail", "field"),
    [
        ("gif", 415, "use JPEG, PNG or WebP", None),
        ("broken", 415, "use JPEG, PNG or WebP", "image"),
        ("tiny", 400, "each side needs at least 200 pixels", "image"),
        ("no_alt", 400, "Describe the image in the alt text.", "alt"),
        ("no_file", 400, "Choose an image file", "image"),
        ("huge", 413, "larger than 10 MB", None),
        ("huge_raw", 413, "larger than 10 MB", None),
        ("extra", 400, "is not a field here", "colour"),
    ],
)
def test_a_refused_cover_is_a_problem_with_its_message(client, auth, section, upload, status,
                                                       detail, field):  # fmt: skip
    """ImageRejected and the cover form's errors as 400/413/415 problems with the web's
    messages; the cover stays the one before and no file is left behind."""
    pk = create(client, auth).json()["id"]
    cover_before = Article.objects.get(pk=pk).cover_id
    path = f"/api/v1/submissions/{pk}/cover/"
    form = {"image": io.BytesIO(image_bytes()), "alt": "Der Saal"}
    if upload == "gif":
        response = client.post(path + "?alt=A", image_bytes("GIF"), "image/gif", **auth)
    elif upload == "broken":
        form["image"] = io.BytesIO(b"\xff\xd8\xff not really a JPEG")
        response = client.post(path, form, **auth)
    elif upload == "tiny":
        form["image"] = io.BytesIO(image_bytes(size=(120, 90)))
        response = client.post(path, form, **auth)
    elif upload == "no_alt":
        response = client.post(path, {**form, "alt": "  "}, **auth)
    elif upload == "no_file":
        response = client.post(path, {"alt": "Der Saal"}, **auth)
    elif upload == "huge":
        form["image"] = io.BytesIO(b"\xff" * (MAX_UPLOAD_BYTES + 1))
        response = client.post(path, form, **auth)
    elif upload == "huge_raw":
        raw = b"\xff" * (MAX_UPLOAD_BYTES + 1)
        response = client.post(path + "?alt=A", raw, "image/jpeg", **auth)
    else:
        response = client.post(path, {**form, "colour": "rot"}, **auth)
    problem = assert_problem(response, status, detail)
    if field is not None:
        assert any(detail in m for m in problem["errors"][field]), problem
    assert Article.objects.get(pk=pk).cover_id == cover_before
    assert Image.objects.filter(generated=False).count() == 0


@pytest.fixture
def frozen_rate_window(monkeypatch):
    """The rate limit windows depend on the clock; freeze it so no window ends mid-test."""
    now = 1_900_000_000.0
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: now))
    cache.clear()


def test_uploads_share_the_webs_rate_limit(client, writer, auth, section, monkeypatch,
                                           frozen_rate_window):  # fmt: skip
    """UPLOAD_RATE counts the web's and the API's uploads together: past it, a 429 problem with
    Retry-After and the web's message; no image is stored."""
    monkeypatch.setattr(writing, "UPLOAD_RATE", "2/h")
    pk = create(client, auth).json()["id"]
    web = Client()
    web.force_login(writer)
    form = {
        "title": TITLE,
        "lead": "",
        "body": GOOD_BODY,
        "language": "de",
        "kind": "news",
        "section": section.pk,
        "tags": "",
        "cover_alt": "Saal",
        "intent": "save",
    }
    jpeg = io.BytesIO(image_bytes())
    jpeg.name = "cover.jpg"
    assert web.post(f"/de/write/{pk}/", {**form, "cover": jpeg}).status_code == 302
    path = f"/api/v1/submissions/{pk}/cover/"
    ok = client.post(path, {"image": io.BytesIO(image_bytes()), "alt": "Saal"}, **auth)
    assert ok.status_code == 200
    limited = client.post(path, {"image": io.BytesIO(image_bytes()), "alt": "Saal"}, **auth)
    assert_problem(limited, 429, "You have uploaded many images in a short time")
    assert int(limited["Retry-After"]) > 0
    # The second replaced the first (deleted after commit, which this test does not run).
    assert Image.objects.filter(generated=False).count() == 2
    assert Article.objects.get(pk=pk).cover == Image.objects.filter(generated=False).latest("id")


def test_submit_refusals_carry_the_actions_message_and_code(client, writer, auth, section,
                                                            settings):  # fmt: skip
    """Guidelines not accepted: 400 naming the field; failed checks: 409 `checks` with the
    report (recorded); a suspended contributor: 409 `repeat_infringer`. The draft stays a
    draft with its text."""
    pk = create(client, auth).json()["id"]
    path = f"/api/v1/submissions/{pk}/submit/"
    wrong = assert_problem(
        send(client, "POST", path, auth, {"accepted_guidelines_version": 7}), 400
    )
    assert wrong["code"] == "guidelines"
    assert wrong["errors"] == {
        "accepted_guidelines_version": [
            "Please read and accept the current guidelines before submitting."
        ]
    }
    for bad in [{}, {"accepted_guidelines_version": "1"}, {"accepted_guidelines_version": True}]:
        assert_problem(send(client, "POST", path, auth, bad), 400, "accepted_guidelines_version")

    short = create(client, auth, title="KURZ!!!", body="Ein Satz.").json()["id"]
    failed = send(
        client,
        "POST",
        f"/api/v1/submissions/{short}/submit/",
        auth,
        {"accepted_guidelines_version": 1},
    )
    problem = assert_problem(failed, 409, "The automated checks found problems.")
    assert problem["code"] == "checks" and problem["check_report"]["blocking"] is True
    assert CheckReport.objects.filter(article_id=short, blocking=True).count() == 1
    assert saved_text(short) == ("KURZ!!!", "Nach langer Debatte steht der Plan.", "Ein Satz.",
                                 "de", S.DRAFT)  # fmt: skip

    settings.REPEAT_INFRINGER_LIMIT = 0
    suspended = assert_problem(
        send(client, "POST", path, auth, {"accepted_guidelines_version": 1}), 409, "suspended"
    )
    assert suspended["code"] == "repeat_infringer"
    assert Article.objects.get(pk=pk).status == S.DRAFT


def test_submitting_shares_the_webs_rate_limit(client, writer, auth, section,
                                               frozen_rate_window):  # fmt: skip
    """SUBMIT_RATE (10 a minute) counts the editor page's Submit button and the API together;
    past it, a 429 problem with Retry-After and nothing submitted."""
    pk = create(client, auth, title="KURZ!!!", body="Ein Satz.").json()["id"]
    web = Client()
    web.force_login(writer)
    a = Article.objects.get(pk=pk)
    form = {
        "title": a.title,
        "lead": "",
        "body": a.body,
        "language": "de",
        "kind": "news",
        "section": section.pk,
        "tags": "",
        "intent": "submit",
    }
    for _ in range(5):
        assert web.post(f"/de/write/{pk}/", form).status_code == 302
    path = f"/api/v1/submissions/{pk}/submit/"
    codes = [
        send(client, "POST", path, auth, {"accepted_guidelines_version": 1}).status_code
        for _ in range(6)
    ]
    assert codes == [409] * 5 + [429]
    limited = send(client, "POST", path, auth, {"accepted_guidelines_version": 1})
    assert_problem(limited, 429, "submitted many times")
    assert int(limited["Retry-After"]) > 0
    assert web.post(f"/de/write/{pk}/", form).status_code == 429
    assert Article.objects.get(pk=pk).status == S.DRAFT


def test_withdraw_takes_a_submission_back(client, auth, section):
    pk = create(client, auth).json()["id"]
    path = f"/api/v1/submissions/{pk}/"
    assert_problem(client.post(path + "withdraw/", **auth), 409, "not possible")
    send(client, "POST", path + "submit/", auth, {"accepted_guidelines_version": 1})
    response = client.post(path + "withdraw/", **auth)
    assert response.status_code == 200 and response.json()["state"] == "withdrawn"
    assert response.json()["next_actions"] == ["edit", "cover", "check", "submit"]
    edited = send(client, "PATCH", path, auth, {"lead": "Nach dem Rückzug"})
    assert edited.status_code == 200


def test_change_requests_and_the_report_are_shown(client, writer, auth, section):
    """The editors' note comes back on the submission, with the latest check report."""
    pk = create(client, auth).json()["id"]
    send(
        client,
        "POST",
        f"/api/v1/submissions/{pk}/submit/",
        auth,
        {"accepted_guidelines_version": 1},
    )
    editor = UserFactory(editor=True, display_name="Erika Editor")
    actions.request_changes(article=Article.objects.get(pk=pk), editor=editor, note="Quellen?")
    data = client.get(f"/api/v1/submissions/{pk}/", **auth).json()
    assert data["state"] == "changes_requested"
    assert [(r["action"], r["note"], r["editor"]) for r in data["change_requests"]] == [
        ("request_changes", "Quellen?", {"id": editor.pk, "display_name": "Erika Editor"})
    ]
    report = CheckReport.objects.filter(article_id=pk).latest("id")
    assert data["check_report"]["revision_number"] == report.revision_number == 1
    assert data["next_actions"] == ["edit", "cover", "check", "submit", "withdraw"]


def test_options_and_addresses_without_the_slash(client, auth, section):
    """OPTIONS describes an endpoint (no 500 from the PUT description); the actions answer
    without their trailing slash too."""
    pk = create(client, auth).json()["id"]
    options = client.options(f"/api/v1/submissions/{pk}/", **auth)
    assert options.status_code == 200 and options.json()["name"] == "Submission Detail"
    theirs = article(published=False, section=section)
    assert client.options(f"/api/v1/submissions/{theirs.pk}/", **auth).status_code == 200
    checks = client.post(f"/api/v1/submissions/{pk}/checks", **auth)
    assert checks.status_code == 200 and checks.json()["blocking"] is False

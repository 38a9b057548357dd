"""One rule, two doors, one outbox: a contributor submits through the API, an editor decides
on the review page, the article is edited and taken down; each step reaches a real receiver on
127.0.0.1 as a signed webhook (checked with the independent `standardwebhooks` package), once,
in the order it happened."""

import json

import pytest
from standardwebhooks.webhooks import Webhook

from newsdesk.accounts import actions as account_actions
from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.api.tests.test_submissions_api import new_text, send
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import SectionFactory
from newsdesk.editorial import actions as editorial
from newsdesk.editorial.grounds import Ground
from newsdesk.webhooks.delivery import deliver_until_done
from newsdesk.webhooks.models import Delivery
from newsdesk.webhooks.tests.conftest import make_endpoint

pytestmark = pytest.mark.django_db
EVENTS = [
    "submission.submitted",
    "review.decided",
    "article.published",
    "article.updated",
    "article.taken_down",
]


def bearer(user, scope):
    _row, token = account_actions.create_token(
        user=user, name="e2e", scopes=[scope], expires_in_days=30
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_each_step_of_an_article_arrives_signed_once_and_in_order(
    client, receiver, django_capture_on_commit_callbacks
):
    receiver.expect_request("/hook", method="POST").respond_with_data("ok")
    endpoint = make_endpoint(receiver.url_for("/hook"), events=EVENTS)
    SectionFactory(slug="politik", name="Politik")
    writer = UserFactory(display_name="Wanda Writer")
    editor = UserFactory(editor=True)
    auth = bearer(writer, "submissions:write")

    with django_capture_on_commit_callbacks(execute=True):
        created = send(client, "POST", "/api/v1/submissions/", auth, new_text())
        assert created.status_code == 201, created.content[:300]
        pk = created.json()["id"]
        version = editorial.latest_guidelines().number
        submitted = send(
            client,
            "POST",
            f"/api/v1/submissions/{pk}/submit/",
            auth,
            {"accepted_guidelines_version": version},
        )
        assert submitted.status_code == 200, submitted.content[:300]

    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/review/{pk}/publish/", {"note": ""})
        assert response.status_code == 302
    assert Article.objects.get(pk=pk).status == Article.Status.PUBLISHED

    with django_capture_on_commit_callbacks(execute=True):
        edited = send(
            client, "PATCH", f"/api/v1/submissions/{pk}/", auth, {"title": "Ein neuer Titel dazu"}
        )
        # A contributor may not change a published article: it stays as it was.
        assert edited.status_code in {403, 404, 409}, edited.content[:300]
    with django_capture_on_commit_callbacks(execute=True):
        editor_auth = bearer(editor, "submissions:write")
        edited = send(
            client,
            "PATCH",
            f"/api/v1/submissions/{pk}/",
            editor_auth,
            {"title": "Stadtrat beschließt den Haushalt für 2027 (aktualisiert)"},
        )
        assert edited.status_code == 200, edited.content[:300]
    with django_capture_on_commit_callbacks(execute=True):
        editorial.take_down_article(
            article=Article.objects.get(pk=pk), editor=editor, ground=Ground.COPYRIGHT, case="C-9"
        )
    deliver_until_done()

    assert set(Delivery.objects.values_list("state", flat=True)) == {"delivered"}
    verifier = Webhook(endpoint.secret)
    bodies = []
    for request, _response in receiver.log:
        headers = {k.lower(): v for k, v in request.headers.items()}
        raw = request.get_data()
        verifier.verify(raw, headers)  # raises unless signed with the endpoint's secret
        bodies.append(json.loads(raw))
    assert [(b["type"], b["data"]["current"].get("decision")) for b in bodies] == [
        ("submission.submitted", None),
        ("review.decided", "publish"),
        ("article.published", None),
        ("article.updated", None),
        ("article.taken_down", None),
    ]
    assert len({b["id"] for b in bodies}) == 5
    assert {b["data"]["current"]["id"] for b in bodies} == {pk}
    updated = bodies[3]["data"]
    assert updated["previous"]["title"] == new_text()["title"]
    assert updated["current"]["title"] == "Stadtrat beschließt den Haushalt für 2027 (aktualisiert)"
    assert bodies[4]["data"]["current"]["takedown"] == {"ground": "copyright", "case": "C-9"}

"""The newsletter permission table and every newsletter endpoint by every role, with the expected
values written out here (not read from the table)."""

import pytest
from django.http import Http404

from newsdesk.accounts.tests.factories import ROLES, user_for_role
from newsdesk.newsletter import permissions
from newsdesk.newsletter.models import Subscription
from newsdesk.newsletter.tests.factories import (
    IssueFactory,
    NewsletterFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db


def test_permission_table():
    expected = {
        "read_archive": (True, True, True, True),
        "compose": (False, False, True, True),
        "send": (False, False, True, True),
        "manage_newsletters": (False, False, False, True),
        "browse_subscribers": (False, False, False, True),
    }
    users = [user_for_role(role) for role in ROLES]
    got = {
        action: tuple(permissions.PERMISSIONS.can(u, action) for u in users) for action in expected
    }
    assert got == expected
    assert set(permissions.PERMISSIONS) == set(expected)


@pytest.fixture
def objects():
    letter = NewsletterFactory(slug="matrix-letter")
    retired = NewsletterFactory(slug="retired-letter", is_active=False)
    subscription = SubscriptionFactory(newsletter=letter, confirmed=True)
    return {
        "letter": letter,
        "retired": retired,
        "sent": IssueFactory(newsletter=letter, sent=True),
        "draft": IssueFactory(newsletter=letter),
        "retired_sent": IssueFactory(newsletter=retired, sent=True),
        "subscriber": subscription.subscriber,
    }


# (function, arguments) -> which roles get the object (the others get Http404), in ROLES order
def access_cases(o):
    return {
        "access_newsletter_for_composing(active)": (
            lambda u: permissions.access_newsletter_for_composing(u, "matrix-letter"),
            (False, False, True, True),
        ),
        "access_newsletter_for_composing(retired)": (
            lambda u: permissions.access_newsletter_for_composing(u, "retired-letter"),
            (False, False, False, False),
        ),
        "access_issue_for_editing(draft)": (
            lambda u: permissions.access_issue_for_editing(u, o["draft"].pk),
            (False, False, True, True),
        ),
        "access_issue_for_editing(missing)": (
            lambda u: permissions.access_issue_for_editing(u, 999999),
            (False, False, False, False),
        ),
        "access_issue_for_editing(garbage)": (
            lambda u: permissions.access_issue_for_editing(u, "x"),
            (False, False, False, False),
        ),
        "access_issue_for_sending(draft)": (
            lambda u: permissions.access_issue_for_sending(u, o["draft"].pk),
            (False, False, True, True),
        ),
        "access_newsletter_for_reading(retired)": (
            lambda u: permissions.access_newsletter_for_reading(u, "retired-letter"),
            (True, True, True, True),
        ),
        "access_issue_for_reading(sent)": (
            lambda u: permissions.access_issue_for_reading(u, o["letter"], o["sent"].pk),
            (True, True, True, True),
        ),
        "access_issue_for_reading(draft)": (
            lambda u: permissions.access_issue_for_reading(u, o["letter"], o["draft"].pk),
            (False, False, False, False),
        ),
        "access_issue_for_reading(other newsletter)": (
            lambda u: permissions.access_issue_for_reading(u, o["letter"], o["retired_sent"].pk),
            (False, False, False, False),
        ),
    }


def test_access_functions(objects):
    users = [user_for_role(role) for role in ROLES]
    got, expected = {}, {}
    for name, (fetch, allowed) in access_cases(objects).items():
        expected[name] = allowed
        results = []
        for user in users:
            try:
                results.append(fetch(user) is not None)
            except Http404:
                results.append(False)
        got[name] = tuple(results)
    assert got == expected


def test_subscribers_are_found_only_by_their_exact_token(objects):
    subscriber = objects["subscriber"]
    assert permissions.access_subscriber_by_token(subscriber.link_token) == subscriber
    for token in (
        "",
        None,
        subscriber.link_token[:-1],
        subscriber.link_token.upper(),
        subscriber.email,
    ):
        with pytest.raises(Http404):
            permissions.access_subscriber_by_token(token)


# path -> expected GET status for anonymous, contributor, editor, admin
ENDPOINTS = {
    "/de/newsletters/": (200, 200, 200, 200),
    "/en/newsletters/": (200, 200, 200, 200),
    "/de/newsletters/subscribe/": (405, 405, 405, 405),
    "/de/newsletters/confirm/not-a-valid-token/": (410, 410, 410, 410),
    "/de/newsletters/me/{token}/": (200, 200, 200, 200),
    "/de/newsletters/me/not-a-valid-token/": (404, 404, 404, 404),
    "/de/newsletters/u/{token}/matrix-letter/": (200, 200, 200, 200),
    "/de/newsletters/u/not-a-valid-token/matrix-letter/": (404, 404, 404, 404),
    "/de/newsletters/u/{token}/no-such-letter/": (404, 404, 404, 404),
    "/de/newsletters/matrix-letter/": (200, 200, 200, 200),
    "/de/newsletters/retired-letter/": (200, 200, 200, 200),
    "/de/newsletters/no-such-letter/": (404, 404, 404, 404),
    "/de/newsletters/matrix-letter/{sent}/": (200, 200, 200, 200),
    "/de/newsletters/matrix-letter/{draft}/": (404, 404, 404, 404),
    "/de/newsletters/matrix-letter/{retired_sent}/": (404, 404, 404, 404),
    "/de/newsletters/matrix-letter/999999/": (404, 404, 404, 404),
    "/admin/newsletter/": (302, 302, 200, 200),
    "/admin/newsletter/newsletter/": (302, 302, 200, 200),
    "/admin/newsletter/newsletter/add/": (302, 302, 403, 200),
    "/admin/newsletter/newsletter/{letter}/change/": (302, 302, 200, 200),
    "/admin/newsletter/newsletter/{letter}/delete/": (302, 302, 403, 200),
    "/admin/newsletter/subscriber/": (302, 302, 403, 200),
    "/admin/newsletter/subscriber/{subscriber}/change/": (302, 302, 403, 200),
    "/admin/newsletter/issue/": (302, 302, 200, 200),
    "/admin/newsletter/issue/{sent}/change/": (302, 302, 200, 200),
    "/admin/newsletter/issue/add/": (302, 302, 403, 403),
}


def _ids(objects) -> dict:
    return {
        "token": objects["subscriber"].link_token,
        "letter": objects["letter"].pk,
        "subscriber": objects["subscriber"].pk,
        "sent": objects["sent"].pk,
        "draft": objects["draft"].pk,
        "retired_sent": objects["retired_sent"].pk,
    }


@pytest.mark.parametrize("role_index", range(4))
def test_every_endpoint_by_every_role(client, objects, role_index):
    role = ROLES[role_index]
    if role != "anonymous":
        client.force_login(user_for_role(role))
    ids = _ids(objects)
    got = {path: client.get(path.format(**ids)).status_code for path in ENDPOINTS}
    assert got == {path: codes[role_index] for path, codes in ENDPOINTS.items()}, role


@pytest.mark.parametrize("role_index", range(4))
def test_public_posts_work_for_every_role_without_a_csrf_token(objects, role_index):
    """The public forms are on cached pages (no CSRF token) and in emails: every role can use
    them with a client that enforces CSRF checks."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    role = ROLES[role_index]
    if role != "anonymous":
        client.force_login(user_for_role(role))
    ids = _ids(objects)
    letter = objects["letter"]
    posts = {
        "/de/newsletters/subscribe/": {
            "email": f"{role}@example.org",
            "newsletters": [letter.pk],
            "consent": "on",
        },
        "/de/newsletters/confirm/not-a-valid-token/": {},
        "/de/newsletters/me/{token}/": {"newsletters": [letter.pk]},
        "/de/newsletters/u/{token}/matrix-letter/": {"List-Unsubscribe": "One-Click"},
    }
    got = {path: client.post(path.format(**ids), data).status_code for path, data in posts.items()}
    assert got == {
        "/de/newsletters/subscribe/": 200,
        "/de/newsletters/confirm/not-a-valid-token/": 410,
        "/de/newsletters/me/{token}/": 200,
        "/de/newsletters/u/{token}/matrix-letter/": 200,
    }
    assert Subscription.objects.get(subscriber=objects["subscriber"]).status == "unsubscribed"

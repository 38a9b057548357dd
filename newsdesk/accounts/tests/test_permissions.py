"""Every accounts endpoint by every role; the expected answers are written out here."""

import pytest
from django.urls import reverse

from newsdesk.accounts.permissions import can
from newsdesk.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "contributor", "editor", "admin"]


def client_for(client, role):
    if role != "anonymous":
        traits = {"editor": {"editor": True}, "admin": {"admin": True}}.get(role, {})
        client.force_login(UserFactory(**traits))
    return client


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", {"view_author_profile": True, "edit_own_profile": False, "read_outbox": False, "change_roles": False}),
        ("contributor", {"view_author_profile": True, "edit_own_profile": True, "read_outbox": False, "change_roles": False}),
        ("editor", {"view_author_profile": True, "edit_own_profile": True, "read_outbox": False, "change_roles": False}),
        ("admin", {"view_author_profile": True, "edit_own_profile": True, "read_outbox": True, "change_roles": True}),
    ],
)  # fmt: skip
def test_permission_table(role, expected):
    from django.contrib.auth.models import AnonymousUser

    traits = {"editor": {"editor": True}, "admin": {"admin": True}}.get(role, {})
    user = AnonymousUser() if role == "anonymous" else UserFactory(**traits)
    assert {action: can(user, action) for action in expected} == expected


# status code per role for each endpoint: anonymous, contributor, editor, admin
ENDPOINTS = [
    ("accounts:profile", (302, 200, 200, 200)),
    ("accounts:outbox", (302, 403, 403, 200)),
    ("account_login", (200, 302, 302, 302)),
    ("account_signup", (200, 302, 302, 302)),
    ("account_reset_password", (200, 200, 200, 200)),
]


@pytest.mark.parametrize(("name", "codes"), ENDPOINTS)
@pytest.mark.parametrize("role_index", range(4))
def test_endpoint_matrix(client, name, codes, role_index):
    role = ROLES[role_index]
    response = client_for(client, role).get(reverse(name))
    assert response.status_code == codes[role_index], (name, role)


def test_outbox_shows_mail_to_admins(client, settings):
    from django.core.mail import send_mail

    settings.EMAIL_BACKEND = "newsdesk.core.outbox.OutboxEmailBackend"
    send_mail("Bitte bestätigen", "Link: https://example.org/x", None, ["reader@example.org"])
    client_for(client, "admin")
    html = client.get(reverse("accounts:outbox")).content.decode()
    assert "Bitte bestätigen" in html and "reader@example.org" in html
    name = next(settings.OUTBOX_DIR.glob("*.eml")).name
    assert (
        "https://example.org/x"
        in client.get(reverse("accounts:outbox_message", args=[name])).content.decode()
    )
    assert client.get("/en/account/outbox/..%2F..%2Fsecret_key/").status_code == 404
    assert client.get("/en/account/outbox/20260101T000000-nothere.eml/").status_code == 404

"""Every accounts endpoint by every role; the expected answers are written out here."""

import pytest
from django.urls import reverse

from newsdesk.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "contributor", "editor", "admin"]


def client_for(client, role):
    if role != "anonymous":
        traits = {"editor": {"editor": True}, "admin": {"admin": True}}.get(role, {})
        client.force_login(UserFactory(**traits))
    return client


# status code per role for each endpoint: anonymous, contributor, editor, admin
ENDPOINTS = [
    ("accounts:profile", (302, 200, 200, 200)),
    # Not admin: the same "not found" as a page that does not exist.
    ("accounts:outbox", (302, 404, 404, 200)),
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


@pytest.mark.parametrize("role", ["contributor", "editor"])
def test_a_message_in_the_outbox_is_not_found_for_others(client, settings, role):
    """To anyone but an admin an existing message answers like a missing one: 404."""
    from django.core.mail import send_mail

    settings.EMAIL_BACKEND = "newsdesk.core.outbox.OutboxEmailBackend"
    send_mail("Bitte bestätigen", "Link: https://example.org/x", None, ["reader@example.org"])
    name = next(settings.OUTBOX_DIR.glob("*.eml")).name
    client_for(client, role)
    response = client.get(reverse("accounts:outbox_message", args=[name]))
    assert response.status_code == 404
    assert "example.org/x" not in response.content.decode()

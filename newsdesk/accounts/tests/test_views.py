"""Sign-up with email verification, login, password reset: through the real allauth views."""

import re

import pytest
from django.core import mail

from newsdesk.accounts.models import User
from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import article

pytestmark = pytest.mark.django_db


@pytest.fixture
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_signup_verifies_the_email_address(client, locmem_mail):
    response = client.post(
        "/en/accounts/signup/",
        {"email": "New@Example.org", "display_name": "Nora Neu", "password1": "a-long-pass-phrase-7",
         "password2": "a-long-pass-phrase-7"},
    )  # fmt: skip
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "new@example.org" and user.slug == "nora-neu"
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    # Not verified yet: login is refused until the link is followed.
    client.post(
        "/en/accounts/login/", {"login": "new@example.org", "password": "a-long-pass-phrase-7"}
    )
    assert "_auth_user_id" not in client.session
    path = link.split("8000", 1)[-1]
    client.post(path)
    response = client.post(
        "/en/accounts/login/", {"login": "new@example.org", "password": "a-long-pass-phrase-7"}
    )
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)


def test_signup_errors_keep_what_was_typed(client, locmem_mail):
    response = client.post(
        "/en/accounts/signup/",
        {
            "email": "not-an-address",
            "display_name": "Kept Name",
            "password1": "x",
            "password2": "y",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Kept Name"' in html and 'value="not-an-address"' in html
    assert User.objects.count() == 0


def test_login_is_throttled_after_repeated_failures(client, settings):
    """After the failure limit even the right password is refused (django-axes)."""
    UserFactory(email="victim@example.org")
    codes = [
        client.post(
            "/en/accounts/login/", {"login": "victim@example.org", "password": "wrong"}
        ).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert codes[-1] == 429
    client.post(
        "/en/accounts/login/", {"login": "victim@example.org", "password": "correct horse battery"}
    )
    assert "_auth_user_id" not in client.session


def test_login_with_the_right_password(client):
    user = UserFactory(email="writer@example.org")
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post(
        "/en/accounts/login/", {"login": "writer@example.org", "password": "correct horse battery"}
    )
    assert client.session["_auth_user_id"] == str(user.pk)


def test_password_reset_sends_a_link(client, locmem_mail):
    UserFactory(email="forgetful@example.org")
    client.post("/en/accounts/password/reset/", {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1 and "/accounts/password/reset/key/" in mail.outbox[0].body


def test_profile_edit(client):
    user = UserFactory()
    article(author=user)  # the public page exists once one of the user's articles is published
    client.force_login(user)
    response = client.post(
        "/en/account/profile/", {"display_name": "  Neu  ", "bio": "<script>x</script>"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Neu"
    page = client.get(user.get_absolute_url()).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page

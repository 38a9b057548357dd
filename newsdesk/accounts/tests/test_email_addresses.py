"""One address per account, and an unconfirmed address squats nobody's: through allauth's real
sign-up, email and confirmation views."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

from newsdesk.accounts.models import User
from newsdesk.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-pass-phrase-7"


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def squatter(client):
    """A signed-in account with its own confirmed address."""
    user = UserFactory(email="squatter@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    return user


def later():
    """A few minutes on: allauth mails one confirmation per address per 3 minutes."""
    cache.clear()


def add_address(client, email: str):
    mail.outbox.clear()
    response = client.post("/en/accounts/email/", {"action_add": "", "email": email})
    assert response.status_code == 302
    return response


def sign_up(client, email: str):
    mail.outbox.clear()
    return client.post(
        "/en/accounts/signup/",
        {"email": email, "display_name": "Vera Owner", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip


def confirmation_path(to: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [to]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    return "/" + link.split("/", 3)[3]


def addresses(user) -> list[tuple[str, bool]]:
    return sorted(EmailAddress.objects.filter(user=user).values_list("email", "verified"))


def logs_in(client, email: str, password: str) -> bool:
    client.logout()
    client.post("/en/accounts/login/", {"login": email, "password": password})
    return "_auth_user_id" in client.session


class OneAddressTests:
    def test_a_new_address_replaces_the_old_one_once_confirmed(self, client, squatter):
        """Adding an address starts a change: until its link is followed the old address
        stays the login; then the new one is the account's only address."""
        add_address(client, "first-try@example.org")
        later()
        add_address(client, "new@example.org")
        assert addresses(squatter) == [("new@example.org", False), ("squatter@example.org", True)]
        client.post(confirmation_path("new@example.org"))
        squatter.refresh_from_db()
        assert addresses(squatter) == [("new@example.org", True)]
        assert squatter.email == "new@example.org"
        assert logs_in(client, "new@example.org", "correct horse battery")
        assert not logs_in(client, "squatter@example.org", "correct horse battery")


class SquattingTests:
    def test_an_unconfirmed_address_keeps_nobody_from_signing_up(self, client, squatter):
        """Anyone can type someone else's address into their account: its owner still signs
        up with it, confirms it, and the squatter's request is gone."""
        add_address(client, "owner@example.org")
        client.logout()
        later()
        assert sign_up(client, "owner@example.org").status_code == 302
        owner = User.objects.get(email="owner@example.org")
        client.post(confirmation_path("owner@example.org"))
        assert addresses(owner) == [("owner@example.org", True)]
        assert addresses(squatter) == [("squatter@example.org", True)]
        assert logs_in(client, "owner@example.org", PASSWORD)

    def test_a_link_for_an_address_another_account_signed_up_with_confirms_nothing(
        self, client, squatter
    ):
        """The owner signed up and has not confirmed yet; the squatter's link, which reaches
        the owner's mailbox too, gives the squatter nothing, and the owner's own link works."""
        client.logout()
        sign_up(client, "owner@example.org")
        owner_link = confirmation_path("owner@example.org")
        client.force_login(squatter)
        later()
        add_address(client, "owner@example.org")
        squatter_link = confirmation_path("owner@example.org")
        client.logout()
        response = client.post(squatter_link)
        assert response.status_code in (200, 302)
        squatter.refresh_from_db()
        assert squatter.email == "squatter@example.org"
        assert ("owner@example.org", True) not in addresses(squatter)
        client.post(owner_link)
        owner = User.objects.get(email="owner@example.org")
        assert addresses(owner) == [("owner@example.org", True)]
        assert logs_in(client, "owner@example.org", PASSWORD)

    def test_signing_up_with_an_owned_address_makes_no_second_account(self, client):
        """The answer is the same as for a new address (nothing to enumerate), but no account
        is made: the owner is told by mail instead."""
        owner = UserFactory(email="owner@example.org")
        EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
        fresh = sign_up(client, "someone-new@example.org")
        taken = sign_up(client, "Owner@Example.org")
        assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
        assert User.objects.filter(email__iexact="owner@example.org").count() == 1
        assert EmailAddress.objects.filter(email__iexact="owner@example.org").count() == 1


def test_the_email_page_shows_the_one_address_and_a_change_form(client, squatter):
    """With one address per account allauth shows its change page: the current address and
    the pending one, each once."""
    add_address(client, "new@example.org")
    html = client.get("/en/accounts/email/").content.decode()
    assert html.count("squatter@example.org") >= 1 and "new@example.org" in html
    assert 'name="email"' in html

"""Behind nginx every request comes from the proxy's address: each per-address limit and record
still tells clients apart (TRUSTED_PROXY_COUNT = 1), and without a proxy (0) a forged
X-Forwarded-For resets none of them. Under an https SITE_URL a forged Host is refused.
Through the real endpoints with the test client."""

import types

import allauth.core.internal.ratelimit
import django_ratelimit.core
import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.core.tests.settings_env import settings_under
from newsdesk.newsletter.models import Subscription
from newsdesk.newsletter.tests.factories import NewsletterFactory

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"
RESET = "/en/accounts/password/reset/"
SUBSCRIBE = "/en/newsletters/subscribe/"
PASSWORD = "correct horse battery"  # UserFactory's
PROXY = "127.0.0.1"  # nginx on the app server's machine
CLIENT_A = "198.51.100.1"
CLIENT_B = "198.51.100.2"
TOO_MANY_FAILURES = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _fast_passwords_and_clocks(settings, monkeypatch):
    """Cheap hashing (each failed login hashes once), and the rate limits' clocks frozen, so
    that no window ends mid-test; a test moves the returned clock on itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock = types.SimpleNamespace(now=1_900_000_000.0)
    fake_time = types.SimpleNamespace(time=lambda: clock.now)
    monkeypatch.setattr(django_ratelimit.core, "time", fake_time)
    real_time = allauth.core.internal.ratelimit.time
    monkeypatch.setattr(
        allauth.core.internal.ratelimit,
        "time",
        types.SimpleNamespace(
            time=lambda: clock.now, monotonic=real_time.monotonic, sleep=real_time.sleep
        ),
    )
    return clock


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def victim():
    user = UserFactory(email="victim@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def via(client_address: str | None, *, remote: str = PROXY) -> dict:
    """Request headers as the app server sees them: nginx appends the client's address."""
    headers = {"REMOTE_ADDR": remote}
    if client_address:
        headers["HTTP_X_FORWARDED_FOR"] = client_address
    return headers


def log_in(client, email, password, **headers):
    return client.post(LOGIN, {"login": email, "password": password}, **headers)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail_until_locked(client, email, **headers) -> list[int]:
    return [log_in(client, email, "wrong", **headers).status_code for _ in range(5)]


class LoginLockoutTests:
    def test_failures_from_one_client_do_not_lock_out_another(self, behind_nginx, victim):
        """Five failed logins from A lock A out of the account (django-axes), not B."""
        a, b = Client(), Client()
        assert fail_until_locked(a, victim.email, **via(CLIENT_A))[-1] == 429
        log_in(a, victim.email, PASSWORD, **via(CLIENT_A))
        assert not logged_in(a)
        response = log_in(b, victim.email, PASSWORD, **via(CLIENT_B))
        assert response.status_code == 302 and logged_in(b)

    def test_a_client_cannot_leave_its_lockout_by_writing_the_header(self, behind_nginx, victim):
        """What A writes into X-Forwarded-For before nginx's entry changes nothing."""
        a = Client()
        fail_until_locked(a, victim.email, **via(CLIENT_A))
        log_in(a, victim.email, PASSWORD, **via(f"{CLIENT_B}, {CLIENT_A}"))
        assert not logged_in(a)

    def test_a_locked_out_client_does_not_use_up_the_accounts_allowance(
        self, behind_nginx, victim, _fast_passwords_and_clocks
    ):
        """A client that goes on posting after its lockout, for minutes, does not spend the
        failed-login allowance all clients share: B still logs in."""
        a, b = Client(), Client()
        fail_until_locked(a, victim.email, **via(CLIENT_A))
        for _minute in range(3):
            # Nine a minute: under allauth's ten per client, so only the account's shared
            # allowance (20 in 5 minutes) could stop B.
            _fast_passwords_and_clocks.now += 61
            codes = {
                log_in(a, victim.email, "wrong", **via(CLIENT_A)).status_code for _ in range(9)
            }
            assert codes == {429}
        response = log_in(b, victim.email, PASSWORD, **via(CLIENT_B))
        assert response.status_code == 302 and logged_in(b)

    def test_without_a_proxy_a_forged_header_keeps_the_lockout(self, victim):
        """TRUSTED_PROXY_COUNT 0: a lockout belongs to REMOTE_ADDR, whatever the header says."""
        a = Client()
        assert fail_until_locked(a, victim.email, **via(None, remote=CLIENT_A))[-1] == 429
        log_in(a, victim.email, PASSWORD, **via(CLIENT_B, remote=CLIENT_A))
        assert not logged_in(a)


class AllauthRateLimitTests:
    def test_failed_logins_are_limited_per_client(self, behind_nginx):
        """allauth's ten failed logins a minute count per client: A is stopped, B is not."""
        a, b = Client(), Client()
        for n in range(10):
            log_in(a, f"nobody{n}@example.org", "wrong", **via(CLIENT_A))
        assert TOO_MANY_FAILURES in log_in(a, "x@example.org", "wrong", **via(CLIENT_A)).text
        answer = log_in(b, "y@example.org", "wrong", **via(CLIENT_B)).text
        assert TOO_MANY_FAILURES not in answer and "not correct" in answer

    def test_without_a_proxy_a_forged_header_keeps_the_count(self):
        """TRUSTED_PROXY_COUNT 0: another X-Forwarded-For does not start a new count."""
        a = Client()
        for n in range(10):
            log_in(a, f"nobody{n}@example.org", "wrong", **via(None, remote=CLIENT_A))
        answer = log_in(a, "x@example.org", "wrong", **via(CLIENT_B, remote=CLIENT_A)).text
        assert TOO_MANY_FAILURES in answer


def subscribe(client, n: int, letter, **headers):
    data = {"email": f"r{n}@example.org", "newsletters": [letter.pk], "consent": "on"}
    return client.post(SUBSCRIBE, data, **headers)


class RatelimitTests:
    """django-ratelimit's per-address limits, on the newsletter form (five a minute)."""

    def test_limits_count_per_client(self, behind_nginx):
        """A's sixth is refused, also with a forged entry before nginx's; B's first is not."""
        letter = NewsletterFactory()
        client = Client()
        assert [subscribe(client, n, letter, **via(CLIENT_A)).status_code for n in range(5)] == [
            200
        ] * 5
        assert subscribe(client, 5, letter, **via(CLIENT_A)).status_code == 429
        assert subscribe(client, 6, letter, **via(f"{CLIENT_B}, {CLIENT_A}")).status_code == 429
        assert subscribe(client, 7, letter, **via(CLIENT_B)).status_code == 200

    def test_without_a_proxy_a_forged_header_keeps_the_count(self):
        """TRUSTED_PROXY_COUNT 0: another X-Forwarded-For does not open a new bucket."""
        letter = NewsletterFactory()
        client = Client()
        for n in range(5):
            subscribe(client, n, letter, **via(None, remote=CLIENT_A))
        assert subscribe(client, 5, letter, **via(CLIENT_B, remote=CLIENT_A)).status_code == 429


class ConsentRecordTests:
    def test_the_subscription_records_the_clients_address(self, behind_nginx):
        """The consent record names the client nginx saw, not nginx or a forged entry."""
        letter = NewsletterFactory()
        subscribe(Client(), 0, letter, **via(f"6.6.6.6, {CLIENT_A}"))
        assert Subscription.objects.get().requested_ip == CLIENT_A

    def test_without_a_proxy_the_header_is_not_recorded(self):
        """TRUSTED_PROXY_COUNT 0: the record names REMOTE_ADDR, never the header."""
        letter = NewsletterFactory()
        subscribe(Client(), 0, letter, **via(CLIENT_B, remote=CLIENT_A))
        assert Subscription.objects.get().requested_ip == CLIENT_A


SITE = "news.example.org"
FOREIGN_HOSTS = ["evil.example", "127.0.0.1", "127.0.0.1:8000", "localhost", "[::1]"]


@pytest.fixture
def production_hosts(settings, monkeypatch, tmp_path):
    """The host settings an https SITE_URL gives (settings.py run under that environment)."""
    production = settings_under(monkeypatch, tmp_path, SITE_URL=f"https://{SITE}")
    for name in (
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "ACCOUNT_DEFAULT_HTTP_PROTOCOL",
        "SECURE_SSL_REDIRECT",
        "SECURE_REDIRECT_EXEMPT",
    ):
        setattr(settings, name, production[name])


class ForgedHostTests:
    def test_reset_mail_links_to_the_site(self, production_hosts):
        """Asked for under the site's host, the reset mail links to https://SITE_HOST."""
        UserFactory(email="forgetful@example.org")
        response = Client().post(
            RESET, {"email": "forgetful@example.org"}, HTTP_HOST=SITE, secure=True
        )
        assert response.status_code == 302
        [message] = mail.outbox
        assert f"https://{SITE}/en/accounts/password/reset/key/" in message.body

    @pytest.mark.parametrize("host", FOREIGN_HOSTS)
    def test_a_reset_under_another_host_is_refused(self, production_hosts, host):
        """400, and no mail goes out with a link to that host."""
        UserFactory(email="forgetful@example.org")
        response = Client().post(
            RESET, {"email": "forgetful@example.org"}, HTTP_HOST=host, secure=True
        )
        assert response.status_code == 400
        assert mail.outbox == []

    @pytest.mark.parametrize("host", FOREIGN_HOSTS)
    def test_login_under_another_host_is_refused(self, production_hosts, victim, host):
        """A login (and its `?next=`) under another Host header is answered 400."""
        response = Client().post(
            f"{LOGIN}?next=http://{host}/", {"login": victim.email, "password": PASSWORD},
            HTTP_HOST=host, secure=True,
        )  # fmt: skip
        assert response.status_code == 400

    @pytest.mark.parametrize("host", FOREIGN_HOSTS)
    def test_next_to_another_host_is_not_followed(self, production_hosts, victim, host):
        """After logging in on the site, `?next=` to any other host leads home instead."""
        client = Client()
        response = client.post(
            f"{LOGIN}?next=https://{host}/account/", {"login": victim.email, "password": PASSWORD},
            HTTP_HOST=SITE, secure=True,
        )  # fmt: skip
        assert logged_in(client)
        assert response.status_code == 302 and response["Location"] == "/"

    def test_health_checks_name_the_site(self, production_hosts):
        """Plain HTTP from the proxy's machine is answered when it names the site's host."""
        assert Client().get("/healthz", HTTP_HOST=SITE).status_code == 200
        assert Client().get("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 400

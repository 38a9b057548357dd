"""Settings from the environment: the embedded default and the documented production set."""

import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsdesk.core.tests.settings_env import settings_under


def run_check(env_extra: dict, tmp_path) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SITE_URL", "SECRET_KEY", "DEBUG", "EMAIL_URL"}
        # set by the browser tests for Playwright; never part of a deployment
        and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update({"NEWSDESK_VAR": str(tmp_path / "var"), **env_extra})
    return subprocess.run(
        [sys.executable, "-m", "newsdesk.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_environment_passes_the_deploy_check(tmp_path):
    """SITE_URL with https, PostgreSQL, Redis and a real SECRET_KEY: no deploy warning."""
    result = run_check(
        {
            "SITE_URL": "https://news.example.org",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "TRUSTED_PROXY_COUNT": "1",  # behind the README's nginx
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_plain_http_embedded_mode_is_reported_by_the_deploy_check(tmp_path):
    """The embedded default is for development: the deploy check says so, it doesn't crash."""
    result = run_check({}, tmp_path)
    assert result.returncode == 1
    assert "SECURE_HSTS_SECONDS" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"engine": "sqlite3", "cache": "LockingFileCache", "huey": "SqliteHuey", "https": False}),
        (
            {"DATABASE_URL": "postgres://u@db:5432/n", "REDIS_URL": "redis://r:6379/1",
             "SITE_URL": "https://news.example.org"},
            {"engine": "postgresql", "cache": "RedisCache", "huey": "RedisHuey", "https": True},
        ),
    ],
)  # fmt: skip
def test_environment_selects_the_parts(tmp_path, env, expected):
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'].rsplit('.',1)[1], s.CACHES['default']['BACKEND'].rsplit('.',1)[1],"
        " s.HUEY['huey_class'].rsplit('.',1)[1], s.SESSION_COOKIE_SECURE, s.ALLOWED_HOSTS[0])"
    )
    base = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SITE_URL"}
    }
    out = subprocess.run(
        [sys.executable, "-c", f"import django,os;os.environ['DJANGO_SETTINGS_MODULE']='newsdesk.settings';django.setup();{code}"],
        env={**base, "NEWSDESK_VAR": str(tmp_path), **env},
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert out[:4] == [
        expected["engine"],
        expected["cache"],
        expected["huey"],
        str(expected["https"]),
    ]
    assert out[4] == ("news.example.org" if expected["https"] else "127.0.0.1")


def test_secret_key_is_generated_once_into_var(tmp_path):
    code = "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='newsdesk.settings';django.setup();from django.conf import settings;print(settings.SECRET_KEY)"
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["NEWSDESK_VAR"] = str(tmp_path)
    first = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    second = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_embedded_cache_counts_atomically_across_processes(tmp_path):
    """Four processes incrementing one counter 200 times each end at exactly 800."""
    code = (
        "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='newsdesk.settings';django.setup()\n"
        "from django.core.cache import cache\n"
        "cache.add('n', 0, 300)\n"
        "for _ in range(200): cache.incr('n')\n"
    )
    env = {**os.environ, "NEWSDESK_VAR": str(tmp_path)}
    env.pop("REDIS_URL", None)
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env) for _ in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    read = "import django,os;os.environ['DJANGO_SETTINGS_MODULE']='newsdesk.settings';django.setup();from django.core.cache import cache;print(cache.get('n'))"
    out = subprocess.run([sys.executable, "-c", read], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "800"


LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}


class AllowedHostsTests:
    @pytest.mark.parametrize(
        "site_url", ["https://news.example.org", "https://news.example.org:8443/"]
    )
    def test_an_https_site_allows_only_its_host(self, monkeypatch, tmp_path, site_url):
        """Reset-mail links and `?next=` follow the Host header: under https nothing but the
        public host is accepted, loopback names included."""
        names = settings_under(monkeypatch, tmp_path, SITE_URL=site_url)
        assert names["ALLOWED_HOSTS"] == ["news.example.org"]

    @pytest.mark.parametrize(
        ("site_url", "host"), [("", "127.0.0.1"), ("http://news.local:8000", "news.local")]
    )
    def test_plain_http_allows_its_host_and_loopback(self, monkeypatch, tmp_path, site_url, host):
        """The embedded default (and any http SITE_URL) is reached on loopback as before."""
        names = settings_under(monkeypatch, tmp_path, SITE_URL=site_url)
        assert names["ALLOWED_HOSTS"][0] == host
        assert LOOPBACK <= set(names["ALLOWED_HOSTS"])


class TrustedProxyCountTests:
    @pytest.mark.parametrize(("value", "count"), [("", 0), ("0", 0), ("1", 1), (" 2 ", 2)])
    def test_the_count_is_read_from_the_environment(self, monkeypatch, tmp_path, value, count):
        """Unset means no proxy: the client's address is REMOTE_ADDR."""
        names = settings_under(monkeypatch, tmp_path, TRUSTED_PROXY_COUNT=value)
        assert names["TRUSTED_PROXY_COUNT"] == count

    @pytest.mark.parametrize("value", ["-1", "one", "1.5", "²"])
    def test_a_count_that_is_not_a_number_of_proxies_stops_the_start(
        self, monkeypatch, tmp_path, value
    ):
        """A clear message naming the variable, not a server that guesses."""
        with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXY_COUNT"):
            settings_under(monkeypatch, tmp_path, TRUSTED_PROXY_COUNT=value)

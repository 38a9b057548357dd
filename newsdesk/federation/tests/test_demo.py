"""The demo's contributors are on the Fediverse (loaddemo opts them in)."""

import io

import pytest
from django.core.management import call_command

from newsdesk.accounts.models import User
from newsdesk.articles.queries import public_authors

pytestmark = pytest.mark.django_db


def test_demo_contributors_have_actors(client):
    call_command("loaddemo", "--if-empty", stdout=io.StringIO())
    contributors = public_authors().filter(role=User.Role.CONTRIBUTOR)
    assert contributors.count() >= 3
    for author in contributors:
        response = client.get(
            "/.well-known/webfinger", {"resource": f"acct:{author.slug}@127.0.0.1"}
        )
        assert response.status_code == 200, author.slug
        actor = client.get(
            response.json()["links"][0]["href"].removeprefix("http://127.0.0.1:8000")
        )
        assert actor.json()["type"] == "Person"
    editor = User.objects.get(role=User.Role.EDITOR)
    webfinger = {"resource": f"acct:{editor.slug}@127.0.0.1"}
    assert client.get("/.well-known/webfinger", webfinger).status_code == 404

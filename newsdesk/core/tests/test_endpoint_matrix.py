"""Every endpoint by every role, and each app's permission table, with expected values written
out here (not read from the tables)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from newsdesk.accounts.tests.factories import ROLES, UserFactory, user_for_role
from newsdesk.articles import permissions as article_permissions
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.editorial import permissions as editorial_permissions

pytestmark = pytest.mark.django_db


# path -> expected status for anonymous, contributor, editor, admin
ENDPOINTS = {
    "/de/": (200, 200, 200, 200),
    "/en/": (200, 200, 200, 200),
    "/de/articles/published-one/": (200, 200, 200, 200),
    "/de/articles/a-draft/": (404, 404, 404, 404),
    "/de/sections/politik/": (200, 200, 200, 200),
    "/de/tags/rat/": (200, 200, 200, 200),
    "/de/authors/matrix-author/": (200, 200, 200, 200),
    "/de/guidelines/": (200, 200, 200, 200),
    "/de/account/profile/": (302, 200, 200, 200),
    "/de/account/outbox/": (302, 403, 403, 200),
    "/admin/": (302, 302, 200, 200),
    "/admin/articles/article/": (302, 302, 403, 200),
    "/admin/accounts/user/": (302, 302, 403, 200),
    "/healthz": (200, 200, 200, 200),
    "/de/write/": (302, 200, 200, 200),
    "/de/write/new/": (302, 200, 200, 200),
    "/de/write/{draft}/": (302, 404, 200, 200),
    "/de/write/999999/": (302, 404, 404, 404),
    "/de/review/": (302, 404, 200, 200),
    "/de/review/audit/": (302, 404, 200, 200),
    "/de/review/{draft}/": (302, 404, 200, 200),
    "/de/review/999999/": (302, 404, 404, 404),
}


@pytest.fixture
def content():
    section = SectionFactory(name="Politik", slug="politik")
    tag = TagFactory(name="Rat", slug="rat")
    author = UserFactory(display_name="Matrix Author")
    article(slug="published-one", section=section, tags=[tag], author=author)
    return {"draft": article(slug="a-draft", section=section, author=author, published=False).pk}


@pytest.mark.parametrize("role_index", range(4))
def test_every_endpoint_by_every_role(client, content, role_index):
    role = ROLES[role_index]
    if role != "anonymous":
        client.force_login(user_for_role(role))
    got = {path: client.get(path.format(**content)).status_code for path in ENDPOINTS}
    assert got == {path: codes[role_index] for path, codes in ENDPOINTS.items()}, role


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        (article_permissions, {
            "read_published": (True, True, True, True),
            "read_any_unpublished": (False, False, True, True),
            "read_own_unpublished": (False, True, True, True),
            "browse_in_admin": (False, False, True, True),
        }),
        (editorial_permissions, {
            "read_guidelines": (True, True, True, True),
            "write": (False, True, True, True),
            "edit_others": (False, False, True, True),
            "review": (False, False, True, True),
            "publish": (False, False, True, True),
            "unpublish": (False, False, True, True),
            "read_audit_log": (False, False, True, True),
            "edit_guidelines": (False, False, False, True),
            "import": (False, False, False, True),
        }),
    ],
)  # fmt: skip
def test_permission_tables(module, expected):
    users = [user_for_role(role) for role in ROLES]
    got = {action: tuple(module.can(u, action) for u in users) for action in expected}
    assert got == expected
    assert set(module.PERMISSIONS) == set(expected)


def test_preview_access_for_drafts():
    """Authors and editors may preview a draft; others get the same 404 as a missing one."""
    owner, other, editor = UserFactory(), UserFactory(), UserFactory(editor=True)
    draft = article(published=False, author=owner, slug="preview-me")
    assert article_permissions.access_article_for_preview(owner, draft) == draft
    assert article_permissions.access_article_for_preview(editor, draft) == draft
    for user in (other, AnonymousUser()):
        with pytest.raises(Http404):
            article_permissions.access_article_for_preview(user, draft)


def test_inactive_users_have_no_role():
    user = UserFactory(admin=True, is_active=False)
    assert not article_permissions.can(user, "browse_in_admin")

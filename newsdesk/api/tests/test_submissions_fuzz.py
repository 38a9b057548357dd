"""The submissions endpoints under generated input (schemathesis, from the served schema): no
request, valid or not, is a 500, every answer is one the schema documents (its status code,
its content type, and for a success its body's schema)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from newsdesk.accounts import actions as account_actions
from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.editorial.tests.test_actions import GOOD_BODY
from newsdesk.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
# Valid input and input the schema forbids (wrong types, missing fields, out of bounds).
schema.config.generation.update(
    modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
    deterministic=True,
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def writer():
    """A writer's draft and token, made once for all of a test's examples (they share its
    database: what one example changes, the next sees, as a real client's calls would)."""
    user = UserFactory()
    SectionFactory(slug="politik")
    draft = article(published=False, author=user, body=GOOD_BODY, title="Stadtrat beschließt")
    _row, token = account_actions.create_token(
        user=user, name="fuzz", scopes=["submissions:write"], expires_in_days=1
    )
    return draft.pk, {"Authorization": f"Bearer {token}"}


@pytest.mark.django_db
@schema.include(path_regex="^/api/v1/submissions/").parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_is_a_500(case, writer):
    article_id, headers = writer
    if "article_id" in (case.path_parameters or {}):
        case.path_parameters["article_id"] = article_id
    case.call_and_validate(headers=headers, checks=CHECKS)

"""Schemathesis over the whole API schema, as served by the WSGI app (newsdesk.wsgi), for
every role: anonymous, and a contributor, an editor and an admin each with a token that holds
every scope the role may hold. No response may be a 500, and every response must match the
schema: its status code, content type, headers and body.

New endpoints are picked up from the schema itself. The examples are derandomized and few, so
that the file runs in about a minute and fails the same way on every machine.
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from newsdesk.accounts import tokens
from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.api.tests.conftest import token_for
from newsdesk.articles.tests.factories import SectionFactory, TagFactory, article
from newsdesk.core.events import EVENT_TYPES
from newsdesk.discovery import search
from newsdesk.editorial import actions as editorial
from newsdesk.editorial.models import GuidelinesVersion
from newsdesk.editorial.tests.test_actions import GOOD_BODY
from newsdesk.newsletter.tests.factories import (
    IssueFactory,
    NewsletterFactory,
    SubscriptionFactory,
)
from newsdesk.reports import actions as reports
from newsdesk.webhooks import actions as webhooks
from newsdesk.webhooks.models import Delivery
from newsdesk.wsgi import application

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)

ROLES = ("anonymous", "contributor", "editor", "admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Path parameters that name an object of the demo newsroom: every other example asks for the
# object itself instead of what Hypothesis made up (which is almost always a 404).
KNOWN_EVERY = 2


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker):
    """A small newsroom, made once for the module inside a transaction that is rolled back at
    its end: each test's own transaction is a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        data = _newsroom()
        yield data
        transaction.set_rollback(True)


def _newsroom() -> dict:
    # An endpoint for every event, so that publishing below leaves a delivery to ask for (the
    # delivery task would run after a commit that never comes).
    with override_settings(WEBHOOKS_ALLOW_PRIVATE_TARGETS=True):
        endpoint = webhooks.create_endpoint(
            url="http://127.0.0.1:9/hook", events=list(EVENT_TYPES), created_by=None
        )
    politics = SectionFactory(name="Politik", name_en="Politics", slug="politik")
    business = SectionFactory(name="Wirtschaft", name_en="Business", slug="wirtschaft")
    council = TagFactory(name="Rat", slug="rat")
    author = UserFactory(display_name="Anna Autorin")
    published = article(
        slug="haushalt", section=politics, tags=[council], author=author, title="Der Haushalt"
    )
    article(slug="budget", section=business, author=author, language="en", title="The budget")
    search.rebuild()
    GuidelinesVersion.objects.get_or_create(
        number=1, defaults={"body_de": "Regeln", "body_en": "Rules"}
    )
    draft = article(published=False, title="Stadtrat beschließt den Haushalt", body=GOOD_BODY)
    submitted = editorial.submit_article(article=draft, by=draft.author, accepted_version=1)
    report, _token = reports.file_report(
        article=published,
        ground="spam",
        fields={"explanation": "Advertising.", "reporter_email": "r@example.net"},
        language="de",
    )
    letter = NewsletterFactory(name="Wirtschaft", slug="wirtschaft")
    SubscriptionFactory(newsletter=letter, confirmed=True)
    issue = IssueFactory(newsletter=letter)
    return {
        "users": {
            "contributor": draft.author,
            "editor": UserFactory(editor=True),
            "admin": UserFactory(admin=True),
        },
        "known": {
            "ref": published.slug,
            "article_id": submitted.pk,
            "case": report.case_number,
            "newsletter_id": letter.pk,
            "issue_id": issue.pk,
            "endpoint_id": endpoint.pk,
            "delivery_id": Delivery.objects.filter(endpoint=endpoint).first().pk,
        },
    }


@pytest.fixture
def caller_headers(newsroom, role):
    """The role's request headers: a token with every scope the role may hold. They replace
    any Authorization header schemathesis made up."""
    if role == "anonymous":
        return {}
    user = newsroom["users"][role]
    return {"Authorization": token_for(user, *tokens.scopes_for(user))["HTTP_AUTHORIZATION"]}


@pytest.fixture
def _wsgi_in_the_test_transaction(settings):
    """The real WSGI handler closes the database connection around each request (the test
    client does not); here it must stay in the test's transaction. The API's rate limits are
    lifted: a 429 would hide what the request really does."""
    settings.API_ANONYMOUS_RATE = "1000000/m"
    settings.API_TOKEN_RATE = "1000000/m"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _point_at_known_objects(case, known: dict) -> None:
    for name, value in (case.path_parameters or {}).items():
        if name in known and len(str(value)) % KNOWN_EVERY == 0:
            case.path_parameters[name] = known[name]


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@pytest.mark.usefixtures("_wsgi_in_the_test_transaction")
def test_the_api_answers_as_its_schema_says(case, role, newsroom, caller_headers):
    """Each example runs in a savepoint that is rolled back, and with the rate-limit counters
    emptied (the submit and upload limits of editorial.writing count per user): what one
    example did does not reach the next."""
    _point_at_known_objects(case, newsroom["known"])
    cache.clear()
    with transaction.atomic():
        case.call_and_validate(headers=caller_headers, checks=CHECKS)
        transaction.set_rollback(True)

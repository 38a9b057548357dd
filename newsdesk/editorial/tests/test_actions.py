"""The editorial state machine, exhaustively against the database."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import article
from newsdesk.core.errors import ActionRefused
from newsdesk.editorial import actions
from newsdesk.editorial.models import AuditEntry, GuidelinesAcceptance

pytestmark = pytest.mark.django_db(transaction=True)
S = Article.Status

GOOD_BODY = "\n\n".join(
    [
        "## Der Beschluss\n\nDer Stadtrat von Neustadt hat am Dienstagabend nach einer langen "
        "Sitzung den Haushalt für das kommende Jahr beschlossen. Die Mehrheit war knapp, doch "
        "die Fraktionen hatten sich zuvor auf einen Kompromiss bei den Investitionen geeinigt.",
        "Vorgesehen sind neue Mittel für die Sanierung der Grundschule im Nordviertel, für den "
        "Ausbau der Radwege entlang des Flusses und für die Stadtbibliothek, die ihre "
        "Öffnungszeiten am Wochenende verlängern möchte. Die Kämmerin sprach von einem soliden "
        "Plan, der trotz steigender Kosten ohne neue Schulden auskomme.",
        "## Kritik aus der Opposition\n\nKritik kam von den Fraktionen, die gegen den Entwurf "
        "gestimmt hatten. Sie bemängelten, dass die Gebühren für Kindergärten steigen sollen, "
        "während gleichzeitig Geld für ein neues Parkhaus am Bahnhof eingeplant sei. Eine "
        "Sprecherin kündigte an, das Thema im Frühjahr erneut auf die Tagesordnung zu setzen.",
        "Die Verwaltung will die einzelnen Vorhaben in den kommenden Wochen in den Ausschüssen "
        "vorstellen. Bürgerinnen und Bürger können die Unterlagen im Rathaus einsehen und ihre "
        "Fragen in der nächsten Einwohnerversammlung stellen, die Ende Januar stattfinden soll.",
    ]
)


def draft(**fields):
    fields.setdefault("title", "Stadtrat beschließt den Haushalt für 2027")
    fields.setdefault("body", GOOD_BODY)
    return article(published=False, **fields)


def submit(a, user=None):
    return actions.submit_article(
        article=a, by=user or a.author, accepted_version=actions.latest_guidelines().number
    )


def test_submit_records_guidelines_acceptance_checks_and_audit():
    a = submit(draft())
    assert a.status == S.SUBMITTED and a.submitted_at is not None
    acceptance = GuidelinesAcceptance.objects.get(article=a)
    assert acceptance.version.number == 1 and acceptance.user == a.author
    assert a.check_reports.count() == 1 and not a.check_reports.get().blocking
    entry = AuditEntry.objects.get(article=a)
    assert (entry.action, entry.from_status, entry.to_status) == ("submit", "draft", "submitted")


def test_submit_without_accepting_the_guidelines_is_refused():
    a = draft()
    with pytest.raises(ActionRefused, match="guidelines"):
        actions.submit_article(article=a, by=a.author, accepted_version=None)
    a.refresh_from_db()
    assert a.status == S.DRAFT and a.body == GOOD_BODY


def test_failed_checks_block_submission_but_keep_the_text():
    a = draft(title="KURZ!!!", body="Ein Satz.")
    with pytest.raises(ActionRefused):
        submit(a)
    a.refresh_from_db()
    assert a.status == S.DRAFT and a.body == "Ein Satz."
    assert a.check_reports.get().blocking


def test_the_whole_review_path_with_emails():
    editor = UserFactory(editor=True)
    a = submit(draft())
    a = actions.claim_submission(article=a, editor=editor)
    assert a.status == S.IN_REVIEW and a.claimed_by == editor
    a = actions.request_changes(article=a, editor=editor, note="Bitte Quellen ergänzen.")
    assert a.status == S.CHANGES_REQUESTED and a.claimed_by is None
    assert "Bitte Quellen ergänzen." in mail.outbox[-1].body
    assert mail.outbox[-1].to == [a.author.email]
    a = submit(a)
    a = actions.approve_submission(article=a, editor=editor)
    a = actions.publish_article(article=a, by=editor)
    assert a.status == S.PUBLISHED and a.published_at is not None
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "Änderungen erbeten",
        "Freigegeben",
        "Veröffentlicht",
    ]
    actions_done = list(
        AuditEntry.objects.filter(article=a).order_by("id").values_list("action", flat=True)
    )
    assert actions_done == ["submit", "claim", "request_changes", "submit", "approve", "publish"]


def test_two_editors_cannot_claim_the_same_submission():
    first, second = UserFactory(editor=True), UserFactory(editor=True)
    a = actions.claim_submission(article=submit(draft()), editor=first)
    with pytest.raises(ActionRefused, match=first.display_name):
        actions.claim_submission(article=a, editor=second)
    a = actions.claim_submission(article=a, editor=second, force=True)
    assert a.claimed_by == second


def test_reject_needs_a_reason_and_tells_the_author():
    editor = UserFactory(editor=True)
    a = submit(draft())
    with pytest.raises(ActionRefused):
        actions.reject_submission(article=a, editor=editor, reason="  ")
    a = actions.reject_submission(article=a, editor=editor, reason="Kein Lokalbezug.")
    assert a.status == S.REJECTED and "Kein Lokalbezug." in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (S.DRAFT, "approve"), (S.DRAFT, "reject"), (S.PUBLISHED, "submit"),
        (S.REJECTED, "publish"), (S.DRAFT, "unpublish"), (S.WITHDRAWN, "claim"),
        (S.TAKEN_DOWN, "publish"), (S.PUBLISHED, "take_down_twice"),
    ],
)  # fmt: skip
def test_transitions_from_the_wrong_state_are_refused(state, action):
    a = draft()
    Article.objects.filter(pk=a.pk).update(status=state)
    a.refresh_from_db()
    editor = UserFactory(editor=True)
    calls = {
        "approve": lambda: actions.approve_submission(article=a, editor=editor),
        "reject": lambda: actions.reject_submission(article=a, editor=editor, reason="x"),
        "submit": lambda: submit(a),
        "publish": lambda: actions.publish_article(article=a, by=editor),
        "unpublish": lambda: actions.unpublish_article(article=a, by=editor),
        "claim": lambda: actions.claim_submission(article=a, editor=editor),
        "take_down_twice": lambda: _in_transaction(
            lambda: actions._transition(article=a, action="restore", by=editor)
        ),
    }
    with pytest.raises(ActionRefused):
        calls[action]()
    a.refresh_from_db()
    assert a.status == state and not AuditEntry.objects.filter(article=a).exists()


def _in_transaction(call):
    from django.db import transaction

    with transaction.atomic():
        return call()


def test_scheduled_articles_publish_on_time_and_catch_up():
    editor = UserFactory(editor=True)
    a = submit(draft())
    at = timezone.now() + dt.timedelta(hours=1)
    a = actions.schedule_article(article=a, editor=editor, at=at)
    assert a.status == S.SCHEDULED
    assert actions.publish_due_articles(now=timezone.now()) == []
    # The workers were down when it was due: the next run catches up, keeping the planned time.
    assert actions.publish_due_articles(now=at + dt.timedelta(days=2)) == [a.pk]
    a.refresh_from_db()
    assert a.status == S.PUBLISHED and a.published_at == at
    with pytest.raises(ActionRefused):
        actions.schedule_article(article=submit(draft(slug="x2")), editor=editor, at=timezone.now())


def test_withdraw_and_resubmit():
    a = submit(draft())
    a = actions.withdraw_submission(article=a, by=a.author)
    assert a.status == S.WITHDRAWN
    assert submit(a).status == S.SUBMITTED

"""The events the article and review actions announce (core.events), inside their transaction,
with the article as it is now and as it was."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.actions import save_article
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import article
from newsdesk.core.errors import ActionRefused
from newsdesk.core.tests.events import listening, types
from newsdesk.editorial import actions
from newsdesk.editorial.grounds import Ground
from newsdesk.editorial.tests.test_actions import draft, submit

pytestmark = pytest.mark.django_db
S = Article.Status


def resave(a, **changes):
    fields = {
        "title": a.title,
        "lead": a.lead,
        "body": a.body,
        "language": a.language,
        "section": a.section,
        "tags": list(a.tags.all()),
        **changes,
    }
    return save_article(article=a, author=a.author, editor=a.author, **fields)


def test_the_review_path_announces_submission_decisions_and_publication():
    editor = UserFactory(editor=True)
    a = draft()
    with listening() as heard:
        a = submit(a)
        actions.claim_submission(article=a, editor=editor)
        a = actions.request_changes(article=a, editor=editor, note="Quelle nennen.")
        a = submit(a)
        a = actions.approve_submission(article=a, editor=editor)
        a = actions.publish_article(article=a, by=editor)
    assert types(heard) == [
        "submission.submitted",
        "review.decided",
        "submission.submitted",
        "review.decided",
        "review.decided",
        "article.published",
    ]
    assert all(h.in_transaction for h in heard)
    changes = heard[1]
    assert changes.current["decision"] == "request_changes"
    assert changes.current["note"] == "Quelle nennen."
    assert (changes.previous["status"], changes.current["status"]) == (
        "in_review",
        "changes_requested",
    )
    published = heard[-1]
    assert (published.previous["status"], published.current["status"]) == ("approved", "published")
    assert heard[-2].current["decision"] == "publish"
    current = published.current
    assert current["id"] == a.pk and current["title"] == a.title
    assert current["url"] == settings.SITE_URL + a.get_absolute_url()
    assert current["api_url"] == f"{settings.SITE_URL}/api/v1/articles/{a.pk}/"
    assert current["author"]["id"] == a.author_id
    assert current["published_at"] == a.published_at.isoformat()
    assert "body" not in current


def test_claims_and_releases_announce_nothing():
    editor = UserFactory(editor=True)
    a = submit(draft())
    with listening() as heard:
        actions.claim_submission(article=a, editor=editor)
        actions.release_submission(article=a, editor=editor)
    assert heard == []


def test_scheduled_publication_is_announced_when_it_happens():
    editor = UserFactory(editor=True)
    a = submit(draft())
    at = timezone.now() + dt.timedelta(hours=1)
    with listening() as heard:
        a = actions.schedule_article(article=a, editor=editor, at=at)
        assert types(heard) == ["review.decided"]
        assert heard[0].current["decision"] == "schedule"
        assert heard[0].current["scheduled_at"] == at.isoformat()
        actions.publish_due_articles(now=at + dt.timedelta(seconds=1))
    assert types(heard) == ["review.decided", "article.published"]


def test_unpublish_take_down_and_restore():
    editor = UserFactory(editor=True)
    a = article()
    b = article(title="Zweiter Artikel über den Haushalt")
    with listening() as heard:
        actions.unpublish_article(article=a, by=editor, note="veraltet")
        actions.take_down_article(article=b, editor=editor, ground=Ground.COPYRIGHT, case="C-1")
        actions.restore_article(article=b, editor=editor, case="C-1")
    assert types(heard) == ["article.unpublished", "article.taken_down", "article.restored"]
    down = heard[1]
    assert down.current["status"] == "taken_down" and down.previous["status"] == "published"
    assert down.current["takedown"] == {"ground": "copyright", "case": "C-1"}
    assert heard[2].current["takedown"] == {"case": "C-1"}


def test_a_change_to_a_published_article_is_announced_with_what_it_was():
    a = article(title="Alter Titel des Artikels")
    with listening() as heard, transaction.atomic():
        resave(Article.objects.get(pk=a.pk), title="Neuer Titel des Artikels")
    assert types(heard) == ["article.updated"]
    assert heard[0].previous["title"] == "Alter Titel des Artikels"
    assert heard[0].current["title"] == "Neuer Titel des Artikels"
    assert heard[0].in_transaction


def test_a_body_change_is_an_update_too_but_saving_the_same_text_is_not():
    a = article()
    with listening() as heard:
        resave(Article.objects.get(pk=a.pk))
        assert heard == []
        resave(Article.objects.get(pk=a.pk), body=a.body + "\nNoch ein Satz dazu.\n")
    assert types(heard) == ["article.updated"]


def test_drafts_announce_nothing_when_saved():
    a = draft()
    with listening() as heard:
        resave(a, title="Ein anderer Titel für den Entwurf")
    assert heard == []
    assert a.status == S.DRAFT


def test_a_refused_transition_announces_nothing():
    a = draft()
    with listening() as heard, pytest.raises(ActionRefused):
        actions.unpublish_article(article=a, by=UserFactory(editor=True))
    assert heard == []

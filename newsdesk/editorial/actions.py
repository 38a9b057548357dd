"""Every article state transition. Other apps call these; nothing else changes Article.status."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsdesk.articles import cache_tags
from newsdesk.articles.models import Article
from newsdesk.core.errors import ActionRefused

# From which states each transition may start.
PUBLISHABLE_FROM = {Article.Status.DRAFT, Article.Status.UNPUBLISHED, Article.Status.PUBLISHED}
UNPUBLISHABLE_FROM = {Article.Status.PUBLISHED}


@transaction.atomic
def publish_article(*, article: Article, by, published_at=None) -> Article:
    """Makes an article public. Keeps an earlier publication time unless one is given."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status not in PUBLISHABLE_FROM:
        raise ActionRefused(
            _("An article that is “%(status)s” cannot be published.")
            % {"status": article.get_status_display()}
        )
    article.status = Article.Status.PUBLISHED
    article.published_at = published_at or article.published_at or timezone.now()
    article.save(update_fields=["status", "published_at", "updated_at"])
    transaction.on_commit(lambda: cache_tags.purge_article(article))
    return article


@transaction.atomic
def unpublish_article(*, article: Article, by) -> Article:
    """Withdraws a published article from every public place at once."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status not in UNPUBLISHABLE_FROM:
        raise ActionRefused(_("Only a published article can be unpublished."))
    article.status = Article.Status.UNPUBLISHED
    article.save(update_fields=["status", "updated_at"])
    transaction.on_commit(lambda: cache_tags.purge_article(article))
    return article

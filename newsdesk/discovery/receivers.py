"""Keeps the indexes up to date with what the apps below discovery report by signal (they may
not import discovery): a changed article is reindexed, a renamed author's articles too."""

from django.dispatch import receiver

from newsdesk.accounts.signals import author_renamed
from newsdesk.articles.signals import article_changed
from newsdesk.discovery.tasks import index_article_task, reindex_author_task


@receiver(article_changed)
def reindex_article(sender, article_id: int, **kwargs) -> None:
    index_article_task(article_id)


@receiver(author_renamed)
def reindex_author(sender, author_id: int, **kwargs) -> None:
    reindex_author_task(author_id)

"""Infrastructure only (STYLE.md): never the editorial workflow.

`article_changed` tells the apps above articles (the search and duplicate indexes in discovery)
that an article's text or search filters changed, without articles importing them.

Renaming a section or tag changes pages that no action purges: section names are in every
page's navigation, so a section change empties the page cache; a tag change purges the pages
that show the tag.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from newsdesk.articles.cache_tags import article_tag
from newsdesk.articles.models import Section, Tag
from newsdesk.core import page_cache

# Sent after commit with `article_id` when a saved article's text, section, tags, kind or
# language changed (discovery.receivers reindexes it).
article_changed = Signal()


@receiver([post_save, post_delete], sender=Section)
def section_changed(sender, instance, **kwargs):
    transaction.on_commit(page_cache.clear)


@receiver([post_save, post_delete], sender=Tag)
def tag_changed(sender, instance, created=False, **kwargs):
    if created:
        return  # a new tag is on no page yet
    tags = {f"tag:{instance.pk}"}
    if instance.pk is not None:
        tags |= {article_tag(pk) for pk in instance.articles.values_list("pk", flat=True)}
    transaction.on_commit(lambda: page_cache.purge(tags))

"""What an event about an article says about it (core.events; webhooks carry it as
`data.current` and `data.previous`).

A summary, not the article: enough to decide what to do (its state, where it is, who wrote it,
what it is about) and where to read the rest (`api_url`, the public API's full article). The
body is left out: it may be a megabyte, and an event is sent to every endpoint that asks.
"""

from django.conf import settings
from django.urls import reverse

from newsdesk.articles.models import Article
from newsdesk.core.events import iso


def article_data(article: Article) -> dict:
    """The article as it is now in memory (call before and after changing it for `previous`
    and `current`)."""
    site = settings.SITE_URL
    return {
        "id": article.pk,
        "slug": article.slug,
        "status": article.status,
        "language": article.language,
        "kind": article.kind,
        "title": article.title,
        "lead": article.lead,
        "url": site + article.get_absolute_url(),
        "api_url": site + reverse("api:article", args=[article.pk]),
        "section": {"id": article.section_id, "slug": article.section.slug},
        "tags": sorted(tag.slug for tag in article.tags.all()),
        "author": {
            "id": article.author_id,
            "name": article.author.display_name,
            "url": site + article.author.get_absolute_url(),
        },
        "translation_of": article.translation_of_id,
        "reading_minutes": article.reading_minutes,
        "published_at": iso(article.published_at),
        "scheduled_at": iso(article.scheduled_at),
        "updated_at": iso(article.updated_at),
    }

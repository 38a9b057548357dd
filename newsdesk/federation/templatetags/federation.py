from django import template
from django.conf import settings
from django.utils.html import format_html

from newsdesk.federation import queries
from newsdesk.federation.queries import creator_handle

register = template.Library()


@register.simple_tag
def fediverse_creator(author) -> str:
    """Mastodon's author attribution on shared links: the tag names the author's handle, for an
    author who has an actor (opted in, no clash with a section's or the site's handle)."""
    if not settings.FEDERATION_ENABLED:
        return ""
    handle = creator_handle(author)
    if handle is None:
        return ""
    return format_html('<meta name="fediverse:creator" content="{}">', handle)


@register.inclusion_tag("federation/_replies.html")
def fediverse_replies(article) -> dict:
    """Under an article: its approved replies and its like and boost counts (two queries)."""
    if not settings.FEDERATION_ENABLED:
        return {}
    counts = queries.reaction_counts([article.pk]).get(article.pk, {})
    return {"replies": queries.approved_replies(article.pk), "counts": counts}

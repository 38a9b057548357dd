"""The parts of every page's frame: section navigation and the language switcher."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation

from newsdesk.articles.models import Section

register = template.Library()


@register.inclusion_tag("articles/_section_nav.html", takes_context=True)
def section_nav(context):
    return {"sections": Section.objects.all(), "LANG": translation.get_language()}


@register.inclusion_tag("articles/_language_links.html", takes_context=True)
def language_links(context):
    """Plain links to the same page in each interface language (cacheable: no per-user state)."""
    request = context.get("request")
    current = translation.get_language()
    links = []
    for code, name in settings.LANGUAGES:
        url = translate_url(request.path, code) if request else f"/{code}/"
        with translation.override(code):
            links.append(
                {
                    "code": code,
                    "name": translation.gettext(name),
                    "url": url,
                    "current": code == current,
                }
            )
    return {"links": links}

"""What the article page tells crawlers and link previews: hreflang, JSON-LD, OpenGraph locale."""

import json

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe

from newsdesk.articles import alternates
from newsdesk.articles.models import Article

register = template.Library()

# schema.org type per article kind.
SCHEMA_TYPES = {
    Article.Kind.NEWS: "NewsArticle",
    Article.Kind.ANALYSIS: "AnalysisNewsArticle",
    Article.Kind.OPINION: "OpinionNewsArticle",
}
# Inside <script>, only these characters can end the element or start markup; as JSON escapes
# they decode to the same string (what Django's json_script does, for another script type).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def absolute(url: str) -> str:
    return alternates.absolute_url(url) if url else ""


@register.filter
def og_locale(language: str) -> str:
    """BCP 47 `de-AT` as OpenGraph's `de_AT`."""
    return translation.to_locale(language)


@register.simple_tag
def language_versions(article, translations):
    return alternates.language_versions(article, translations)


@register.simple_tag
def original_of(versions):
    return alternates.original_version(versions)


@register.simple_tag
def article_json_ld(article, versions):
    """A `<script type="application/ld+json">` describing the article (not executed: no CSP)."""
    data = json.dumps(article_schema(article, versions), ensure_ascii=False, sort_keys=False)
    return mark_safe(  # noqa: S308 - the JSON is escaped for a script element just above
        f'<script type="application/ld+json">{data.translate(_SCRIPT_ESCAPES)}</script>'
    )


def article_schema(article: Article, versions) -> dict:
    url = alternates.absolute_url(article.get_absolute_url())
    author = article.author
    data = {
        "@context": "https://schema.org",
        "@type": SCHEMA_TYPES.get(article.kind, "NewsArticle"),
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": article.title,
        "description": article.lead or article.title,
        "inLanguage": article.language,
        "author": [
            {
                "@type": "Person",
                "name": author.display_name,
                "url": alternates.absolute_url(author.get_absolute_url()),
            }
        ],
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(article.updated_at or article.published_at),
        "publisher": publisher_schema(),
        "isAccessibleForFree": True,
        "articleSection": article.section.display_name(article.language),
        "keywords": [tag.name for tag in article.tags.all()],
        "wordCount": article.word_count,
    }
    if article.cover:
        data["image"] = [alternates.absolute_url(article.cover.file.url)]
    data.update(_translation_links(article, versions))
    return data


def publisher_schema() -> dict:
    publisher = {
        "@type": "Organization",
        "name": getattr(settings, "SITE_NAME", "newsdesk"),
        "url": settings.SITE_URL + "/",
    }
    logo = getattr(settings, "SITE_LOGO_URL", "")
    if logo:
        publisher["logo"] = {"@type": "ImageObject", "url": alternates.absolute_url(logo)}
    return publisher


def _translation_links(article: Article, versions) -> dict:
    others = [v for v in versions if not v.is_current]
    if article.translation_of_id:
        original = alternates.original_version(versions)
        return {"translationOfWork": _work(original)} if original else {}
    if others:
        return {"workTranslation": [_work(v) for v in others]}
    return {}


def _work(version) -> dict:
    return {
        "@type": SCHEMA_TYPES.get(version.article.kind, "NewsArticle"),
        "@id": version.url,
        "url": version.url,
        "inLanguage": version.hreflang,
    }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None

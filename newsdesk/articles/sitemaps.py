"""sitemap.xml (an index and its parts), the Google News sitemap and robots.txt.

Every URL is absolute on SITE_URL, whatever host the crawler asked for. Only visible articles,
and only sections, tags and authors that have one, are listed. The responses live in the front
page cache under every `home:<lang>` tag: each publish, unpublish or takedown purges one of them.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from newsdesk.accounts.models import User
from newsdesk.articles import alternates
from newsdesk.articles.models import Section, Tag
from newsdesk.articles.queries import visible_articles
from newsdesk.core.page_cache import cache_page_with

# Articles per sitemap page: each page looks up its translations with two IN lists, which must
# stay under SQLite's limit of 32,766 query parameters (the protocol would allow 50,000).
ARTICLES_PER_SITEMAP = 10_000
# Google News reads only articles from the last two days, and at most 1,000 per sitemap.
NEWS_WINDOW = dt.timedelta(days=2)
NEWS_MAX_ITEMS = 1000


class SiteUrlSitemap(Sitemap):
    """Locations on SITE_URL: behind a proxy, the request's own scheme and host may differ."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteUrlSitemap):
    """One URL per article, with its visible translations as hreflang alternates."""

    limit = ARTICLES_PER_SITEMAP

    def items(self):
        return (
            visible_articles()
            .select_related(None)
            .only("pk", "slug", "language", "translation_of", "updated_at", "published_at")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # One aggregate instead of Django's default, which walks every item.
        return visible_articles().aggregate(latest=Max("updated_at"))["latest"]

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        families = alternates.visible_families([url["item"] for url in urls])
        for url in urls:
            article = url["item"]
            family = families.get(alternates.root_id(article), [])
            url["alternates"] = hreflang_alternates(article, family)
        return urls


def hreflang_alternates(article, family) -> list[dict]:
    others = [member for member in family if member.pk != article.pk]
    if not others:
        return []
    versions = alternates.language_versions(article, others)
    links = [{"lang_code": v.hreflang, "location": v.url} for v in versions]
    original = alternates.original_version(versions)
    if original:
        links.append({"lang_code": "x-default", "location": original.url})
    return links


class TranslatedPagesSitemap(SiteUrlSitemap):
    """Pages that exist once per interface language (/de/..., /en/...), linked to each other."""

    i18n = True
    alternates = True
    x_default = True


class SectionSitemap(TranslatedPagesSitemap):
    def items(self):
        return Section.objects.filter(articles__in=_visible_ids()).distinct().order_by("pk")


class TagSitemap(TranslatedPagesSitemap):
    def items(self):
        return Tag.objects.filter(articles__in=_visible_ids()).distinct().order_by("pk")


class AuthorSitemap(TranslatedPagesSitemap):
    def items(self):
        return (
            User.objects.filter(is_active=True, articles__in=_visible_ids())
            .distinct()
            .order_by("pk")
        )


class StaticSitemap(TranslatedPagesSitemap):
    def items(self):
        return ["articles:home", "editorial:guidelines"]

    def location(self, name):
        return reverse(name)


def _visible_ids():
    return visible_articles().values("pk")


SITEMAPS = {
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
    "pages": StaticSitemap,
}


def _cached(response):
    return cache_page_with(response, {f"home:{code}" for code, _name in settings.LANGUAGES})


@require_safe
def sitemap_index(request):
    items = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = alternates.absolute_url(reverse("sitemap_section", kwargs={"section": section}))
        last_mod = sitemap.get_latest_lastmod() if section == "articles" else None
        items.append(sitemap_views.SitemapIndexItem(location, last_mod))
        for page in range(2, sitemap.paginator.num_pages + 1):
            items.append(sitemap_views.SitemapIndexItem(f"{location}?p={page}", last_mod))
    response = render(
        request, "sitemap_index.xml", {"sitemaps": items}, content_type="application/xml"
    )
    return _cached(response)


@require_safe
def sitemap_section(request, section):
    response = sitemap_views.sitemap(request, SITEMAPS, section=section)
    return _cached(response)


@require_safe
def news_sitemap(request):
    """Google News: articles published in the last two days, newest first."""
    since = timezone.now() - NEWS_WINDOW
    articles = (
        visible_articles()
        .filter(published_at__gte=since)
        .order_by("-published_at")[:NEWS_MAX_ITEMS]
    )
    entries = [
        {
            "location": alternates.absolute_url(a.get_absolute_url()),
            "language": news_language(a.language),
            "published_at": a.published_at,
            "title": a.title,
        }
        for a in articles
    ]
    response = render(
        request,
        "articles/news_sitemap.xml",
        {"entries": entries, "publication": getattr(settings, "SITE_NAME", "newsdesk")},
        content_type="application/xml",
    )
    return _cached(response)


def news_language(tag: str) -> str:
    """Google News wants ISO 639 codes, except zh-cn and zh-tw for Chinese."""
    parts = tag.lower().split("-")
    if parts[0] == "zh":
        return "zh-tw" if any(p in {"tw", "hant", "hk"} for p in parts[1:]) else "zh-cn"
    return parts[0]


@require_safe
def robots_txt(request):
    response = render(
        request,
        "robots.txt",
        {
            "sitemaps": [
                alternates.absolute_url(reverse("sitemap_index")),
                alternates.absolute_url(reverse("news_sitemap")),
            ]
        },
        content_type="text/plain; charset=utf-8",
    )
    return cache_page_with(response, {"robots"})

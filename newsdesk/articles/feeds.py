"""RSS 2.0 and Atom feeds of the site, each language, section, tag and author.

Every feed lists `visible_articles()` only, carries the full (sanitised) body with absolute
links, and is stored in the front page cache under the same tags as the page it mirrors, so a
publish, edit, unpublish or takedown purges it with that page.
"""

import mimetypes
from dataclasses import dataclass, field

import nh3
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from newsdesk.articles import markdown, queries
from newsdesk.articles.alternates import absolute_url
from newsdesk.articles.cache_tags import tags_for_articles
from newsdesk.articles.models import Article, Section
from newsdesk.core.page_cache import cache_page_with

# Items per feed: a reader polling daily misses nothing; the XML stays small.
FEED_ITEMS = 30


class ContentRssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with the full body in content:encoded (description stays the summary)."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])


class ContentAtomFeed(feedgenerator.Atom1Feed):
    """Atom with the full body as <content type="html"> and each entry's own language."""

    def item_attributes(self, item):
        return {**super().item_attributes(item), "xml:lang": item["language"]}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


@dataclass
class FeedSource:
    """What one feed shows; built per request, so the shared Feed instance keeps no state."""

    title: str
    page_url: str
    feed_url: str
    description: str
    cache_tags: set[str]
    articles: list[Article] = field(default_factory=list)
    # None for feeds mixing languages (a section, tag or author writes in several).
    language: str | None = None


def absolute_body(article: Article) -> str:
    """The stored, already sanitised body with relative links and images made absolute.

    Cleaned again with the same allowlist: the rewrite happens inside nh3, never by string edits.
    """
    return nh3.clean(
        article.body_html,
        tags=markdown.ALLOWED_TAGS,
        attributes=markdown.ALLOWED_ATTRIBUTES,
        allowed_classes=markdown.ALLOWED_CLASSES,
        url_schemes=markdown.URL_SCHEMES,
        link_rel=markdown.LINK_REL,
        url_relative=("rewrite_with_base", absolute_url(article.get_absolute_url())),
    )


def _latest(queryset) -> list[Article]:
    return list(queryset.prefetch_related("tags").order_by("-published_at")[:FEED_ITEMS])


def _every_home_tag() -> set[str]:
    # Every article change purges home:<its interface language>; all of them cover every article.
    return {f"home:{code}" for code, _name in settings.LANGUAGES}


def site_source(request) -> FeedSource:
    site = getattr(settings, "SITE_NAME", "newsdesk")
    return FeedSource(
        title=site,
        page_url=absolute_url("/"),
        feed_url=absolute_url(request.path),
        description=_("Every article published on %(site)s, in every language.") % {"site": site},
        cache_tags=_every_home_tag(),
        articles=_latest(queries.visible_articles()),
    )


def language_source(request) -> FeedSource:
    language = translation.get_language()
    site = getattr(settings, "SITE_NAME", "newsdesk")
    return FeedSource(
        title=f"{site} ({translation.get_language_info(language)['name_local']})",
        page_url=absolute_url(reverse("articles:home")),
        feed_url=absolute_url(request.path),
        description=_("The latest articles on %(site)s.") % {"site": site},
        cache_tags={f"home:{language}"},
        articles=_latest(queries.for_language(queries.visible_articles(), language)),
        language=language,
    )


def section_source(request, slug) -> FeedSource:
    section = get_object_or_404(Section, slug=slug)
    return _list_source(
        request,
        name=section.display_name(),
        page=section,
        tag=f"section:{section.pk}",
        queryset=queries.articles_in_section(section),
    )


def tag_source(request, slug) -> FeedSource:
    tag = queries.tag_for_reading(slug)
    return _list_source(
        request,
        name=tag.name,
        page=tag,
        tag=f"tag:{tag.pk}",
        queryset=queries.articles_with_tag(tag),
    )


def author_source(request, slug) -> FeedSource:
    author = queries.author_for_reading(slug)
    return _list_source(
        request,
        name=author.display_name,
        page=author,
        tag=f"author:{author.pk}",
        queryset=queries.articles_by_author(author),
    )


def _list_source(request, *, name, page, tag, queryset) -> FeedSource:
    site = getattr(settings, "SITE_NAME", "newsdesk")
    return FeedSource(
        title=f"{name} – {site}",
        page_url=absolute_url(page.get_absolute_url()),
        feed_url=absolute_url(request.path),
        description=_("The latest articles on %(site)s: %(name)s") % {"site": site, "name": name},
        cache_tags={tag},
        articles=_latest(queryset),
    )


class ArticleFeed(Feed):
    """One feed view: `source` picks the articles, `feed_type` the format (RSS or Atom)."""

    def __init__(self, source, feed_type, *, language: str | None = None):
        super().__init__()
        self.source = source
        self.feed_type = feed_type
        # Feeds outside the /<lang>/ URLs speak one fixed language: the page cache ignores Vary,
        # so the text must not follow the visitor's Accept-Language.
        self.fixed_language = language

    def __call__(self, request, *args, **kwargs):
        with translation.override(self.fixed_language or translation.get_language()):
            response = super().__call__(request, *args, **kwargs)
        source = request.feed_source
        return cache_page_with(response, source.cache_tags | tags_for_articles(source.articles))

    def get_object(self, request, *args, **kwargs):
        request.feed_source = self.source(request, *args, **kwargs)
        return request.feed_source

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = obj.language
        return feed

    def as_text(self, value: str) -> str:
        """Contributor text for an element that RSS readers render as HTML (title, description,
        category, dc:creator): escaped there, so that it stays text. Atom's title, author name
        and category term are plain text already."""
        return escape(value) if self.feed_type is ContentRssFeed else value

    def title(self, obj):
        # Tag and author names are contributors' text.
        return self.as_text(obj.title)

    def link(self, obj):
        return obj.page_url

    def feed_url(self, obj):
        return obj.feed_url

    def description(self, obj):
        return self.as_text(obj.description)

    def subtitle(self, obj):
        return obj.description

    def items(self, obj):
        return obj.articles

    def item_title(self, item):
        return self.as_text(item.title)

    def item_description(self, item):
        # A summary in both formats, sent as HTML: escaped so that it stays text.
        return escape(item.lead or item.title)

    def item_link(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        return absolute_url(item.get_absolute_url())

    def item_guid_is_permalink(self, item):
        return True

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return self.as_text(item.author.display_name)

    def item_author_link(self, item):
        return absolute_url(item.author.get_absolute_url())

    def item_categories(self, item):
        names = [item.section.display_name(item.language), *(t.name for t in item.tags.all())]
        return [self.as_text(name) for name in names]

    def item_enclosures(self, item):
        enclosure = cover_enclosure(item)
        return [enclosure] if enclosure else []

    def item_extra_kwargs(self, item):
        return {"content_html": absolute_body(item), "language": item.language}


def cover_enclosure(article: Article) -> feedgenerator.Enclosure | None:
    cover = article.cover
    if cover is None or not cover.file:
        return None
    try:
        length = cover.file.size
    except OSError:
        # The file is missing on this server (a restored database without its media): no
        # enclosure is better than a wrong one or a broken feed.
        return None
    mime_type = mimetypes.guess_type(cover.file.name)[0] or "application/octet-stream"
    return feedgenerator.Enclosure(absolute_url(cover.file.url), str(length), mime_type)


def rss_and_atom(source, **options):
    return ArticleFeed(source, ContentRssFeed, **options), ArticleFeed(
        source, ContentAtomFeed, **options
    )


site_rss, site_atom = rss_and_atom(site_source, language=settings.LANGUAGE_CODE)
language_rss, language_atom = rss_and_atom(language_source)
section_rss, section_atom = rss_and_atom(section_source)
tag_rss, tag_atom = rss_and_atom(tag_source)
author_rss, author_atom = rss_and_atom(author_source)

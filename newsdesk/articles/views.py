from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.http import require_safe

from newsdesk.articles import queries
from newsdesk.articles.cache_tags import article_tag, tags_for_articles
from newsdesk.articles.models import Section
from newsdesk.articles.reading_time import reading_time_label
from newsdesk.core.page_cache import cache_page_with
from newsdesk.core.pagination import paginate
from newsdesk.discovery.related import related_for
from newsdesk.editorial import queries as editorial_queries
from newsdesk.newsletter.queries import signup_box

# Teasers per list page.
PAGE_SIZE = 20
# Teasers per section block on the home page.
HOME_PER_SECTION = 4


@require_safe
def home(request):
    language = translation.get_language()
    latest = queries.latest_articles(language=language, limit=40)
    by_section: dict[Section, list] = {}
    for article in latest[5:]:
        by_section.setdefault(article.section, []).append(article)
    sections = [
        (section, articles[:HOME_PER_SECTION])
        for section, articles in sorted(by_section.items(), key=lambda kv: kv[0].position)
    ]
    response = render(
        request,
        "articles/home.html",
        {"top": latest[:5], "sections": sections, "newsletter_box": signup_box(language=language)},
    )
    return cache_page_with(response, {f"home:{language}"} | tags_for_articles(latest))


def _list_page(request, *, queryset, tag: str, template: str, context: dict):
    page = paginate(request, queryset, per_page=PAGE_SIZE)
    if isinstance(page, HttpResponse):  # a redirect to the page's canonical URL
        return page
    response = render(request, template, {**context, "page": page})
    return cache_page_with(response, {tag} | tags_for_articles(page.object_list))


@require_safe
def section(request, slug):
    section = get_object_or_404(Section, slug=slug)
    return _list_page(
        request,
        queryset=queries.articles_in_section(section),
        tag=f"section:{section.pk}",
        template="articles/section.html",
        context={"section": section},
    )


@require_safe
def tag(request, slug):
    tag = queries.tag_for_reading(slug)
    return _list_page(
        request,
        queryset=queries.articles_with_tag(tag),
        tag=f"tag:{tag.pk}",
        template="articles/tag.html",
        context={"tag": tag},
    )


@require_safe
def author(request, slug):
    author = queries.author_for_reading(slug)
    return _list_page(
        request,
        queryset=queries.articles_by_author(author),
        tag=f"author:{author.pk}",
        template="articles/author.html",
        context={"author": author},
    )


@require_safe
def detail(request, slug):
    article, notice = editorial_queries.article_or_takedown_notice(slug)
    if translation.get_language() != article.ui_language:
        # One URL per article: its chrome is in the article's language.
        return redirect(article.get_absolute_url(), permanent=True)
    if notice is not None:
        return unavailable(request, notice)
    related = related_for(article, language=translation.get_language())
    translations = queries.translations_of(article)
    response = render(
        request,
        "articles/detail.html",
        {
            "article": article,
            "related": related,
            "translations": translations,
            "reading_time": reading_time_label(article.reading_minutes, article.language),
            "newsletter_box": signup_box(language=article.language, section_id=article.section_id),
        },
    )
    return cache_page_with(response, _detail_tags(article, related))


def _detail_tags(article, related) -> set[str]:
    # The related block comes from the stored neighbours (all of them, shown or not: one that is
    # restored must reappear), filled up by section and shared tags; the language switcher from
    # the article's translations. A change to any of those articles must refresh this page.
    tags = {f"section:{article.section_id}"} | {f"tag:{t.pk}" for t in article.tags.all()}
    tags |= {article_tag(pk) for pk in queries.translation_family_ids(article)}
    tags |= {article_tag(pk) for pk in getattr(related, "considered", ())}
    return tags | tags_for_articles([article, *related])


def unavailable(request, notice: dict):
    """RFC 7725: 451 with the notice, and a Link naming who blocks it (this site). Not stored in
    the page cache (it keeps only 200s), so a restore shows the article at once."""
    response = render(request, "articles/unavailable.html", {"notice": notice}, status=451)
    response["Link"] = f'<{settings.SITE_URL}/>; rel="blocked-by"'
    return response

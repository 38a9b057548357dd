"""Reads of articles. `visible_articles()` is the one query that decides what the public sees."""

import re

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from newsdesk.accounts.models import User
from newsdesk.articles.models import Article, Section, Tag

# How many related articles an article page shows.
RELATED_LIMIT = 4
SLUG = re.compile(r"[-\w]{1,120}")


def visible_articles() -> QuerySet[Article]:
    """Every article the public may see, anywhere: pages, feeds, search, newsletters, API."""
    return Article.objects.filter(status=Article.Status.PUBLISHED).select_related(
        "author", "section", "cover"
    )


def for_language(qs: QuerySet[Article], language: str) -> QuerySet[Article]:
    return qs.filter(Q(language=language) | Q(language__startswith=f"{language}-"))


def article_for_reading(slug: str) -> Article:
    if not SLUG.fullmatch(slug):  # from a query string: no NUL bytes or other junk to the database
        raise Http404("No such article")
    try:
        return visible_articles().prefetch_related("tags").get(slug=slug)
    except Article.DoesNotExist:
        raise Http404("No such article") from None


def translation_family(article: Article) -> Q:
    """Every language version of the article (itself, its original, the original's
    translations), as a condition to filter or exclude by."""
    root = article.translation_of_id or article.pk
    return Q(pk__in={article.pk, root}) | Q(translation_of=root)


def other_versions(article: Article) -> QuerySet[Article]:
    """The article's other language versions (its original, its original's other
    translations), in any state."""
    return Article.objects.filter(translation_family(article)).exclude(pk=article.pk)


def translation_family_ids(article: Article) -> set[int]:
    """Ids of every language version of the article, visible or not: its page is tagged with
    them, so that taking one down or restoring it refreshes the others' language switchers."""
    return set(Article.objects.filter(translation_family(article)).values_list("pk", flat=True))


def latest_articles(*, language: str, limit: int = 40) -> list[Article]:
    return list(for_language(visible_articles(), language).order_by("-published_at")[:limit])


def articles_in_section(section: Section) -> QuerySet[Article]:
    return visible_articles().filter(section=section).order_by("-published_at")


def visible_tags() -> QuerySet[Tag]:
    """Tags of at least one visible article: a draft's new tag is nobody's business yet."""
    return Tag.objects.filter(Exists(visible_articles().filter(tags=OuterRef("pk"))))


def tag_for_reading(slug) -> Tag:
    """The tag page's (and feed's) tag; 404 alike for an unknown tag and one only drafts have."""
    try:
        return visible_tags().get(slug=slug)
    except Tag.DoesNotExist:
        raise Http404("No such tag") from None


def articles_with_tag(tag: Tag) -> QuerySet[Article]:
    return visible_articles().filter(tags=tag).order_by("-published_at")


def public_authors() -> QuerySet[User]:
    """Authors with a public page (and feeds): active accounts with at least one visible
    article. Anyone may sign up under any display name (an existing author's included); only an
    editor's publication makes a byline, and with it the page, public."""
    return User.objects.filter(is_active=True).filter(
        Exists(visible_articles().filter(author=OuterRef("pk")))
    )


def author_for_reading(slug: str) -> User:
    try:
        return public_authors().get(slug=slug)
    except User.DoesNotExist:
        raise Http404("No such author") from None


def articles_by_author(author) -> QuerySet[Article]:
    return visible_articles().filter(author=author).order_by("-published_at")


def related_articles(article: Article, *, limit: int = RELATED_LIMIT) -> list[Article]:
    """Same section or shared tags, most shared tags first, then the newest.

    Never the article itself or its translations. A content-based ranking across languages
    replaces this in the discovery app.
    """
    tag_ids = [t.pk for t in article.tags.all()]
    family = {article.pk}
    if article.translation_of_id:
        family.add(article.translation_of_id)
    family |= set(
        Article.objects.filter(
            Q(translation_of=article.pk) | Q(translation_of=article.translation_of_id or -1)
        ).values_list("pk", flat=True)
    )
    return list(
        visible_articles()
        .filter(Q(section=article.section_id) | Q(tags__in=tag_ids))
        .exclude(pk__in=family)
        .annotate(shared=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
        .order_by("-shared", "-published_at")
        .distinct()[:limit]
    )


def translations_of(article: Article) -> list[Article]:
    """The other visible language versions of an article (original and its translations)."""
    root = article.translation_of_id or article.pk
    return list(
        visible_articles()
        .filter(Q(pk=root) | Q(translation_of=root))
        .exclude(pk=article.pk)
        .order_by("language")
    )

"""The API's reads: every article through `visible_articles()`, filters checked, never
trusted (a bad value is a 400 that names it), and `q` through the site's own search."""

import datetime as dt
import re

from django.db.models import Case, Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, When
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from newsdesk.articles.models import Article, Section, Tag
from newsdesk.articles.queries import SLUG, for_language, public_authors, visible_articles
from newsdesk.discovery.search import SearchFilters, search
from newsdesk.discovery.search.text import primary_language
from newsdesk.editorial.queries import takedown_notice
from newsdesk.newsletter.models import Issue, Newsletter
from newsdesk.newsletter.queries import active_newsletters

LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")
ARTICLE_FILTERS = (
    "lang",
    "section",
    "tag",
    "author",
    "published_after",
    "published_before",
    "updated_since",
    "translation_of",
    "q",
)
# Ids have at most this many digits (a bigint has 19): a longer "id" is a slug or nothing.
ID_DIGITS = 18
# Dates outside these years are typing mistakes, and overflow in time zone arithmetic.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= ID_DIGITS


def _bad(name: str, message: str):
    return ValidationError({name: [message]})


def _slug(params, name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if not SLUG.fullmatch(value):
        raise _bad(name, f"must be a slug (letters, digits, '-' or '_'), not {value[:40]!r}")
    return value


def _moment(params, name: str) -> dt.datetime | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        value = parse_datetime(raw) or _day(parse_date(raw))
    except ValueError:
        value = None
    if value is None or not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise _bad(
            name,
            f"must be an ISO 8601 date or date-time between {FIRST_YEAR} and {LAST_YEAR}"
            f" (2026-05-01 or 2026-05-01T12:00:00Z), not {raw[:40]!r}",
        )
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _day(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time()) if day else None


def _exists(model, name: str, slug: str | None, queryset=None):
    if slug is None:
        return None
    found = (queryset if queryset is not None else model.objects).filter(slug=slug).first()
    if found is None:
        raise _bad(name, f"there is no {name} {slug!r}")
    return found


def filtered_articles(params) -> QuerySet[Article]:
    """The visible articles the filters in `params` pick, newest first (best first with `q`)."""
    unknown = sorted(set(params) - set(ARTICLE_FILTERS) - {"limit", "offset"})
    if unknown:
        raise _bad(unknown[0], f"is not a filter; the filters are {', '.join(ARTICLE_FILTERS)}")
    lang = params.get("lang")
    if lang is not None and not LANGUAGE.fullmatch(lang):
        raise _bad("lang", f"must be a BCP 47 language tag (de, en, de-AT), not {lang[:40]!r}")
    section = _exists(Section, "section", _slug(params, "section"))
    tag = _exists(Tag, "tag", _slug(params, "tag"))
    author = _exists(None, "author", _slug(params, "author"), public_authors())
    after, before = _moment(params, "published_after"), _moment(params, "published_before")
    updated_since = _moment(params, "updated_since")
    translation_of = params.get("translation_of")
    if translation_of is not None and not _is_id(translation_of):
        raise _bad("translation_of", f"must be an article id, not {translation_of[:40]!r}")

    qs = visible_articles().prefetch_related("tags")
    if lang:
        qs = for_language(qs, lang)
    if section:
        qs = qs.filter(section=section)
    if tag:
        qs = qs.filter(tags=tag)
    if author:
        qs = qs.filter(author=author)
    if after:
        qs = qs.filter(published_at__gte=after)
    if before:
        qs = qs.filter(published_at__lt=before)
    if updated_since:
        qs = qs.filter(updated_at__gte=updated_since)
    if translation_of is not None:
        qs = qs.filter(translation_of=int(translation_of))
    query = params.get("q")
    if query is None:
        return qs.order_by("-published_at", "-id")
    filters = SearchFilters(
        section_id=section.pk if section else None,
        author_id=author.pk if author else None,
        language=primary_language(lang) if lang else None,
        published_from=after,
        published_before=before,
    )
    ranked = _search_ids(query, filters)
    if not ranked:
        return qs.none()
    rank = Case(
        *(When(pk=pk, then=position) for position, pk in enumerate(ranked)),
        output_field=IntegerField(),
    )
    return qs.filter(pk__in=ranked).annotate(search_rank=rank).order_by("search_rank")


def articles_changed_at(articles: QuerySet[Article]) -> dt.datetime | None:
    """When the list `articles` last changed, for Last-Modified: its newest change, or a later
    one of any article that left public view (unpublished, taken down: it is gone from every
    list it was in). Every page of the list gets the same date, as a publication shifts them
    all. Names of tags, sections and authors are not covered: the ETag is."""
    newest = articles.order_by().aggregate(at=Max("updated_at"))["at"]
    withdrawn = (
        Article.objects.filter(published_at__isnull=False)
        .exclude(status=Article.Status.PUBLISHED)
        .aggregate(at=Max("updated_at"))["at"]
    )
    return max((t for t in (newest, withdrawn) if t is not None), default=None)


def _search_ids(query: str, filters: SearchFilters) -> list[int]:
    """Every id the site's search finds for `query`, best first (it stops at its own
    MAX_RESULTS). The other filters are applied to these afterwards."""
    ids, page = [], 1
    while True:
        found = search(query, filters=filters, page=page)
        ids += [result.article.pk for result in found.results]
        if not found.has_next:
            return ids
        page += 1


def visible_tags() -> QuerySet[Tag]:
    """Tags of at least one visible article: a draft's new tag is nobody's business yet."""
    return Tag.objects.filter(Exists(visible_articles().filter(tags=OuterRef("pk"))))


def sections() -> QuerySet[Section]:
    return Section.objects.order_by("position", "name")


def article_by_ref(ref: str) -> tuple[Article | None, dict | None]:
    """The visible article with the id or slug `ref`, or (None, notice) for a taken-down one
    (it answers 451), or (None, None)."""
    by = {"pk": int(ref)} if _is_id(ref) else {"slug": ref}
    if "slug" in by and not SLUG.fullmatch(ref):
        return None, None
    found = visible_articles().prefetch_related("tags").filter(**by).first()
    if found is None and "pk" in by:  # a slug made only of digits
        found = visible_articles().prefetch_related("tags").filter(slug=ref).first()
    if found is not None:
        return found, None
    taken_down = Article.objects.filter(status=Article.Status.TAKEN_DOWN, **by).first()
    return None, takedown_notice(taken_down) if taken_down is not None else None


def newsletters() -> QuerySet[Newsletter]:
    """The newsletters one can subscribe to, with what their public archive holds."""
    sent = Q(issues__status=Issue.Status.SENT)
    return (
        active_newsletters()
        .select_related("section")
        .annotate(
            issues_sent=Count("issues", filter=sent),
            last_sent_at=Max("issues__sent_at", filter=sent),
        )
        .order_by("name", "pk")
    )

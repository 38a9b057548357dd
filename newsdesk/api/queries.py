"""The API's reads: every article through `visible_articles()`, filters checked, never
trusted (a bad value is a 400 that names it), and `q` through the site's own search."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

import newsdesk.discovery.search as site_search
from newsdesk.articles.models import Article, Section
from newsdesk.articles.queries import (
    SLUG,
    for_language,
    public_authors,
    visible_articles,
    visible_tags,
)
from newsdesk.discovery.search import SearchFilters, search
from newsdesk.discovery.search.text import primary_language
from newsdesk.editorial.actions import TRANSITIONS
from newsdesk.editorial.models import AuditEntry
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
# The search finds ids up to its own MAX_RESULTS, filtered by what SearchFilters knows; these
# filters it does not know would be applied to that cut list and miss results: not with `q`.
NOT_WITH_Q = ("tag", "updated_since", "translation_of")
# The actions that take a published article out of public view (they start from PUBLISHED and
# end elsewhere): unpublish, take_down.
WITHDRAWING_ACTIONS = sorted(
    action
    for action, (sources, target) in TRANSITIONS.items()
    if Article.Status.PUBLISHED in sources and target != Article.Status.PUBLISHED
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


@dataclass(frozen=True)
class ArticleSelection:
    articles: QuerySet[Article]
    # With `q`: the search stopped at its MAX_RESULTS, more articles match than are listed.
    # None without `q`.
    search_capped: bool | None = None


def with_public_original(qs: QuerySet[Article]) -> QuerySet[Article]:
    """`public_original_id`: the id of the article's original if that is visible, else None
    (an unpublished original is nobody's business)."""
    original = visible_articles().filter(pk=OuterRef("translation_of_id")).values("pk")[:1]
    return qs.annotate(public_original_id=Subquery(original))


def filtered_articles(params) -> ArticleSelection:
    """The visible articles the filters in `params` pick, newest first (best first with `q`)."""
    unknown = sorted(set(params) - set(ARTICLE_FILTERS) - {"limit", "offset"})
    if unknown:
        raise _bad(unknown[0], f"is not a filter; the filters are {', '.join(ARTICLE_FILTERS)}")
    if "q" in params:
        clash = [name for name in NOT_WITH_Q if name in params]
        if clash:
            raise _bad(
                clash[0],
                f"cannot be combined with q (none of {', '.join(NOT_WITH_Q)} can)",
            )
    lang = params.get("lang")
    if lang is not None and not LANGUAGE.fullmatch(lang):
        raise _bad("lang", f"must be a BCP 47 language tag (de, en, de-AT), not {lang[:40]!r}")
    section = _exists(Section, "section", _slug(params, "section"))
    tag = _exists(None, "tag", _slug(params, "tag"), visible_tags())
    author = _exists(None, "author", _slug(params, "author"), public_authors())
    after, before = _moment(params, "published_after"), _moment(params, "published_before")
    updated_since = _moment(params, "updated_since")
    translation_of = params.get("translation_of")
    if translation_of is not None and not _is_id(translation_of):
        raise _bad("translation_of", f"must be an article id, not {translation_of[:40]!r}")

    qs = with_public_original(visible_articles().prefetch_related("tags"))
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
        return ArticleSelection(qs.order_by("-published_at", "-id"))
    filters = SearchFilters(
        section_id=section.pk if section else None,
        author_id=author.pk if author else None,
        language=primary_language(lang) if lang else None,
        published_from=after,
        published_before=before,
    )
    ranked, capped = _search_ids(query, filters)
    if not ranked:
        return ArticleSelection(qs.none(), search_capped=capped)
    rank = Case(
        *(When(pk=pk, then=position) for position, pk in enumerate(ranked)),
        output_field=IntegerField(),
    )
    found = qs.filter(pk__in=ranked).annotate(search_rank=rank).order_by("search_rank")
    return ArticleSelection(found, search_capped=capped)


def articles_changed_at(articles: QuerySet[Article]) -> dt.datetime | None:
    """When the list `articles` last changed, for Last-Modified: its newest change, or a later
    one of any article that left public view (unpublished, taken down: it is gone from every
    list it was in). Every page of the list gets the same date, as a publication shifts them
    all. Names of tags, sections and authors are not covered: the ETag is. When an article
    left public view is its audit entry's date (WITHDRAWING_ACTIONS): edits of articles that
    are not public do not move it."""
    newest = articles.order_by().aggregate(at=Max("updated_at"))["at"]
    withdrawn = (
        AuditEntry.objects.filter(
            action__in=WITHDRAWING_ACTIONS, from_status=Article.Status.PUBLISHED
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return max((t for t in (newest, withdrawn) if t is not None), default=None)


def _search_ids(query: str, filters: SearchFilters) -> tuple[list[int], bool]:
    """Every id the site's search finds for `query`, best first, and whether it stopped at its
    own MAX_RESULTS (or ranking window) with more matches left. The other filters (lang,
    section, author, published_*) are in `filters`, so nothing is filtered afterwards."""
    ids, page = [], 1
    while True:
        found = search(query, filters=filters, page=page)
        ids += [result.article.pk for result in found.results]
        if not found.has_next:
            return ids, found.more or found.total > found.num_pages * site_search.PAGE_SIZE
        page += 1


def sections() -> QuerySet[Section]:
    return Section.objects.order_by("position", "name")


def article_by_ref(ref: str) -> tuple[Article | None, dict | None]:
    """The visible article with the id or slug `ref`, or (None, notice) for a taken-down one
    (it answers 451), or (None, None)."""
    by = {"pk": int(ref)} if _is_id(ref) else {"slug": ref}
    if "slug" in by and not SLUG.fullmatch(ref):
        return None, None
    articles = with_public_original(visible_articles().prefetch_related("tags"))
    found = articles.filter(**by).first()
    if found is None and "pk" in by:  # a slug made only of digits
        found = articles.filter(slug=ref).first()
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

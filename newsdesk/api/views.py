"""Public reads: no token, only what `visible_articles()` returns. Each view parses, reads
through api.queries, and answers through ApiView (validators, rate-limit headers).

The article list and an article are stored in the page cache for anonymous clients
(core/page_cache.py), tagged as articles.cache_tags says, so a publication, edit, withdrawal or
takedown purges them before its action returns. A stored answer is served without counting it
against the client's rate limit and without RateLimit headers (see core/page_cache.py).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.utils import translation
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from newsdesk.api import queries
from newsdesk.api.conditional import conditional
from newsdesk.api.pagination import PAGE_PARAMETERS, page_bounds, paginated
from newsdesk.api.problems import PROBLEM_JSON, Unavailable
from newsdesk.api.serializers import (
    ArticleDetailSerializer,
    ArticleSerializer,
    AuthorSerializer,
    MeSerializer,
    NewsletterSerializer,
    SectionSerializer,
    TagSerializer,
)
from newsdesk.api.throttling import add_headers
from newsdesk.articles.cache_tags import tags_for_api_article, tags_for_api_list
from newsdesk.articles.queries import public_authors, translation_family_ids
from newsdesk.core.page_cache import cache_page_with, mark_canonical_query

# The list queries the page cache stores besides none: `lang` an interface language, `limit`
# one of these sizes, `offset` a whole number of pages into the list (the next links from
# offset 0 are) and not past its end, spelled as `paginated` spells them (sorted, plain
# digits). So the store holds at most a few copies of each list page; other filters and sizes
# are answered (and counted by the rate limit) on every request.
STORED_LIMITS = frozenset({10, 20, 50, 100})
STORED_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)

PROBLEM = OpenApiResponse(
    response=inline_serializer(
        "Problem",
        {
            "type": serializers.CharField(),
            "title": serializers.CharField(),
            "status": serializers.IntegerField(),
            "detail": serializers.CharField(),
        },
    ),
    description="RFC 9457 problem details (application/problem+json)",
)


def problems(*codes: int) -> dict:
    """The error answers of an operation, as what they are: application/problem+json."""
    return {(code, PROBLEM_JSON): PROBLEM for code in codes}


ARTICLE_PARAMETERS = [
    OpenApiParameter("lang", str, description="BCP 47 tag; `de` also finds `de-AT`"),
    OpenApiParameter("section", str, description="section slug"),
    OpenApiParameter("tag", str, description="tag slug"),
    OpenApiParameter("author", str, description="author slug"),
    OpenApiParameter("published_after", str, description="ISO 8601 date or date-time, inclusive"),
    OpenApiParameter("published_before", str, description="ISO 8601 date or date-time, exclusive"),
    OpenApiParameter("updated_since", str, description="ISO 8601 date or date-time, inclusive"),
    OpenApiParameter("translation_of", int, description="id of the original article"),
    OpenApiParameter(
        "q",
        str,
        description="the site's full-text search; best match first. Not with tag,"
        " updated_since or translation_of (400). Up to the search's result limit:"
        " `meta.search.capped` says when more match",
    ),
]


SEARCH_META = inline_serializer(
    "SearchMeta",
    {
        "capped": serializers.BooleanField(
            help_text="The search stopped at its result limit: more articles match `q` than"
            " the list holds (and than `meta.pagination.total` counts). Narrow the search."
        )
    },
    required=False,
    help_text="Only with `q`.",
)


def _page_of(serializer_class, **meta):
    return inline_serializer(
        f"{serializer_class.__name__.removesuffix('Serializer')}Page",
        {
            "data": serializer_class(many=True),
            "meta": inline_serializer(
                f"{serializer_class.__name__.removesuffix('Serializer')}PageMeta",
                {"pagination": serializers.DictField(), **meta},
            ),
        },
    )


class ApiView(GenericAPIView):
    """Validators on every 200 and the rate-limit headers on every answer; a query parameter
    given twice is a 400 (which one would count?)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, values in sorted(request.query_params.lists()):
            if len(values) > 1:
                raise serializers.ValidationError({name: ["may be given only once"]})

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_headers(request, response)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            changed = getattr(self, "last_modified", None)
            not_modified = conditional(request, response, changed)
            if not_modified is not response:
                add_headers(request, not_modified)
            return not_modified
        return response

    def respond_with_page(
        self, request, queryset, serializer_class, *, last_modified=None, meta=None, cache_tags=None
    ):
        """One page of `queryset`; stored in the page cache with the tags `cache_tags(items)`
        when given and the query is one the store keeps (`storable_query`)."""
        limit, offset = page_bounds(request)
        items = list(queryset[offset : offset + limit])
        total = queryset.count()
        with translation.override(settings.LANGUAGE_CODE):
            data = serializer_class(items, many=True).data
        self.last_modified = last_modified
        body, link = paginated(request, data, total=total, limit=limit, offset=offset)
        body["meta"].update(meta or {})
        response = rendered_in_site_language(Response(body))
        if link:
            response["Link"] = link
        query = storable_query(request, limit=limit, offset=offset, total=total)
        if cache_tags is not None and query is not None:
            # On the HttpRequest, where PageCacheMiddleware looks (DRF's Request wraps it).
            mark_canonical_query(request._request, query)
            cache_page_with(response, cache_tags(data))
        return response


def rendered_in_site_language(response):
    """Content-Language is the language the body was rendered in: without it LocaleMiddleware
    would name the client's Accept-Language, and the page cache would hand the first client's
    to everyone."""
    response["Content-Language"] = settings.LANGUAGE_CODE
    return response


def storable_query(request, *, limit: int, offset: int, total: int) -> str | None:
    """The request's query string if the page cache may store the page under it, else None."""
    params = request.query_params
    if set(params) - {"lang", "limit", "offset"}:
        return None
    if "lang" in params and params["lang"] not in STORED_LANGUAGES:
        return None
    if limit not in STORED_LIMITS or offset % limit or (offset and offset >= total):
        return None
    spelled = {"lang": params.get("lang"), "limit": str(limit), "offset": str(offset)}
    query = urlencode(sorted((name, spelled[name]) for name in params))
    return query if query == request.META.get("QUERY_STRING", "") else None


class ArticleList(ApiView):
    """Published articles, newest first (best match first with `q`)."""

    serializer_class = ArticleSerializer

    @extend_schema(
        operation_id="articles_list",
        parameters=ARTICLE_PARAMETERS + PAGE_PARAMETERS,
        responses={
            200: _page_of(ArticleSerializer, search=SEARCH_META),
            (400, PROBLEM_JSON): PROBLEM,
            (401, PROBLEM_JSON): PROBLEM,
            (429, PROBLEM_JSON): PROBLEM,
        },
    )
    def get(self, request):
        selection = queries.filtered_articles(request.query_params)
        capped = selection.search_capped
        return self.respond_with_page(
            request,
            selection.articles,
            ArticleSerializer,
            last_modified=queries.articles_changed_at(selection.articles),
            meta={"search": {"capped": capped}} if capped is not None else None,
            cache_tags=lambda data: tags_for_api_list(item["id"] for item in data),
        )


class ArticleDetail(ApiView):
    """One published article with its text; 451 if it was taken down."""

    serializer_class = ArticleDetailSerializer

    @extend_schema(
        operation_id="articles_retrieve",
        parameters=[OpenApiParameter("ref", str, OpenApiParameter.PATH, description="id or slug")],
        responses={
            200: ArticleDetailSerializer,
            (404, PROBLEM_JSON): PROBLEM,
            (451, PROBLEM_JSON): PROBLEM,
            (401, PROBLEM_JSON): PROBLEM,
            (429, PROBLEM_JSON): PROBLEM,
        },
    )
    def get(self, request, ref):
        article, notice = queries.article_by_ref(ref)
        if notice is not None:
            raise Unavailable(notice)
        if article is None:
            raise NotFound("There is no published article with this id or slug.")
        self.last_modified = article.updated_at
        with translation.override(settings.LANGUAGE_CODE):
            response = rendered_in_site_language(Response(ArticleDetailSerializer(article).data))
        # Digits name the article with that id, or else one whose slug is those digits.
        ref_id = (
            int(ref) if ref.isascii() and ref.isdigit() and len(ref) <= queries.ID_DIGITS else None
        )
        tags = tags_for_api_article(
            article, family_ids=translation_family_ids(article), ref_id=ref_id
        )
        return cache_page_with(response, tags)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, Unavailable):
            response["Link"] = f'<{settings.SITE_URL}/>; rel="blocked-by"'
        return response


def _simple_list(name, serializer_class, queryset_function, doc):
    @extend_schema(
        operation_id=f"{name.removesuffix('List').lower()}s_list",
        description=doc,
        parameters=PAGE_PARAMETERS,
        responses={
            200: _page_of(serializer_class),
            (400, PROBLEM_JSON): PROBLEM,
            (401, PROBLEM_JSON): PROBLEM,
            (429, PROBLEM_JSON): PROBLEM,
        },
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - {"limit", "offset"})
        if unknown:
            raise serializers.ValidationError({unknown[0]: ["is not a parameter here"]})
        return self.respond_with_page(request, queryset_function(), serializer_class)

    return type(
        name, (ApiView,), {"serializer_class": serializer_class, "get": get, "__doc__": doc}
    )


AuthorList = _simple_list(
    "AuthorList",
    AuthorSerializer,
    lambda: public_authors().order_by("display_name", "pk"),
    "Authors with at least one published article.",
)
SectionList = _simple_list(
    "SectionList", SectionSerializer, queries.sections, "Sections, in the site's order."
)
TagList = _simple_list(
    "TagList",
    TagSerializer,
    lambda: queries.visible_tags().order_by("name"),
    "Tags of at least one published article.",
)
NewsletterList = _simple_list(
    "NewsletterList",
    NewsletterSerializer,
    queries.newsletters,
    "Newsletters one can subscribe to, with their public archive.",
)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def not_found(request, *args, **kwargs):
    """Any other path under /api/: a problem, never the site's HTML 404 page."""
    raise NotFound("There is no such API endpoint.")


class Me(ApiView):
    """The token's owner and what the token may do (any token; 401 without one)."""

    serializer_class = MeSerializer

    @extend_schema(
        operation_id="me_retrieve", responses={200: MeSerializer, (401, PROBLEM_JSON): PROBLEM}
    )
    def get(self, request):
        if request.auth is None:
            raise NotAuthenticated("This needs a personal access token.")
        return Response(MeSerializer(request.auth).data)

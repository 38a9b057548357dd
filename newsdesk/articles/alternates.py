"""An article's language versions: the visible original and its visible translations.

The language switcher, the `<link rel="alternate" hreflang>` elements, the sitemap's xhtml:link
alternates and the JSON-LD translation links all read the same list from here, so they can
never disagree about which versions exist.
"""

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.db.models import Q

from newsdesk.articles.models import Article
from newsdesk.articles.queries import visible_articles


def absolute_url(url: str) -> str:
    """SITE_URL joined with a path; an already absolute URL (a media CDN) stays as it is."""
    if url.startswith("/") and not url.startswith("//"):
        return settings.SITE_URL + url  # what urljoin gives, without parsing both (API lists)
    return urljoin(settings.SITE_URL + "/", url)


@dataclass(frozen=True)
class Version:
    article: Article
    hreflang: str
    url: str
    is_original: bool
    is_current: bool


def root_id(article: Article) -> int:
    return article.translation_of_id or article.pk


def language_versions(article: Article, others) -> list[Version]:
    """`article` and the visible `others` of its family, original first, then by language.

    `others` is what `queries.translations_of(article)` returns (visible ones only). Two versions
    in the same language would make hreflang ambiguous: the page itself wins, then the original.
    """
    root = root_id(article)
    ranked = sorted(others, key=lambda a: (a.pk != root, a.language.lower(), a.pk))
    chosen, seen = [], set()
    for candidate in [article, *ranked]:
        key = candidate.language.lower()
        if key not in seen:
            seen.add(key)
            chosen.append(candidate)
    chosen.sort(key=lambda a: (a.pk != root, a.language.lower()))
    return [
        Version(
            article=a,
            hreflang=a.language,
            url=absolute_url(a.get_absolute_url()),
            is_original=a.pk == root,
            is_current=a.pk == article.pk,
        )
        for a in chosen
    ]


def original_version(versions: list[Version]) -> Version | None:
    """The original among the versions, if it is visible: hreflang's x-default."""
    return next((v for v in versions if v.is_original), None)


def visible_families(articles) -> dict[int, list[Article]]:
    """For a batch of articles (a sitemap page), every visible version of each, by root id.

    One query for the whole batch: the sitemap must not cost a query per article.
    """
    roots = {root_id(a) for a in articles}
    members = (
        visible_articles()
        .select_related(None)
        .filter(Q(pk__in=roots) | Q(translation_of__in=roots))
        .only("pk", "slug", "language", "translation_of")
    )
    families: dict[int, list[Article]] = defaultdict(list)
    for member in members:
        families[root_id(member)].append(member)
    return families

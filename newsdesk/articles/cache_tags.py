"""Which cached pages show an article (see core/page_cache.py for the mechanism).

Every list page is tagged with the list it is (`section:3`, `home:de`, ...) and with each article
on it; an article page is tagged with itself, the articles in its related block, its section and
its tags (whose membership decides that block) and all its language versions (the switcher). A change to an article purges its own tags and the lists
it enters or leaves.

The API's public reads (api/views.py) use the same tags: a list of articles in any language
carries each article on it and every `home:<lang>` (a publication or withdrawal anywhere purges
one of them), an article's JSON its own tag and what it shows of others.
"""

from collections.abc import Iterable

from django.conf import settings

from newsdesk.core import page_cache


def article_tag(article_id: int) -> str:
    return f"article:{article_id}"


def tags_for_articles(articles: Iterable) -> set[str]:
    return {article_tag(a.pk) for a in articles}


def tags_for_change(article, *, old_section_id=None, old_tag_ids=(), old_language=None) -> set[str]:
    tags = {
        article_tag(article.pk),
        f"section:{article.section_id}",
        f"author:{article.author_id}",
        f"home:{article.ui_language}",
    }
    tags |= {f"tag:{tag_id}" for tag_id in article.tags.values_list("id", flat=True)}
    tags |= {f"tag:{tag_id}" for tag_id in old_tag_ids}
    if old_section_id:
        tags.add(f"section:{old_section_id}")
    if old_language:
        tags.add(f"home:{old_language}")
    if article.translation_of_id:
        # The original's page (and through it its other translations) lists this version.
        tags.add(article_tag(article.translation_of_id))
    return tags


def every_home_tag() -> set[str]:
    """Every `home:<lang>`: each change of a published article purges the one of its interface
    language (`tags_for_change`), so a list spanning every language carries them all."""
    return {f"home:{code}" for code, _name in settings.LANGUAGES}


def tags_for_api_list(article_ids: Iterable[int]) -> set[str]:
    """A page of the API's article list: an edit, withdrawal or takedown of an article on it
    purges its `article:` tag, a new publication (which shifts every page) a home tag."""
    return {article_tag(pk) for pk in article_ids} | every_home_tag()


def tags_for_api_article(article, *, family_ids: Iterable[int], ref_id: int | None) -> set[str]:
    """An article's JSON: the article, its byline, section and tags, and its language versions
    (visible or not: publishing or withdrawing one changes `translations`). `ref_id` is the id
    the request named, when it is digits: an article with that id, if one is published later,
    answers instead of the article whose slug is those digits."""
    tags = {article_tag(article.pk), f"author:{article.author_id}"}
    tags |= {f"section:{article.section_id}"} | {f"tag:{t.pk}" for t in article.tags.all()}
    tags |= {article_tag(pk) for pk in family_ids}
    if ref_id is not None:
        tags.add(article_tag(ref_id))
    return tags


def purge_article(article, **old) -> int:
    return page_cache.purge(tags_for_change(article, **old))

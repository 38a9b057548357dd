"""Which cached pages show an article (see core/page_cache.py for the mechanism).

Every list page is tagged with the list it is (`section:3`, `home:de`, ...) and with each article
on it; an article page is tagged with itself, the articles in its related block, its section and
its tags (whose membership decides that block) and all its language versions (the switcher). A change to an article purges its own tags and the lists
it enters or leaves.
"""

from collections.abc import Iterable

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


def purge_article(article, **old) -> int:
    return page_cache.purge(tags_for_change(article, **old))

"""Importing a Markdown file: the articles app saves it (articles.importing), the editorial
workflow records its checks and publishes it, all in one transaction."""

from pathlib import Path

from newsdesk.accounts.models import User
from newsdesk.articles.images import files_removed_on_failure
from newsdesk.articles.importing import ImportResult, save_imported_file
from newsdesk.articles.models import Article
from newsdesk.editorial.actions import check_article, publish_article


def import_file(path: Path, *, publish: bool, by: User | None = None) -> ImportResult:
    """Imports one file; an article with the same slug is updated, not copied. A bad file
    raises articles.importing.ImportError_ naming the problem."""
    # A file that fails after its cover was stored leaves neither the row nor the image file.
    with files_removed_on_failure():
        saved = save_imported_file(path, by=by)
        article, published_at = saved.article, saved.published_at
        # An admin's tool: the checks are recorded for the editors, never a reason to refuse.
        check_article(article=article)
        if publish:
            article = publish_article(
                article=article, by=by or saved.author, published_at=published_at
            )
        elif published_at and article.published_at != published_at:
            article.published_at = published_at
            article.save(update_fields=["published_at"])
    return ImportResult(article=article, published=article.status == Article.Status.PUBLISHED)

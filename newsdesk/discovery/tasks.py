from huey.contrib.djhuey import db_task

from newsdesk.articles.queries import visible_articles
from newsdesk.discovery.search import index_article as update_search


@db_task(retries=2, retry_delay=10)
def index_article_task(article_id: int) -> None:
    """Brings one article's search entry, near-duplicate entry and related-articles vector up to
    date with its text and state (each is removed when the article is not eligible)."""
    # Imported here: every process imports the tasks modules, few of them hash or embed texts.
    from newsdesk.discovery.duplicate_index import index_article, remove_article  # numpy
    from newsdesk.discovery.near_duplicates import eligible_articles  # numpy
    from newsdesk.discovery.related import update_article as update_related  # numpy, embeddings

    # Search first: it is the cheapest, and a takedown must leave the results at once.
    update_search(article_id)
    article = (
        eligible_articles().select_related(None).filter(pk=article_id).only("pk", "body").first()
    )
    if article is None:  # deleted, or neither public nor an open submission
        remove_article(article_id)
    else:
        index_article(article)
    # Last: embedding the text takes about a second of CPU.
    update_related(article_id)


@db_task(retries=2, retry_delay=10)
def reindex_author_task(author_id: int) -> None:
    """The author's name is searchable: after a change of name, their public articles' entries."""
    for article_id in visible_articles().filter(author_id=author_id).values_list("pk", flat=True):
        update_search(article_id)

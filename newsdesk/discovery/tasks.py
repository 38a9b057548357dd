from huey.contrib.djhuey import db_task


@db_task(retries=2, retry_delay=10)
def index_article_task(article_id: int) -> None:
    """Brings one article's near-duplicate index entry up to date with its text and state."""
    # Imported here: every process imports the tasks modules, few of them hash texts.
    from newsdesk.discovery.duplicate_index import index_article, remove_article
    from newsdesk.discovery.near_duplicates import eligible_articles

    article = (
        eligible_articles().select_related(None).filter(pk=article_id).only("pk", "body").first()
    )
    if article is None:  # deleted, or neither public nor an open submission
        remove_article(article_id)
    else:
        index_article(article)

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from newsdesk.articles.models import Article
from newsdesk.discovery.tasks import index_article_task
from newsdesk.editorial.actions import NOTIFIED, publish_due_articles
from newsdesk.editorial.notifications import notify_author


@db_task(retries=3, retry_delay=30)
def after_transition_task(article_id: int, action: str, note: str) -> None:
    """Side effects of a state change that may wait a moment: the index and the author's mail."""
    index_article_task(article_id)
    article = Article.objects.select_related("author").filter(pk=article_id).first()
    if article is not None and action in NOTIFIED:
        notify_author(article=article, action=action, note=note)


@db_periodic_task(crontab(minute="*"))
def publish_due_task() -> None:
    """Publishes scheduled articles on time, and those missed while no worker ran."""
    publish_due_articles()

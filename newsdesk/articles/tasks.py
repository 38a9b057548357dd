from huey.contrib.djhuey import db_task

from newsdesk.articles.actions import make_renditions_now


@db_task(retries=2, retry_delay=10)
def make_renditions_task(image_id: int) -> None:
    """AVIF, WebP and JPEG renditions of a cover, then a purge of the pages showing it."""
    make_renditions_now(image_id)

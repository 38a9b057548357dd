from huey.contrib.djhuey import db_task

from newsdesk.reports import notifications
from newsdesk.reports.models import Report


@db_task(retries=3, retry_delay=60)
def notify_task(report_id: int, what: str) -> None:
    """One mail about a report, in the background: a mail server that is down delays it (and
    it is retried) instead of failing the editor's or the reporter's request."""
    report = Report.objects.select_related("article__author").filter(pk=report_id).first()
    if report is not None:
        notifications.send(report, what)

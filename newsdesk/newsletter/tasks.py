"""Background work for newsletters: sending, resuming, and the weekly digest.

Production runs `newsdesk run_huey` (its consumer has settings.HUEY["consumer"]["workers"]
workers); a send enqueues one `send_issue_task` per worker and they share the batches. For the
largest lists, `newsdesk send_issue ID` in more processes (or on more machines) joins the same
send: every worker leases its own batches (see delivery.py).
"""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from newsdesk.newsletter.actions import (
    compose_digest,
    enqueue_send,
    send_confirmation,
    start_sending,
)
from newsdesk.newsletter.delivery import send_until_done
from newsdesk.newsletter.models import Issue, Newsletter
from newsdesk.newsletter.queries import issues_needing_workers


@db_task()
def send_issue_task(issue_id: int) -> None:
    """Starts the issue if it is scheduled and due, then takes batches until none is left."""
    issue = Issue.objects.filter(pk=issue_id).first()
    if issue is None:
        return
    if issue.status == Issue.Status.SCHEDULED:
        if issue.scheduled_at is None or issue.scheduled_at > timezone.now():
            return
        start_sending(issue=issue)
    elif issue.status != Issue.Status.SENDING:
        return
    send_until_done(issue_id=issue_id)


@db_task()
def send_confirmation_task(subscriber_id: int) -> None:
    """A subscriber's double opt-in mail (see actions.subscribe)."""
    send_confirmation(subscriber_id=subscriber_id)


@db_periodic_task(crontab(minute="*"))
def dispatch_sends_task() -> None:
    """Every minute: starts scheduled issues whose time came (also those missed while no worker
    ran) and resumes sends with expired leases, due retries or no live worker."""
    for issue_id in issues_needing_workers():
        enqueue_send(issue_id=issue_id)


@db_periodic_task(crontab(day_of_week="1", hour="6", minute="0"))
def weekly_digest_task() -> None:
    """Mondays 06:00 UTC: a digest for each active weekly newsletter, which waits for an
    editor's approval or goes out at once, as the newsletter is configured."""
    for newsletter in Newsletter.objects.filter(is_active=True, cadence=Newsletter.Cadence.WEEKLY):
        compose_digest(newsletter=newsletter)

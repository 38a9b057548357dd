"""newsdesk send_issue ISSUE_ID: send (or resume) an issue in the foreground.

The same loop the background workers run (delivery.send_until_done); start it in several
processes to send with all of them. An issue that has not started yet is started first (its
recipients fixed). Rows another worker holds are waited for, so that after a crash this finishes
what the dead worker left once its lease expires. A progress bar goes to stderr; one summary
line to stdout. Exit status 1 if the mail server can't be reached (nothing is lost: the rows wait
for the next attempt).
"""

import time

from django.core.management.base import BaseCommand, CommandError

from newsdesk.newsletter import actions, delivery, queries, transports
from newsdesk.newsletter.models import Issue

# How often the bar is redrawn on a terminal, and how often a line is written otherwise.
TTY_INTERVAL = 0.2
LOG_INTERVAL = 5.0
BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Send an issue of a newsletter now, in the foreground, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("issue_id", type=int)
        parser.add_argument("--batch-size", type=int, default=delivery.BATCH_SIZE)
        parser.add_argument(
            "--lease-seconds",
            type=int,
            default=None,
            help="how long a worker's claim on a batch lasts (default: settings, else "
            f"{queries.LEASE_SECONDS})",
        )

    def handle(self, *args, **options):
        issue = Issue.objects.select_related("newsletter").filter(pk=options["issue_id"]).first()
        if issue is None:
            raise CommandError(f"There is no issue {options['issue_id']}.")
        if issue.status in actions.STARTABLE:
            count = actions.start_sending(issue=issue)
            self.stderr.write(f"issue {issue.pk}: {count} recipients fixed")
        issue.refresh_from_db()
        if issue.status == Issue.Status.SENT:
            self.stdout.write(self._summary(issue))
            return
        bar = ProgressBar(self.stderr, issue)
        started = time.monotonic()
        try:
            result = delivery.send_until_done(
                issue_id=issue.pk,
                batch_size=options["batch_size"],
                lease_seconds=options["lease_seconds"],
                wait_for_leases=True,
                on_batch=lambda result: bar.update(),
            )
        except transports.TransportUnavailable as exc:
            bar.update(force=True)
            raise CommandError(f"The mail server can't be reached: {exc}") from exc
        bar.update(force=True, final=True)
        elapsed = time.monotonic() - started
        issue.refresh_from_db()
        self.stdout.write(
            f"{self._summary(issue)}; this process sent {result.sent} in {elapsed:.1f} s"
        )

    def _summary(self, issue: Issue) -> str:
        p = queries.progress(issue)
        waiting = f", {p['retry']} waiting to retry" if p["retry"] else ""
        return (
            f"issue {issue.pk} {issue.status}: {p['sent']} sent, {p['failed']} failed, "
            f"{p['remaining']} remaining{waiting}"
        )


class ProgressBar:
    """sent/failed/remaining over all workers: redrawn in place on a terminal, a line every few
    seconds in a log."""

    def __init__(self, stream, issue: Issue):
        self.stream = stream  # the command's OutputWrapper
        self.issue = issue
        self.tty = stream.isatty()
        self.last = 0.0

    def update(self, *, force: bool = False, final: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < (TTY_INTERVAL if self.tty else LOG_INTERVAL):
            return
        self.last = now
        p = queries.progress(self.issue)
        total = max(p["total"], 1)
        filled = round(BAR_WIDTH * (p["sent"] + p["failed"]) / total)
        line = (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
            f"sent {p['sent']}  failed {p['failed']}  remaining {p['remaining']}"
        )
        if self.tty:
            self.stream.write(f"\r{line}", ending="\n" if final else "")
        else:
            self.stream.write(line)
        self.stream.flush()

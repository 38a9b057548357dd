"""The send loop: workers lease batches of an issue's deliveries and send them.

How a send goes:

1. `actions.schedule_issue` marks an issue SCHEDULED (now or later); the periodic task, or the
   send button at once, starts it with `actions.start_sending`, which fixes the recipients in
   one transaction: one Delivery row per confirmed, non-suppressed subscriber (one per
   recipient: a unique constraint, and the rows are inserted with ON CONFLICT DO NOTHING), each
   with a deterministic Message-ID. Who subscribes or leaves later does not change them.
2. Workers (`send_until_done`, run by `tasks.send_issue_task` or `newsdesk send_issue`, as many
   at once as wanted) take batches with `send_batch`. A batch is leased to one worker by one
   UPDATE (`actions.claim_batch`: status SENDING, `claimed_by`, `claimed_at`; FOR UPDATE SKIP
   LOCKED on PostgreSQL, SQLite serialises writers), so while a lease runs no other worker
   takes its rows. A batch goes over one reused connection (transports.py); 4xx answers are
   retried later with exponential backoff, 5xx answers fail the row for good.
3. `actions.finish_if_done` marks the issue SENT when no row is pending, leased or waiting to
   retry.

Exactly once: SMTP offers no way to ask a server whether it has a message, so what can be done
is to keep short the window between the server accepting a message (its 250 after the data)
and the row saying SENT. Each accepted row joins `_Confirmations`, which marks the rows waiting
there SENT in one UPDATE once CONFIRM_EVERY are waiting, or when one joins more than
CONFIRM_SECONDS after the oldest waiting one; whatever waits is marked when the batch ends or
stops. A worker claims only rows that are PENDING (never taken, or handed back unsent), RETRY
and due, or SENDING under a lease that expired (LEASE_SECONDS), i.e. whose worker died (kill -9,
power loss) or hung longer than the lease; never a SENT row. So what a dead worker can leave to be
sent twice is what the server had accepted but the worker had not yet marked: at most
CONFIRM_EVERY - 1 rows waiting in `_Confirmations` plus the one message in flight, CONFIRM_EVERY
in all, per worker and crash (test_exactly_once kills workers mid-batch and asserts this). A
connection that breaks while a message is in flight (`transports.send_with_reconnect`) sends
that message again on a new connection, since it may have arrived: one more possible copy per
broken connection. A copy sent twice carries the same Message-ID.

Nothing is lost: every row ends SENT or FAILED (a RETRY row fails after MAX_ATTEMPTS), and only
then is the issue SENT. A batch starts no message after half its lease; what is left then is
handed back (PENDING, the attempt not counted), so a slow server cannot make a live worker's
rows look abandoned. A dead worker's rows are taken over once its lease expired: by the periodic
task (`queries.issues_needing_workers`), or by a running `newsdesk send_issue`, which waits for
other workers' leases.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from newsdesk.newsletter import actions, queries, transports
from newsdesk.newsletter.dkim import DkimSigner
from newsdesk.newsletter.mime import IssueMessage, Recipient, ascii_address, dot_stuff
from newsdesk.newsletter.models import Issue
from newsdesk.newsletter.rendering import render_issue

# Rows per batch: one SMTP connection and a few queries each; small enough to share the work.
BATCH_SIZE = 500
# Accepted messages are marked SENT in groups of this many (or every CONFIRM_SECONDS): the most
# a crash can duplicate, traded against one write per message.
CONFIRM_EVERY = 20
CONFIRM_SECONDS = 0.25


def new_worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


def issue_message(issue_id: int) -> IssueMessage:
    """The issue rendered and encoded, once per worker loop (send_until_done)."""
    return IssueMessage(Issue.objects.select_related("newsletter").get(pk=issue_id))


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retry: int = 0
    handed_back: int = 0


@dataclass
class _Confirmations:
    """Accepted messages not yet marked SENT: the ones a crash right now would send twice."""

    every: int = CONFIRM_EVERY
    pending: list[int] = field(default_factory=list)
    since: float = 0.0

    def add(self, pk: int) -> None:
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append(pk)
        if len(self.pending) >= self.every or time.monotonic() - self.since > CONFIRM_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            actions.mark_sent(delivery_ids=self.pending)
            self.pending = []


def send_batch(
    *,
    issue_id: int,
    worker_id: str,
    batch_size: int = BATCH_SIZE,
    lease_seconds: int | None = None,
    confirm_every: int = CONFIRM_EVERY,
    result: BatchResult | None = None,
    message: IssueMessage | None = None,
) -> int:
    """Leases one batch of the issue's deliveries to `worker_id` and sends it; returns how many
    rows it took (0: nothing to take right now).

    Raises TransportUnavailable when the mail server stays unreachable; the rows not sent are
    then back in the queue (RETRY, with backoff).
    """
    lease_seconds = lease_seconds or queries.lease_seconds()
    rows = actions.claim_batch(
        issue_id=issue_id, worker_id=worker_id, limit=batch_size, lease_seconds=lease_seconds
    )
    if not rows:
        return 0
    result = result if result is not None else BatchResult()
    result.claimed += len(rows)
    message = message or issue_message(issue_id)
    signer = DkimSigner.from_settings()
    deadline = time.monotonic() + lease_seconds / 2
    confirmations = _Confirmations(every=confirm_every)
    date = formatdate()
    with transports.transport_session(message) as transport:
        for index, row in enumerate(rows):
            if time.monotonic() > deadline:
                confirmations.flush()
                result.handed_back += actions.hand_back(rows=rows[index:], worker_id=worker_id)
                break
            address = ascii_address(row.email)
            if row.suppressed or address is None:
                error = "suppressed address" if row.suppressed else "invalid address"
                actions.fail_delivery(row=row, error=error, worker_id=worker_id)
                result.failed += 1
                continue
            recipient = Recipient(email=address, token=row.token, message_id=row.message_id)
            data = _payload(message, recipient, date=date, signer=signer, transport=transport)
            try:
                transports.send_with_reconnect(transport, message.envelope_from, address, data)
            except transports.Refused as exc:
                if exc.permanent:
                    actions.fail_delivery(row=row, error=exc.error, worker_id=worker_id)
                    result.failed += 1
                else:
                    actions.retry_delivery(row=row, error=exc.error, worker_id=worker_id)
                    result.retry += 1
                continue
            except transports.TransportUnavailable:
                confirmations.flush()
                for unsent in rows[index:]:
                    actions.retry_delivery(
                        row=unsent, error="mail server unreachable", worker_id=worker_id
                    )
                raise
            confirmations.add(row.pk)
            result.sent += 1
        confirmations.flush()
    return len(rows)


def _payload(message: IssueMessage, recipient: Recipient, *, date, signer, transport) -> bytes:
    """The bytes the transport takes: ready for DATA over SMTP, plain for Django's backends."""
    if signer is None:
        return message.build(recipient, date=date, smtp=transport.stuffed)
    signed = signer.sign(message.build(recipient, date=date))
    return dot_stuff(signed) + b".\r\n" if transport.stuffed else signed


def send_until_done(
    *,
    issue_id: int,
    worker_id: str | None = None,
    batch_size: int = BATCH_SIZE,
    lease_seconds: int | None = None,
    wait_for_leases: bool = False,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> BatchResult:
    """Takes batches until none is left; marks the issue SENT when everything is done.

    Several workers may run this at once. With `wait_for_leases` (the command line), rows
    leased by another worker are waited for, so that a send a crashed worker left behind is
    finished when its lease expires; retries due later are left to the periodic task.
    """
    worker_id = worker_id or new_worker_id()
    lease_seconds = lease_seconds or queries.lease_seconds()
    result = BatchResult()
    issue = Issue.objects.get(pk=issue_id)
    message = issue_message(issue_id)  # rendered once for all the batches
    while True:
        taken = send_batch(
            issue_id=issue_id,
            worker_id=worker_id,
            batch_size=batch_size,
            lease_seconds=lease_seconds,
            result=result,
            message=message,
        )
        if on_batch is not None:
            on_batch(result)
        if taken:
            continue
        if actions.finish_if_done(issue) or not wait_for_leases:
            return result
        if not queries.has_leased_deliveries(issue_id):
            return result  # only retries due later are left
        at = queries.next_claimable_at(issue_id)
        pause = (at - timezone.now()).total_seconds() if at else 0.0
        time.sleep(min(max(pause, 0.05), 0.5))


def send_test(*, issue: Issue, to: str) -> None:
    """One copy of the issue to `to` (an editor), marked as a test, with links that lead
    nowhere personal. Raises Refused or TransportUnavailable when the server says no."""
    subject, html_part, text_part = render_issue(issue)
    message = IssueMessage(issue, (f"[{_('Test')}] {subject}", html_part, text_part))
    address = ascii_address(to)
    if address is None:
        raise transports.Refused(550, _("That address can't receive mail."))
    recipient = Recipient(
        email=address,
        token="test",  # noqa: S106 - no subscriber has it: the links show "not found"
        message_id=f"<issue-{issue.pk}.test-{secrets.token_hex(8)}@{settings.SITE_HOST}>",
    )
    signer = DkimSigner.from_settings()
    with transports.transport_session(message) as transport:
        data = _payload(message, recipient, date=None, signer=signer, transport=transport)
        transports.send_with_reconnect(transport, message.envelope_from, address, data)

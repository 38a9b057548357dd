"""Sending against a real SMTP server (aiosmtpd on 127.0.0.1): recipients fixed at the start, one
connection per batch, 4xx retried with backoff, 5xx failed, dropped connections resumed, leases,
DKIM, and the fallback to Django's mail backend."""

import asyncio
import base64
import datetime as dt
import shutil
import socket
import subprocess
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.tests.factories import article
from newsdesk.core.errors import ActionRefused
from newsdesk.newsletter import actions, mime, queries, tasks, transports
from newsdesk.newsletter.delivery import BatchResult, send_batch, send_test, send_until_done
from newsdesk.newsletter.models import Delivery, Issue, Newsletter, Subscriber, Subscription
from newsdesk.newsletter.tests.test_composing import make_issue, make_newsletter, make_subscribers

pytestmark = pytest.mark.django_db

D = Delivery.Status


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """An aiosmtpd handler that keeps every accepted message, answers 451 or 550 for chosen
    recipients, can drop the connection once for a recipient, can be slowed down, offers
    PIPELINING (or not), and can hold one chosen message's reply (`hold`) so that a test acts at
    a known message however fast the client is."""

    def __init__(self, *, temporary=(), permanent=(), drop_once=(), delay=0.0, pipelining=True):
        self.pipelining = pipelining
        self.temporary, self.permanent = set(temporary), set(permanent)
        self.drop_once = set(drop_once)
        self.delay = delay
        self.messages: list[tuple[str, bytes]] = []
        self.connections = 0
        self.lock = threading.Lock()
        self.held = threading.Event()  # set while a held reply waits for release()
        self._released = threading.Event()
        self._hold_at: tuple[int, int] | None = None  # (connection number, message on it)

    def hold(self, *, connection: int, message: int) -> None:
        """Holds the reply to the `message`-th message accepted on the `connection`-th
        connection opened from now on: the message is kept (it counts as received), `held` is
        set, and its 250 waits until release(). Since a client sends its next message only after
        that reply, nothing else arrives from it meanwhile."""
        with self.lock:
            self.held.clear()
            self._released.clear()
            self._hold_at = (self.connections + connection, message)

    def release(self) -> None:
        with self.lock:
            self._hold_at = None
        self._released.set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.connections += 1
            session.number, session.accepted = self.connections, 0
        session.host_name = hostname
        if self.pipelining:  # aiosmtpd reads commands in order, so it can offer it
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.permanent:
            return "550 5.1.1 No such user here"
        if address in self.temporary:
            return "451 4.2.2 Mailbox full, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        (address,) = envelope.rcpt_tos
        if address in self.drop_once:
            self.drop_once.discard(address)
            server.transport.close()
            return "421 4.4.2 gone"
        with self.lock:
            self.messages.append((address, envelope.original_content))
            session.accepted = getattr(session, "accepted", 0) + 1
            hold = self._hold_at == (getattr(session, "number", 0), session.accepted)
        if hold:
            self.held.set()
            # Waited for in a thread, so the server's event loop (other connections) goes on.
            await asyncio.get_running_loop().run_in_executor(None, self._released.wait)
        return "250 2.0.0 Accepted"

    def message_ids(self) -> list[str]:
        return [
            message_from_bytes(data, policy=policy.compat32)["Message-ID"]
            for _to, data in self.messages
        ]


class SmtpServer:
    def __init__(self, handler: Collector):
        self.handler = handler
        self.port = free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.handler.release()  # a test that failed while a reply was held must not hang here
        self.controller.stop()


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


@pytest.fixture
def smtp(settings):
    """A real SMTP server for one test; `smtp.handler` is its Collector (reconfigurable)."""
    server = SmtpServer(Collector())
    with server:
        use_smtp(settings, server.port)
        yield server


@pytest.fixture
def newsletter(settings):
    settings.SITE_URL = "https://news.example.org"
    settings.SITE_HOST = "news.example.org"
    return make_newsletter()


def started_issue(newsletter, count: int, **fields) -> Issue:
    make_subscribers(newsletter, count)
    issue = make_issue(newsletter, [article()], **fields)
    actions.start_sending(issue=issue)
    issue.refresh_from_db()
    return issue


class StartTests:
    def test_recipients_are_the_confirmed_unsuppressed_subscribers_at_the_start(self, newsletter):
        """One delivery per confirmed, non-suppressed subscriber of this newsletter; later
        subscriptions and cancellations don't change the list; starting twice changes nothing."""
        confirmed = make_subscribers(newsletter, 3)
        other = make_newsletter(slug="other")
        make_subscribers(other, 2, start=100)
        for i, status in enumerate(
            [Subscription.Status.PENDING, Subscription.Status.UNSUBSCRIBED], start=200
        ):
            s = Subscriber.objects.create(email=f"x{i}@example.net")
            Subscription.objects.create(subscriber=s, newsletter=newsletter, status=status)
        suppressed = make_subscribers(newsletter, 1, start=300)[0]
        Subscriber.objects.filter(pk=suppressed.pk).update(suppressed_at=timezone.now())
        issue = make_issue(newsletter)

        assert actions.start_sending(issue=issue) == 3
        issue.refresh_from_db()
        assert issue.status == Issue.Status.SENDING and issue.recipient_count == 3
        assert issue.started_at is not None
        rows = list(issue.deliveries.order_by("subscriber_id"))
        assert [r.subscriber_id for r in rows] == [s.pk for s in confirmed]
        assert {r.status for r in rows} == {D.PENDING}

        make_subscribers(newsletter, 2, start=400)
        Subscription.objects.filter(subscriber=confirmed[0]).update(
            status=Subscription.Status.UNSUBSCRIBED
        )
        assert actions.start_sending(issue=issue) == 3
        assert issue.deliveries.count() == 3

    def test_message_ids_are_deterministic_unique_and_on_the_site_host(self, newsletter):
        """The Message-ID of a delivery depends only on the issue and the recipient."""
        issue = started_issue(newsletter, 5)
        ids = list(issue.deliveries.values_list("subscriber_id", "message_id"))
        assert len({mid for _s, mid in ids}) == 5
        for subscriber_id, mid in ids:
            assert mid == mime.message_id_for(issue_id=issue.pk, subscriber_id=subscriber_id)
            assert mid.startswith(f"<issue-{issue.pk}.") and mid.endswith("@news.example.org>")

    def test_schedule_then_start(self, newsletter, django_capture_on_commit_callbacks):
        """Send now: scheduled for now, started and sent by the background task (inline here)."""
        make_subscribers(newsletter, 4)
        issue = make_issue(newsletter, [article()])
        with django_capture_on_commit_callbacks(execute=True):
            actions.schedule_issue(issue=issue)
        issue.refresh_from_db()
        assert issue.status == Issue.Status.SENT and len(mail.outbox) == 4

    def test_scheduled_for_later_waits_for_the_periodic_task(self, newsletter):
        """A later schedule is started by the periodic task once due, not before."""
        make_subscribers(newsletter, 2)
        issue = make_issue(newsletter, [article()])
        actions.schedule_issue(issue=issue, at=timezone.now() + dt.timedelta(hours=1))
        tasks.dispatch_sends_task.call_local()
        issue.refresh_from_db()
        assert issue.status == Issue.Status.SCHEDULED and mail.outbox == []
        Issue.objects.filter(pk=issue.pk).update(scheduled_at=timezone.now())
        tasks.dispatch_sends_task.call_local()
        issue.refresh_from_db()
        assert issue.status == Issue.Status.SENT and len(mail.outbox) == 2

    def test_unschedule(self, newsletter):
        """A scheduled issue can go back to draft until it starts."""
        issue = make_issue(newsletter)
        actions.schedule_issue(issue=issue, at=timezone.now() + dt.timedelta(days=1))
        assert actions.unschedule_issue(issue=issue).status == Issue.Status.DRAFT
        with pytest.raises(ActionRefused):
            actions.unschedule_issue(issue=issue)

    def test_weekly_digest_task_composes_for_weekly_newsletters_only(self, newsletter):
        """Every Monday: a digest for each active weekly newsletter, none for the others."""
        weekly = make_newsletter(slug="weekly", cadence=Newsletter.Cadence.WEEKLY)
        article()
        tasks.weekly_digest_task.call_local()
        digests = dict(Issue.objects.values_list("newsletter__slug", "status"))
        assert digests["weekly"] == Issue.Status.AWAITING_APPROVAL
        assert newsletter.slug not in digests  # a manual newsletter gets none
        assert weekly.issues.get().articles.count() == 1


class CommandTests:
    def test_send_issue_starts_sends_and_reports(self, smtp, newsletter):
        """`newsdesk send_issue ID`: fixes the recipients, sends, draws the bar on stderr and
        prints a summary on stdout; run again, it has nothing left to do."""
        import io

        from django.core.management import call_command

        make_subscribers(newsletter, 7)
        issue = make_issue(newsletter, [article()])
        out, err = io.StringIO(), io.StringIO()
        call_command("send_issue", str(issue.pk), "--batch-size", "3", stdout=out, stderr=err)
        assert "7 recipients fixed" in err.getvalue()
        assert "sent 7  failed 0  remaining 0" in err.getvalue()
        assert out.getvalue().startswith(f"issue {issue.pk} sent: 7 sent, 0 failed, 0 remaining")
        assert len(smtp.handler.messages) == 7
        again = io.StringIO()
        call_command("send_issue", str(issue.pk), stdout=again, stderr=io.StringIO())
        assert len(smtp.handler.messages) == 7 and "7 sent" in again.getvalue()

    def test_an_unknown_issue_is_an_error(self, db):
        from django.core.management import call_command
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="There is no issue 999"):
            call_command("send_issue", "999")


class SmtpSendingTests:
    def test_everyone_gets_one_message_over_one_connection_per_batch(self, smtp, newsletter):
        """120 recipients in batches of 50: three connections, every message once, rows SENT,
        the issue SENT."""
        issue = started_issue(newsletter, 120)
        result = send_until_done(issue_id=issue.pk, batch_size=50)
        assert result.sent == 120 and result.failed == 0
        assert smtp.handler.connections == 3
        assert sorted(smtp.handler.message_ids()) == sorted(
            issue.deliveries.values_list("message_id", flat=True)
        )
        assert set(issue.deliveries.values_list("status", flat=True)) == {D.SENT}
        issue.refresh_from_db()
        assert issue.status == Issue.Status.SENT and issue.sent_at is not None
        assert queries.progress(issue) == {
            "status": "sent", "total": 120, "sent": 120, "failed": 0, "retry": 0,
            "remaining": 0, "done": True,
        }  # fmt: skip

    def test_the_received_message_has_the_recipients_links_and_headers(self, smtp, newsletter):
        """As received: the List-Unsubscribe pair with this recipient's token, Precedence, the
        envelope sender, and the links in both parts."""
        issue = started_issue(newsletter, 1)
        send_until_done(issue_id=issue.pk)
        delivery = issue.deliveries.select_related("subscriber").get()
        token = delivery.subscriber.link_token
        ((to, data),) = smtp.handler.messages
        msg = message_from_bytes(data, policy=policy.default)
        assert to == delivery.email == str(msg["To"])
        url = f"https://news.example.org/de/newsletters/u/{token}/wirtschaft/"
        assert str(msg["List-Unsubscribe"]) == (
            f"<{url}>, <mailto:unsubscribe+{token}.{newsletter.pk}@news.example.org>"
        )
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert msg["Precedence"] == "bulk" and msg["Message-ID"] == delivery.message_id
        text, html = (part.get_content() for part in msg.get_payload())
        assert url in text and f'href="{url}"' in html
        assert f"https://news.example.org/de/newsletters/me/{token}/" in text

    def test_temporary_failures_are_retried_with_backoff(self, smtp, newsletter, settings):
        """451: the row waits (RETRY) with a growing delay; once the server accepts, it's SENT."""
        settings.NEWSLETTER_RETRY_BASE_SECONDS = 60
        issue = started_issue(newsletter, 3)
        busy = issue.deliveries.order_by("pk").first()
        smtp.handler.temporary = {busy.email}
        before = timezone.now()
        send_until_done(issue_id=issue.pk)
        busy.refresh_from_db()
        assert busy.status == D.RETRY and busy.attempts == 1 and "451" in busy.last_error
        assert before + dt.timedelta(seconds=59) < busy.next_attempt_at
        assert busy.next_attempt_at < timezone.now() + dt.timedelta(seconds=61)
        issue.refresh_from_db()
        assert issue.status == Issue.Status.SENDING  # not done while a retry waits

        # Not due yet: nothing happens.
        assert send_batch(issue_id=issue.pk, worker_id="w") == 0
        # Due, still busy: the next delay doubles.
        Delivery.objects.filter(pk=busy.pk).update(next_attempt_at=timezone.now())
        send_until_done(issue_id=issue.pk)
        busy.refresh_from_db()
        assert busy.attempts == 2
        assert busy.next_attempt_at > timezone.now() + dt.timedelta(seconds=110)
        # Due, accepted.
        smtp.handler.temporary = set()
        Delivery.objects.filter(pk=busy.pk).update(next_attempt_at=timezone.now())
        assert issue.pk in queries.issues_needing_workers()
        send_until_done(issue_id=issue.pk)
        busy.refresh_from_db()
        issue.refresh_from_db()
        assert busy.status == D.SENT and issue.status == Issue.Status.SENT
        assert len(smtp.handler.messages) == 3

    def test_temporary_failures_give_up_after_max_attempts(self, smtp, newsletter, settings):
        """A recipient that answers 4xx every time ends FAILED after MAX_ATTEMPTS."""
        settings.NEWSLETTER_MAX_ATTEMPTS = 2
        issue = started_issue(newsletter, 1)
        smtp.handler.temporary = {issue.deliveries.get().email}
        send_until_done(issue_id=issue.pk)
        Delivery.objects.update(next_attempt_at=timezone.now())
        send_until_done(issue_id=issue.pk)
        delivery = issue.deliveries.get()
        assert delivery.status == D.FAILED and "gave up after 2 attempts" in delivery.last_error
        issue.refresh_from_db()
        assert issue.status == Issue.Status.SENT

    def test_permanent_failures_fail_at_once(self, smtp, newsletter):
        """550: FAILED with the server's answer, never retried; the others go out."""
        issue = started_issue(newsletter, 3)
        unknown = issue.deliveries.order_by("pk").last()
        smtp.handler.permanent = {unknown.email}
        result = send_until_done(issue_id=issue.pk)
        unknown.refresh_from_db()
        assert unknown.status == D.FAILED and unknown.last_error.startswith("550 5.1.1")
        assert result.sent == 2 and result.failed == 1
        issue.refresh_from_db()
        assert issue.status == Issue.Status.SENT
        assert queries.progress(issue)["failed"] == 1

    def test_without_pipelining_commands_go_one_by_one(self, smtp, newsletter):
        """A server without PIPELINING: the same results, command by command."""
        smtp.handler.pipelining = False
        issue = started_issue(newsletter, 4)
        busy, unknown = issue.deliveries.order_by("pk")[:2]
        smtp.handler.temporary, smtp.handler.permanent = {busy.email}, {unknown.email}
        result = send_until_done(issue_id=issue.pk)
        assert (result.sent, result.retry, result.failed) == (2, 1, 1)
        assert sorted(to for to, _data in smtp.handler.messages) == sorted(
            issue.deliveries.filter(status=D.SENT).values_list("email", flat=True)
        )

    def test_lines_starting_with_a_dot_arrive_unchanged(self, smtp, newsletter):
        """SMTP transparency: the message is dot-stuffed piece by piece, exactly as a whole
        message would be, and the receiver gets the original lines back."""
        make_subscribers(newsletter, 1)
        issue = make_issue(newsletter, intro=".Punkt am Anfang\n\n..zwei\n.\nEnde")
        actions.start_sending(issue=issue)
        send_until_done(issue_id=issue.pk)
        ((_to, data),) = smtp.handler.messages
        text = message_from_bytes(data, policy=policy.default).get_payload()[0].get_content()
        assert ".Punkt am Anfang\n\n..zwei\n.\nEnde" in text.replace("\r\n", "\n")

    def test_a_dropped_connection_is_reopened_and_the_batch_goes_on(self, smtp, newsletter):
        """The server drops the connection in the middle of a batch: the worker reconnects,
        sends that message again and finishes the batch."""
        issue = started_issue(newsletter, 10)
        victim = issue.deliveries.order_by("pk")[4]
        smtp.handler.drop_once = {victim.email}
        result = send_until_done(issue_id=issue.pk)
        assert result.sent == 10
        assert sorted(smtp.handler.message_ids()) == sorted(
            issue.deliveries.values_list("message_id", flat=True)
        )
        assert smtp.handler.connections == 2

    def test_an_unreachable_server_hands_the_rows_back(self, newsletter, settings):
        """No server at all: the rows wait to be retried, nothing is marked sent or lost."""
        use_smtp(settings, free_port())
        issue = started_issue(newsletter, 3)
        with pytest.raises(transports.TransportUnavailable):
            send_batch(issue_id=issue.pk, worker_id="w")
        assert set(issue.deliveries.values_list("status", flat=True)) == {D.RETRY}

    def test_addresses_suppressed_during_the_send_are_skipped(self, smtp, newsletter):
        """A hard bounce that arrives while the issue is going out stops the rest to that
        address."""
        issue = started_issue(newsletter, 2)
        bounced = issue.deliveries.order_by("pk").first()
        Subscriber.objects.filter(pk=bounced.subscriber_id).update(suppressed_at=timezone.now())
        send_until_done(issue_id=issue.pk)
        bounced.refresh_from_db()
        assert bounced.status == D.FAILED and bounced.last_error == "suppressed address"
        assert len(smtp.handler.messages) == 1


class LeaseTests:
    def test_rows_of_a_dead_worker_are_taken_again_after_the_lease(self, smtp, newsletter):
        """A batch claimed by a worker that died is sent by another worker once the lease
        expired, and not before."""
        issue = started_issue(newsletter, 6)
        dead = actions.claim_batch(issue_id=issue.pk, worker_id="dead", limit=4, lease_seconds=60)
        assert len(dead) == 4
        send_until_done(issue_id=issue.pk, lease_seconds=60)
        assert len(smtp.handler.messages) == 2  # only the unclaimed rows
        issue.refresh_from_db()
        assert issue.status == Issue.Status.SENDING
        assert issue.pk not in queries.issues_needing_workers()

        Delivery.objects.filter(claimed_by="dead").update(
            claimed_at=timezone.now() - dt.timedelta(seconds=61)
        )
        assert issue.pk in queries.issues_needing_workers()
        send_until_done(issue_id=issue.pk, lease_seconds=60)
        assert len(smtp.handler.messages) == 6
        assert Delivery.objects.filter(attempts=2).count() == 4
        issue.refresh_from_db()
        assert issue.status == Issue.Status.SENT

    def test_a_batch_hands_back_what_it_cannot_send_within_half_its_lease(self, smtp, newsletter):
        """A slow server: the batch stops at half the lease and hands the rest back, so no
        other worker sends those rows while this one still holds them."""
        issue = started_issue(newsletter, 5)
        smtp.handler.delay = 0.4
        result = BatchResult()
        send_batch(issue_id=issue.pk, worker_id="slow", lease_seconds=2, result=result)
        assert result.sent == 3 and result.handed_back == 2
        assert issue.deliveries.filter(status=D.PENDING, claimed_by="").count() == 2

    def test_two_workers_share_the_rows(self, smtp, newsletter):
        """Two workers claiming in turn never take the same row."""
        issue = started_issue(newsletter, 10)
        first = actions.claim_batch(issue_id=issue.pk, worker_id="a", limit=6, lease_seconds=60)
        second = actions.claim_batch(issue_id=issue.pk, worker_id="b", limit=6, lease_seconds=60)
        assert len(first) == 6 and len(second) == 4
        assert not {r.pk for r in first} & {r.pk for r in second}

    def test_on_postgresql_workers_skip_rows_another_worker_is_claiming(self, newsletter):
        """The claim is one UPDATE whose row choice uses FOR UPDATE SKIP LOCKED, so workers
        claiming at the same moment never wait for or take each other's rows."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        if connection.vendor != "postgresql":
            pytest.skip("PostgreSQL only; SQLite serialises writers, the UPDATE alone is atomic")
        issue = started_issue(newsletter, 3)
        with CaptureQueriesContext(connection) as queries:
            actions.claim_batch(issue_id=issue.pk, worker_id="a", limit=2, lease_seconds=60)
        (claim,) = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
        assert "FOR UPDATE SKIP LOCKED" in claim and "LIMIT 2" in claim


class BackendFallbackTests:
    def test_without_smtp_the_configured_backend_gets_each_message(self, newsletter):
        """Embedded mode without SMTP: Django's EMAIL_BACKEND (locmem in tests) gets one message
        per recipient, with the same bytes and headers."""
        issue = started_issue(newsletter, 3)
        send_until_done(issue_id=issue.pk)
        assert len(mail.outbox) == 3
        msg = mail.outbox[0].message()
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert msg["Message-ID"] in set(issue.deliveries.values_list("message_id", flat=True))
        assert mail.outbox[0].message().as_bytes() == mail.outbox[0].data

    def test_outbox_backend_writes_the_exact_message(self, newsletter, settings, tmp_path):
        """The embedded default (var/mail/) stores each message as it would go over SMTP."""
        settings.EMAIL_BACKEND = "newsdesk.core.outbox.OutboxEmailBackend"
        settings.OUTBOX_DIR = tmp_path
        issue = started_issue(newsletter, 2)
        send_until_done(issue_id=issue.pk)
        files = sorted(tmp_path.glob("*.eml"))
        assert len(files) == 2
        parsed = message_from_bytes(files[0].read_bytes(), policy=policy.default)
        assert str(parsed["List-Unsubscribe"]).startswith("<https://news.example.org/de/")

    def test_test_email_goes_to_the_editor(self, newsletter):
        """A test email: one message to the editor, subject marked, no subscriber's token."""
        editor = UserFactory(editor=True, email="chefin@example.org")
        issue = make_issue(newsletter, [article()])
        send_test(issue=issue, to=editor.email)
        (message,) = mail.outbox
        parsed = message.message()
        assert parsed["To"] == "chefin@example.org" and parsed["Subject"].startswith("[Test]")
        assert "/u/test/wirtschaft/" in parsed["List-Unsubscribe"]
        assert issue.deliveries.count() == 0


def _rsa_key(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test key")
    key = tmp_path / "dkim.pem"
    subprocess.run(["openssl", "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
    der = subprocess.run(
        ["openssl", "rsa", "-in", str(key), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return key, base64.b64encode(der)


class DkimTests:
    def test_messages_are_signed_and_verify(self, smtp, newsletter, settings, tmp_path):
        """With a key configured every message carries a DKIM signature over From, Subject and
        the List-Unsubscribe pair that dkimpy verifies against the public key."""
        import dkim

        key, public = _rsa_key(tmp_path)
        settings.NEWSLETTER_DKIM_KEY_FILE = str(key)
        settings.NEWSLETTER_DKIM_SELECTOR = "news2026"
        settings.NEWSLETTER_DKIM_DOMAIN = "news.example.org"
        issue = started_issue(newsletter, 2)
        send_until_done(issue_id=issue.pk)

        def dns(name, timeout=5):
            assert name == b"news2026._domainkey.news.example.org."
            return b"v=DKIM1; k=rsa; p=" + public

        for _to, data in smtp.handler.messages:
            assert dkim.verify(data, dnsfunc=dns)
            signature = message_from_bytes(data, policy=policy.compat32)["DKIM-Signature"]
            signed = {h.strip().lower() for h in signature.split("h=")[1].split(";")[0].split(":")}
            assert {"from", "subject", "list-unsubscribe", "list-unsubscribe-post"} <= signed
            # A changed unsubscribe link breaks the signature.
            tampered = data.replace(b"/u/", b"/x/", 1)
            assert not dkim.verify(tampered, dnsfunc=dns)

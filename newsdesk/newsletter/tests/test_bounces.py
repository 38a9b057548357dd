"""`newsdesk ingest_mail` with real mail (tests/mail/*.eml): hard bounces suppress, soft bounces
are noted, the List-Unsubscribe mailto unsubscribes, anything else is kept, nothing crashes."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from newsdesk.articles.tests.factories import article
from newsdesk.newsletter import actions, delivery
from newsdesk.newsletter.models import Delivery, Issue, Subscriber, Subscription
from newsdesk.newsletter.queries import subscriber_by_link_token
from newsdesk.newsletter.tests.test_composing import make_issue, make_newsletter, make_subscribers

pytestmark = pytest.mark.django_db

MAIL = Path(__file__).parent / "mail"
CONSUMED = "consumed by newsdesk.newsletter.bounces.handle"


def eml(name: str, **values) -> bytes:
    data = (MAIL / name).read_bytes()
    for key, value in values.items():
        data = data.replace(f"@@{key.upper()}@@".encode(), str(value).encode())
    return data


def ingest(data: bytes, *args) -> str:
    out = io.StringIO()
    call_command("ingest_mail", *args, stdin=io.BytesIO(data), stdout=out)
    return out.getvalue()


@pytest.fixture
def unhandled(settings, tmp_path):
    settings.INBOUND_MAIL_UNHANDLED_DIR = tmp_path / "unhandled"
    return tmp_path / "unhandled"


@pytest.fixture
def sent(settings, unhandled):
    """An issue of `wirtschaft` sent to three readers (locmem backend)."""
    settings.SITE_HOST = "news.example.org"
    newsletter = make_newsletter()
    make_subscribers(newsletter, 3)
    issue = make_issue(newsletter, [article()])
    actions.start_sending(issue=issue)
    delivery.send_until_done(issue_id=issue.pk)
    return newsletter, list(issue.deliveries.select_related("subscriber").order_by("pk"))


class BounceTests:
    def test_hard_bounce_suppresses_the_address(self, sent):
        """A DSN with Status 5.1.1 for one of our messages: the address is suppressed and the
        delivery failed; the next issue does not go to it."""
        newsletter, deliveries = sent
        bounced = deliveries[0]
        data = eml("dsn_hard_5.1.1.eml", recipient=bounced.email, message_id=bounced.message_id)
        assert ingest(data).strip() == f"stdin: {CONSUMED}"
        subscriber = Subscriber.objects.get(pk=bounced.subscriber_id)
        assert subscriber.suppressed_at is not None
        assert subscriber.suppressed_reason.startswith("hard bounce 5.1.1 smtp; 550 5.1.1")
        bounced.refresh_from_db()
        assert bounced.status == Delivery.Status.FAILED and "5.1.1" in bounced.last_error
        assert Subscriber.objects.filter(suppressed_at__isnull=False).count() == 1

        issue = make_issue(newsletter)
        assert actions.start_sending(issue=issue) == 2
        assert not issue.deliveries.filter(subscriber_id=bounced.subscriber_id).exists()

    def test_soft_bounce_is_only_noted(self, sent):
        """A 4.2.2 (mailbox full, delayed) DSN: noted on the delivery, the address stays."""
        _newsletter, deliveries = sent
        full = deliveries[1]
        data = eml("dsn_soft_4.2.2.eml", recipient=full.email, message_id=full.message_id)
        assert CONSUMED in ingest(data)
        full.refresh_from_db()
        assert full.status == Delivery.Status.SENT
        assert full.last_error.startswith("soft bounce: 4.2.2 smtp; 452 4.2.2")
        assert not Subscriber.objects.filter(suppressed_at__isnull=False).exists()

    def test_a_bounce_for_a_message_we_did_not_send_changes_nothing(self, sent, unhandled):
        """A DSN naming a subscriber but quoting a Message-ID that isn't ours (forged, or about
        other mail) suppresses nobody and is kept for a person."""
        _newsletter, deliveries = sent
        data = eml(
            "dsn_hard_5.1.1.eml",
            recipient=deliveries[0].email,
            message_id="<issue-1.000000000000000000000000@news.example.org>",
        )
        assert "not handled" in ingest(data)
        assert not Subscriber.objects.filter(suppressed_at__isnull=False).exists()
        assert len(list((unhandled / "new").iterdir())) == 1

    def test_a_bounce_for_another_recipient_of_the_same_message_changes_nothing(self, sent):
        """The quoted Message-ID must belong to a delivery to the bouncing address."""
        _newsletter, deliveries = sent
        data = eml(
            "dsn_hard_5.1.1.eml", recipient=deliveries[0].email, message_id=deliveries[1].message_id
        )
        assert "not handled" in ingest(data)
        assert not Subscriber.objects.filter(suppressed_at__isnull=False).exists()


class UnsubscribeByMailTests:
    def test_mail_to_the_list_unsubscribe_mailto_leaves_that_newsletter(self, sent):
        """unsubscribe+TOKEN.ID@: that subscription ends, the others stay."""
        newsletter, deliveries = sent
        subscriber = deliveries[2].subscriber
        other = make_newsletter(slug="sport", name="Sport")
        Subscription.objects.create(
            subscriber=subscriber, newsletter=other, status=Subscription.Status.CONFIRMED
        )
        data = eml("unsubscribe.eml", token=subscriber.link_token, newsletter=newsletter.pk)
        assert ingest(data).strip() == f"stdin: {CONSUMED}"
        statuses = dict(subscriber.subscriptions.values_list("newsletter__slug", "status"))
        assert statuses == {"wirtschaft": "unsubscribed", "sport": "confirmed"}

    def test_the_mailto_address_is_the_one_in_the_sent_message(self, sent):
        """What the List-Unsubscribe header offers is what this handler understands."""
        from django.core import mail

        newsletter, deliveries = sent
        header = str(mail.outbox[0].message()["List-Unsubscribe"])
        mailto = header.split("<mailto:")[1].rstrip(">")
        token = mailto.split("+")[1].split(".")[0]
        subscriber = subscriber_by_link_token(token)
        message = f"To: {mailto}\nFrom: x@example.net\nSubject: unsubscribe\n\n".encode()
        assert CONSUMED in ingest(message)
        assert subscriber.subscriptions.get(newsletter=newsletter).status == "unsubscribed"

    def test_an_unknown_token_is_consumed_and_changes_nothing(self, sent):
        """A made-up token: the message is dropped, nobody is unsubscribed."""
        newsletter, _deliveries = sent
        data = eml("unsubscribe.eml", token="made-up-token", newsletter=newsletter.pk)
        assert CONSUMED in ingest(data)
        assert set(Subscription.objects.values_list("status", flat=True)) == {"confirmed"}


def exploding_handler(message):
    raise RuntimeError("boom")


def greedy_handler(message):
    return "greedy" in str(message.get("Subject", ""))


class DispatchTests:
    def test_plain_and_malformed_mail_is_kept_and_never_crashes(self, sent, unhandled):
        """A reader's reply and garbage: logged, kept in the unhandled Maildir, exit 0."""
        for name in ("plain.eml", "malformed.eml"):
            output = ingest(eml(name, message_id="<x@y>"))
            assert "not handled, kept as" in output
        kept = sorted((unhandled / "new").iterdir())
        assert len(kept) == 2
        assert {p.read_bytes() for p in kept} == {
            eml("plain.eml", message_id="<x@y>"),
            eml("malformed.eml"),
        }

    def test_empty_input(self, unhandled):
        """Nothing on stdin: a log line and exit 0, nothing kept."""
        assert ingest(b"").strip() == "stdin: not handled"
        assert not unhandled.exists()

    def test_a_failing_handler_does_not_stop_the_next_one(self, settings, db):
        """Handlers run in order; one that raises is logged and the next still gets the mail."""
        settings.INBOUND_MAIL_HANDLERS = [
            "newsdesk.newsletter.tests.test_bounces.exploding_handler",
            "newsdesk.newsletter.tests.test_bounces.greedy_handler",
        ]
        output = ingest(b"Subject: greedy\n\nhi\n")
        assert "consumed by newsdesk.newsletter.tests.test_bounces.greedy_handler" in output

    def test_files_and_unreadable_files(self, sent, tmp_path):
        """Message files are read like stdin; one that can't be read fails with its name."""
        _newsletter, deliveries = sent
        path = tmp_path / "bounce.eml"
        path.write_bytes(
            eml(
                "dsn_hard_5.1.1.eml",
                recipient=deliveries[0].email,
                message_id=deliveries[0].message_id,
            )
        )
        out = io.StringIO()
        call_command("ingest_mail", str(path), stdout=out)
        assert out.getvalue().strip() == f"{path}: {CONSUMED}"
        with pytest.raises(CommandError, match="Could not read: .*missing.eml"):
            call_command("ingest_mail", str(tmp_path / "missing.eml"), stdout=io.StringIO())


class MaildirTests:
    def maildir(self, root: Path, messages: dict[str, bytes]) -> Path:
        for sub in ("new", "cur", "tmp"):
            (root / sub).mkdir(parents=True)
        for name, data in messages.items():
            (root / "new" / name).write_bytes(data)
        return root

    def messages(self, deliveries, newsletter):
        return {
            "1.hard": eml(
                "dsn_hard_5.1.1.eml",
                recipient=deliveries[0].email,
                message_id=deliveries[0].message_id,
            ),
            "2.soft": eml(
                "dsn_soft_4.2.2.eml",
                recipient=deliveries[1].email,
                message_id=deliveries[1].message_id,
            ),
            "3.plain": eml("plain.eml", message_id=deliveries[0].message_id),
            "4.malformed": eml("malformed.eml"),
            "5.unsubscribe": eml(
                "unsubscribe.eml",
                token=deliveries[2].subscriber.link_token,
                newsletter=newsletter.pk,
            ),
        }

    def test_every_message_in_new_is_dispatched(self, sent, tmp_path):
        """Consumed messages are deleted from new/; the others move to cur/ unread; a second run
        finds nothing to do."""
        newsletter, deliveries = sent
        root = self.maildir(tmp_path / "Maildir", self.messages(deliveries, newsletter))
        out = io.StringIO()
        call_command("ingest_mail", "--maildir", str(root), stdout=out)
        lines = out.getvalue().splitlines()
        assert lines == [
            f"1.hard: {CONSUMED}, deleted",
            f"2.soft: {CONSUMED}, deleted",
            "3.plain: not handled, moved to cur/ unread",
            "4.malformed: not handled, moved to cur/ unread",
            f"5.unsubscribe: {CONSUMED}, deleted",
        ]
        assert os.listdir(root / "new") == []
        assert sorted(os.listdir(root / "cur")) == ["3.plain:2,", "4.malformed:2,"]
        assert Subscriber.objects.get(pk=deliveries[0].subscriber_id).suppressed_at is not None
        assert deliveries[2].subscriber.subscriptions.get().status == "unsubscribed"

        again = io.StringIO()
        call_command("ingest_mail", "--maildir", str(root), stdout=again)
        assert again.getvalue() == ""

    def test_keep_moves_consumed_messages_to_cur_as_seen(self, sent, tmp_path):
        newsletter, deliveries = sent
        messages = self.messages(deliveries, newsletter)
        root = self.maildir(tmp_path / "Maildir", {"1.hard": messages["1.hard"]})
        call_command("ingest_mail", "--maildir", str(root), "--keep", stdout=io.StringIO())
        assert os.listdir(root / "cur") == ["1.hard:2,S"]

    def test_a_directory_that_is_not_a_maildir_is_an_error(self, tmp_path, db):
        """Exit status 1 with a message naming the directory."""
        with pytest.raises(CommandError, match="is not a Maildir"):
            call_command("ingest_mail", "--maildir", str(tmp_path / "nowhere"))


def test_the_issue_status_is_untouched_by_bounces(sent):
    """Bounces change deliveries and subscribers, never whether the issue counts as sent."""
    _newsletter, deliveries = sent
    ingest(
        eml(
            "dsn_hard_5.1.1.eml", recipient=deliveries[0].email, message_id=deliveries[0].message_id
        )
    )
    assert Issue.objects.get().status == Issue.Status.SENT

"""What comes back to the newsletter's addresses (an inbound handler, see core/inbound.py):

- delivery status notifications (RFC 3464: multipart/report; report-type=delivery-status).
  Per recipient: Action "failed" with a 5.x.x Status is a hard bounce, and the address is
  suppressed (nothing is sent to it any more; the delivery is marked FAILED). A 4.x.x Status or
  Action "delayed" is a soft bounce: it is only noted on the delivery.
- the mailto of List-Unsubscribe: a message to unsubscribe+TOKEN.NEWSLETTER_ID@… leaves that
  newsletter (unsubscribe+TOKEN@… leaves all of them).

A DSN counts only if it quotes the Message-ID of one of our deliveries to that recipient (in
its returned message or headers). Those Message-IDs are keyed hashes (mime.message_id_for),
so nobody can forge a bounce that suppresses someone else's address; DSNs about other mail are
left for a person.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from email.message import EmailMessage, Message
from email.parser import HeaderParser
from email.utils import getaddresses

from newsdesk.newsletter.actions import record_bounce, unsubscribe
from newsdesk.newsletter.models import Newsletter
from newsdesk.newsletter.queries import deliveries_with_message_ids, subscriber_by_link_token

logger = logging.getLogger(__name__)

# unsubscribe+TOKEN@ or unsubscribe+TOKEN.NEWSLETTER_ID@ (tokens are URL-safe base64: no dot).
UNSUBSCRIBE_ADDRESS = re.compile(r"^unsubscribe\+([A-Za-z0-9_-]{1,64})(?:\.(\d{1,12}))?@", re.I)
# Headers that may carry the address a message was delivered to.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")
STATUS = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})")
MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")


def handle(message: EmailMessage) -> bool:
    """True if the message was a DSN about our deliveries or a mailto unsubscribe."""
    report = delivery_status(message)
    if report is not None:
        return apply_report(report)
    return handle_unsubscribe(message)


# --- delivery status notifications ------------------------------------------------------------


@dataclass(frozen=True)
class RecipientStatus:
    recipient: str  # Final-Recipient
    original: str  # Original-Recipient, if given
    action: str
    status: str
    diagnostic: str

    @property
    def hard(self) -> bool:
        return self.action == "failed" and self.status.startswith("5.")

    @property
    def soft(self) -> bool:
        return self.action == "delayed" or self.status.startswith("4.")


@dataclass(frozen=True)
class Report:
    recipients: list[RecipientStatus]
    message_ids: set[str]  # of the message that bounced


def delivery_status(message: Message) -> Report | None:
    """The per-recipient fields of a DSN, or None if the message is not one."""
    if message.get_content_type() != "multipart/report":
        return None
    if str(message.get_param("report-type", "")).lower() != "delivery-status":
        return None
    recipients: list[RecipientStatus] = []
    message_ids: set[str] = set()
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype in ("message/delivery-status", "message/global-delivery-status"):
            recipients.extend(_recipient_fields(_blocks(part)[1:]))
        elif ctype in ("message/rfc822", "message/global", "text/rfc822-headers"):
            message_ids |= _quoted_message_ids(part)
    return Report(recipients=recipients, message_ids=message_ids)


def _blocks(part: Message) -> list[Message]:
    """The field groups of a message/delivery-status part: per-message first, then one per
    recipient. The email package parses them into a list; a malformed part may come as text."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    if isinstance(payload, str):
        text = payload.replace("\r\n", "\n")
        return [HeaderParser().parsestr(chunk) for chunk in re.split(r"\n\s*\n", text) if chunk]
    return []


def _address(value) -> str:
    """`rfc822; someone@example.org` → someone@example.org (lower case)."""
    text = str(value or "")
    if ";" in text:
        text = text.split(";", 1)[1]
    return text.strip().strip("<>").strip().lower()


def _recipient_fields(blocks: list[Message]) -> list[RecipientStatus]:
    statuses = []
    for block in blocks:
        recipient = _address(block.get("Final-Recipient"))
        if "@" not in recipient:
            continue
        status = STATUS.match(str(block.get("Status", "")))
        statuses.append(
            RecipientStatus(
                recipient=recipient,
                original=_address(block.get("Original-Recipient")),
                action=str(block.get("Action", "")).strip().lower(),
                status=".".join(status.groups()) if status else "",
                diagnostic=" ".join(str(block.get("Diagnostic-Code", "")).split())[:200],
            )
        )
    return statuses


def _quoted_message_ids(part: Message) -> set[str]:
    payload = part.get_payload()
    if isinstance(payload, list):  # message/rfc822: the returned message itself
        headers = payload[0] if payload else None
    elif isinstance(payload, str):  # text/rfc822-headers
        headers = HeaderParser().parsestr(payload.replace("\r\n", "\n").lstrip("\n"))
    else:
        return set()
    if headers is None:
        return set()
    value = str(headers.get("Message-ID", "") or "")
    return set(MESSAGE_ID.findall(value))


def apply_report(report: Report) -> bool:
    """Suppresses hard-bouncing addresses and notes soft bounces on our deliveries. True if the
    report was about one of our deliveries."""
    if not report.message_ids:
        return False
    deliveries = {d.email.lower(): d for d in deliveries_with_message_ids(report.message_ids)}
    matched = False
    for entry in report.recipients:
        delivery = deliveries.get(entry.recipient) or deliveries.get(entry.original)
        if delivery is None:
            continue
        matched = True
        note = f"{entry.status or entry.action} {entry.diagnostic}".strip()
        if entry.hard or entry.soft:
            record_bounce(delivery=delivery, note=note, hard=entry.hard)
    if not matched:
        logger.info("DSN for recipients we did not send to: %s", report.recipients)
    return matched


# --- mailto unsubscribe -----------------------------------------------------------------------


def _recipient_addresses(message: Message) -> list[str]:
    values = []
    for name in RECIPIENT_HEADERS:
        try:
            values.extend(str(v) for v in message.get_all(name, []))
        except Exception:  # a header too broken to decode is no address of ours
            logger.info("undecodable %s header skipped", name)
            continue
    return [address for _name, address in getaddresses(values) if address]


def handle_unsubscribe(message: Message) -> bool:
    """A message to the List-Unsubscribe mailto: unsubscribes, whatever subject or body."""
    for address in _recipient_addresses(message):
        match = UNSUBSCRIBE_ADDRESS.match(address.strip())
        if match is None:
            continue
        token, newsletter_id = match.groups()
        subscriber = subscriber_by_link_token(token)
        if subscriber is None:
            logger.info("mailto unsubscribe with an unknown token ignored")
            return True
        newsletter = None
        if newsletter_id:
            newsletter = Newsletter.objects.filter(pk=int(newsletter_id)).first()
            if newsletter is None:
                logger.info(
                    "mailto unsubscribe for an unknown newsletter %s ignored", newsletter_id
                )
                return True
        unsubscribe(subscriber=subscriber, newsletter=newsletter)
        logger.info(
            "subscriber %s unsubscribed by mail from %s", subscriber.pk, newsletter or "all"
        )
        return True
    return False

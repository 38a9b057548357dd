"""Mail that comes in (`newsdesk ingest_mail`): each message goes to the handlers named in
settings.INBOUND_MAIL_HANDLERS, in order, until one consumes it.

A handler is a function `handle(message: email.message.EmailMessage) -> bool`: True means it
consumed the message, False that it is not for this handler. A handler that raises is logged
and counts as False, so a bug in one never loses a message or stops the others. Messages no
handler consumes are kept for a person (see the command) and logged.

Apps add their handler to the list: newsletters (bounces, mailto unsubscribe) now, reports sent
by email later.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

DEFAULT_HANDLERS = ["newsdesk.newsletter.bounces.handle"]
# Larger messages are not parsed (a mail server limits them long before this).
MAX_MESSAGE_BYTES = 50 * 1024 * 1024

Handler = Callable[[EmailMessage], bool]


class Refused(Exception):  # noqa: N818 - a refusal, not an error
    """Raised by a handler for a message that is its own but that it will not take (a rate
    limit): dispatch() passes it on, and the command keeps the message for a person, saying
    why."""


def handlers() -> list[tuple[str, Handler]]:
    paths = getattr(settings, "INBOUND_MAIL_HANDLERS", DEFAULT_HANDLERS)
    return [(path, import_string(path)) for path in paths]


def parse(data: bytes) -> EmailMessage:
    """The email package's parser never raises on bad input; it records defects instead."""
    return BytesParser(policy=policy.default).parsebytes(data)


def describe(message: EmailMessage) -> str:
    """Message-ID, From and Subject for a log line, whatever state the headers are in."""
    parts = []
    for name in ("Message-ID", "From", "Subject"):
        try:
            value = str(message.get(name, ""))
        except Exception:  # a header too broken to decode
            value = "(unreadable)"
        parts.append(f"{name}={value[:120]!r}")
    return " ".join(parts)


def dispatch(data: bytes) -> str | None:
    """Hands one raw message to the handlers; returns the path of the one that consumed it,
    or None when none did (the caller keeps the message). Raises Refused when a handler
    refused it (the caller keeps it too)."""
    if not data.strip():
        logger.warning("inbound mail: empty message ignored")
        return None
    if len(data) > MAX_MESSAGE_BYTES:
        logger.warning("inbound mail: message of %d bytes not parsed", len(data))
        return None
    message = parse(data)
    for path, handler in handlers():
        try:
            if handler(message):
                logger.info("inbound mail consumed by %s: %s", path, describe(message))
                return path
        except Refused as refusal:
            logger.warning("inbound mail refused by %s (%s): %s", path, refusal, describe(message))
            raise
        except Exception:
            logger.exception("inbound mail handler %s failed on %s", path, describe(message))
    logger.warning("inbound mail not handled, kept: %s", describe(message))
    return None

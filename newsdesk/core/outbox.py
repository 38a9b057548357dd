"""Mail in the embedded mode: each message is written to var/mail/ as one .eml file.

Admins read them in the browser (accounts.views.mailbox); nothing leaves the machine.
"""

import re
import uuid
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

MESSAGE_NAME = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{32}\.eml$")


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        outbox = Path(settings.OUTBOX_DIR)
        outbox.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
            path = outbox / f"{stamp}-{uuid.uuid4().hex}.eml"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(message.message().as_bytes())
            tmp.rename(path)
        return len(email_messages)


def list_messages(limit: int = 200) -> list[dict]:
    """The newest messages first, with their headers, for the admin mailbox."""
    outbox = Path(settings.OUTBOX_DIR)
    if not outbox.is_dir():
        return []
    names = sorted((p.name for p in outbox.iterdir() if MESSAGE_NAME.match(p.name)), reverse=True)
    return [read_message(name) for name in names[:limit]]


def read_message(name: str) -> dict | None:
    if not MESSAGE_NAME.match(name):
        return None
    path = Path(settings.OUTBOX_DIR) / name
    if not path.is_file():
        return None
    msg: EmailMessage = message_from_bytes(path.read_bytes(), policy=policy.default)
    body = msg.get_body(preferencelist=("plain", "html"))
    return {
        "name": name,
        "subject": msg.get("Subject", ""),
        "to": msg.get("To", ""),
        "from": msg.get("From", ""),
        "date": msg.get("Date", ""),
        "text": body.get_content() if body is not None else "",
    }

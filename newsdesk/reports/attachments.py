"""Files that come with mailed reports: kept, but never executed, served inline or trusted.

They are written under settings.REPORTS_ATTACHMENTS_DIR (under var/, outside MEDIA_ROOT and the
static files, so no web server path leads to them) with a random name and no extension, readable
by the owner only. Editors download them through reports.views.attachment, always as
application/octet-stream with Content-Disposition: attachment and nosniff, so that a browser
never renders an .html or runs anything. Per-file, total and count limits bound the disk used.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404

from newsdesk.reports.models import Attachment

NAME_MAX = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_TYPE_UNSAFE = re.compile(r"[^A-Za-z0-9.+/-]")


@dataclass(frozen=True)
class IncomingFile:
    name: str
    declared_type: str
    data: bytes


def root() -> Path:
    return Path(settings.REPORTS_ATTACHMENTS_DIR)


def clean_name(name: str | None) -> str:
    """A file name to show: no directories, control or path characters, direction overrides."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Cf"))
    name = _UNSAFE.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    return name[:NAME_MAX] or "attachment"


def store(report, files: list[IncomingFile]) -> list[str]:
    """Stores what fits the limits; returns a line per file left out, saying why."""
    skipped = []
    total = 0
    kept = 0
    for incoming in files:
        name = clean_name(incoming.name)
        size = len(incoming.data)
        if kept >= settings.REPORTS_ATTACHMENTS_MAX_COUNT:
            skipped.append(f"{name}: more than {settings.REPORTS_ATTACHMENTS_MAX_COUNT} files")
        elif size > settings.REPORTS_ATTACHMENT_MAX_BYTES:
            skipped.append(f"{name}: {size} bytes is over the limit per file")
        elif total + size > settings.REPORTS_ATTACHMENTS_MAX_TOTAL_BYTES:
            skipped.append(f"{name}: over the limit for all files")
        else:
            _write(report, name, incoming)
            total += size
            kept += 1
    return skipped


def _write(report, name: str, incoming: IncomingFile) -> Attachment:
    directory = root()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored_name = secrets.token_hex(16)
    fd = os.open(directory / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(incoming.data)
    return Attachment.objects.create(
        report=report,
        original_name=name,
        stored_name=stored_name,
        size=len(incoming.data),
        declared_type=_TYPE_UNSAFE.sub("", incoming.declared_type)[:100],
        sha256=hashlib.sha256(incoming.data).hexdigest(),
    )


def download(attachment: Attachment) -> FileResponse:
    path = root() / attachment.stored_name
    if not re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name) or not path.is_file():
        raise Http404("No such file")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

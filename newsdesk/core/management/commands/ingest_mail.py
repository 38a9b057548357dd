"""newsdesk ingest_mail: hand incoming mail to newsdesk (core/inbound.py dispatches it).

    newsdesk ingest_mail < message.eml        one RFC 5322 message on standard input
                                              (a mail server pipes each message to this)
    newsdesk ingest_mail FILE...              messages in files
    newsdesk ingest_mail --maildir PATH       every message in PATH/new

What happens to a message:

- consumed by a handler: nothing is kept (stdin, files); in a Maildir it is deleted from new/,
  or moved to cur/ marked seen (flag S) with --keep;
- refused by a handler (a rate limit): as not consumed, with a line saying why;
- not consumed by any handler: logged, and kept for a person: in a Maildir it moves to cur/
  unread (no flags), so a mail client shows it as new and it is not processed again; from
  stdin or a file it is stored in settings.INBOUND_MAIL_UNHANDLED_DIR (a Maildir, default
  var/mail-unhandled/).

Broken or malformed mail never makes this fail: such a message is logged and kept, and the exit
status is 0 (a mail server would otherwise bounce or retry it forever). Exit status 1 only for
what the operator must fix: a Maildir or file that can't be read, with a message naming it.
"""

import os
import socket
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsdesk.core import inbound


class Command(BaseCommand):
    help = "Read incoming mail (standard input, files or a Maildir) and dispatch it."
    # call_command("ingest_mail", stdin=io.BytesIO(...)) in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="message files (default: stdin)")
        parser.add_argument("--maildir", type=Path, help="process every message in PATH/new")
        parser.add_argument(
            "--keep",
            action="store_true",
            help="with --maildir: move consumed messages to cur/ (seen) instead of deleting them",
        )

    def handle(self, *args, **options):
        if options["maildir"]:
            self.ingest_maildir(options["maildir"], keep=options["keep"])
        elif options["files"]:
            self.ingest_files(options["files"])
        else:
            stream = options.get("stdin") or sys.stdin.buffer
            data = stream.read()
            if isinstance(data, str):
                data = data.encode("utf-8", "surrogateescape")
            self.report("stdin", self.dispatch("stdin", data), data)

    def dispatch(self, name: str, data: bytes) -> str | None:
        """inbound.dispatch(), saying why when a handler refused the message (it is then kept
        like an unhandled one)."""
        try:
            return inbound.dispatch(data)
        except inbound.Refused as refusal:
            self.stdout.write(f"{name}: refused: {refusal}")
            return None

    def report(self, name: str, consumed_by: str | None, data: bytes) -> None:
        if consumed_by:
            self.stdout.write(f"{name}: consumed by {consumed_by}")
            return
        kept = keep_unhandled(data) if data.strip() else None
        self.stdout.write(f"{name}: not handled" + (f", kept as {kept}" if kept else ""))

    def ingest_files(self, paths: list[Path]) -> None:
        unreadable = []
        for path in paths:
            try:
                data = path.read_bytes()
            except OSError as exc:
                unreadable.append(f"{path} ({exc.strerror or exc})")
                continue
            self.report(str(path), self.dispatch(str(path), data), data)
        if unreadable:
            raise CommandError("Could not read: " + ", ".join(unreadable))

    def ingest_maildir(self, root: Path, *, keep: bool) -> None:
        new, cur = root / "new", root / "cur"
        if not (new.is_dir() and cur.is_dir() and (root / "tmp").is_dir()):
            raise CommandError(f"{root} is not a Maildir (it needs new/, cur/ and tmp/).")
        try:
            names = sorted(p.name for p in new.iterdir() if not p.name.startswith("."))
        except OSError as exc:
            raise CommandError(f"Could not read {new}: {exc.strerror or exc}") from exc
        unreadable = []
        for name in names:
            path = new / name
            try:
                data = path.read_bytes()
            except OSError as exc:
                unreadable.append(f"{path} ({exc.strerror or exc})")
                continue
            consumed_by = self.dispatch(name, data)
            if consumed_by and not keep:
                path.unlink()
                self.stdout.write(f"{name}: consumed by {consumed_by}, deleted")
            elif consumed_by:
                os.rename(path, cur / f"{name}:2,S")
                self.stdout.write(f"{name}: consumed by {consumed_by}, moved to cur/")
            else:
                os.rename(path, cur / f"{name}:2,")
                self.stdout.write(f"{name}: not handled, moved to cur/ unread")
        if unreadable:
            raise CommandError("Could not read: " + ", ".join(unreadable))


def keep_unhandled(data: bytes) -> str:
    """Delivers a message no handler took into the unhandled Maildir (new/), atomically."""
    root = Path(
        getattr(settings, "INBOUND_MAIL_UNHANDLED_DIR", None) or settings.VAR_DIR / "mail-unhandled"
    )
    for sub in ("tmp", "new", "cur"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns()}.{os.getpid()}.{socket.gethostname()}"
    tmp = root / "tmp" / name
    tmp.write_bytes(data)
    os.rename(tmp, root / "new" / name)
    return str(root / "new" / name)

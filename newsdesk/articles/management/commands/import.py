from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.articles.importing import ImportError_
from newsdesk.editorial.importing import import_file


def _printable(line: str) -> str:
    # A message may quote front matter; a lone surrogate in it would fail the write itself.
    return line.encode("utf-8", "backslashreplace").decode("utf-8")


class Command(BaseCommand):
    help = (
        "Import Markdown files with YAML front matter; prints `published <path>` or `draft <id>`."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--publish", action="store_true", help="publish what is imported")

    def handle(self, *files, **options):
        failed = 0
        for path in options["files"]:
            try:
                result = import_file(path, publish=options["publish"])
            except ImportError_ as exc:
                failed += 1
                self.stderr.write(_printable(f"error {path}: {exc}"))
                continue
            except Exception as exc:  # noqa: BLE001 - one bad file must not end the batch
                # Each file is its own transaction, so this one left nothing behind; the rest
                # of the batch goes on. A bug shows as its exception, not as a traceback.
                failed += 1
                self.stderr.write(_printable(f"error {path}: it could not be imported ({exc!r})."))
                continue
            if result.published:
                self.stdout.write(f"published {result.article.get_absolute_url()}")
            else:
                self.stdout.write(f"draft {result.article.pk}")
        if failed:
            raise CommandError(
                f"{failed} of {len(options['files'])} file(s) could not be imported."
            )

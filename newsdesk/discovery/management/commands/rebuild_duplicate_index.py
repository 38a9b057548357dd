from django.core.management.base import BaseCommand

from newsdesk.discovery.duplicate_index import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the near-duplicate index of every public article and open submission."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--processes", type=int, default=1, help="hash in this many processes (default 1)"
        )

    def handle(self, *args, **options):
        def progress(done: int) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"{done} indexed")

        count = rebuild_index(
            batch_size=options["batch_size"], processes=options["processes"], progress=progress
        )
        self.stdout.write(f"indexed {count} article(s)")

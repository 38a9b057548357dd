from django.core.management.base import BaseCommand

from newsdesk.discovery.search import rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index of every public article."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):
        def progress(done: int) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"{done} indexed")

        count = rebuild(batch_size=options["batch_size"], progress=progress)
        self.stdout.write(f"indexed {count} article(s)")

from django.core.management.base import BaseCommand

from newsdesk.discovery.related import rebuild_all
from newsdesk.discovery.related.backends import current_backend


class Command(BaseCommand):
    help = "Compute the related-articles vector and neighbours of every public article."

    def handle(self, *args, **options):
        def progress(done: int) -> None:
            if options["verbosity"] > 1:
                self.stderr.write(f"{done} articles have their neighbours")

        counts = rebuild_all(progress=progress)
        self.stdout.write(
            f"{current_backend().name}: {counts['embedded']} vectorised, "
            f"{counts['unchanged']} unchanged"
        )

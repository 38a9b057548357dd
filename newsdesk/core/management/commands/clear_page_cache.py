from django.core.management.base import BaseCommand

from newsdesk.core import page_cache


class Command(BaseCommand):
    help = "Empty the anonymous page cache (run after deploying new templates or code)."

    def handle(self, *args, **options):
        page_cache.clear()
        self.stdout.write("Page cache cleared.")

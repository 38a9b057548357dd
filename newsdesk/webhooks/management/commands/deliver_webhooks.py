"""newsdesk deliver_webhooks: deliver what is due now in the foreground (the loop the background
worker runs, delivery.deliver_until_done), then exit; with --forever keep polling. Start it in
several processes to deliver with all of them: each leases its own rows."""

import time

from django.core.management.base import BaseCommand

from newsdesk.webhooks import delivery


class Command(BaseCommand):
    help = "Deliver due webhook deliveries now, in the foreground."

    def add_arguments(self, parser):
        parser.add_argument(
            "--forever", action="store_true", help="keep polling for due deliveries"
        )
        parser.add_argument("--poll-seconds", type=float, default=1.0)
        parser.add_argument(
            "--concurrency", type=int, default=None, help="requests in flight at once"
        )

    def handle(self, *args, **options):
        if options["concurrency"]:
            from django.conf import settings

            settings.WEBHOOKS_CONCURRENCY = options["concurrency"]
        total = 0
        while True:
            total += delivery.deliver_until_done()
            if not options["forever"]:
                break
            time.sleep(options["poll_seconds"])
        self.stdout.write(f"{total} attempts")

"""Runs the web server (granian) and the background worker (huey) together; Ctrl-C stops both."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand

from newsdesk.core import page_cache


class Command(BaseCommand):
    help = "Serve newsdesk with granian and a huey worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
        parser.add_argument("--no-worker", action="store_true", help="web server only")

    def handle(self, *args, **options):
        # Pages cached by an earlier version of the code must not outlive it.
        page_cache.clear()
        bin_dir = Path(sys.executable).parent
        web = [
            str(bin_dir / "granian"),
            "--interface", "wsgi",
            "--host", options["host"],
            "--port", str(options["port"]),
            "--workers", str(options["workers"]),
            # Django's request handling is synchronous: one thread per worker process.
            "--blocking-threads", "1",
            "--no-ws",
            "newsdesk.wsgi:application",
        ]  # fmt: skip
        # The children get their own sessions so that Ctrl-C reaches only this process, which
        # then stops each child exactly once (granian takes a second signal as "exit now" and
        # would leave its workers behind).
        procs = [subprocess.Popen(web, start_new_session=True)]
        if not options["no_worker"]:
            worker = [sys.executable, "-m", "newsdesk.manage", "run_huey"]
            procs.append(subprocess.Popen(worker, start_new_session=True))
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"newsdesk is running at {url} (Ctrl-C stops it)", ending="\n")
        self.stdout.flush()
        stopping = False

        def stop(*_args):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in procs):
                time.sleep(0.3)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGINT)
            deadline = time.monotonic() + 10
            for p in procs:
                try:
                    p.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    p.kill()
        failed = [p for p in procs if p.returncode not in (0, -signal.SIGINT, None)]
        if failed and not stopping:
            sys.exit(1)

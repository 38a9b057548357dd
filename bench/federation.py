"""Federation benchmark: the inbox's signature check and outbound delivery through the real server.

    .venv/bin/python bench/federation.py

Prints on stdout (everything else goes to stderr):

    BENCH inbox_verify_p95_ms        95th percentile of the latency of a signed POST to the
                                     shared inbox, measured by the client through granian (as
                                     production runs it): HTTP, body limits, JSON parsing, the
                                     draft-cavage signature (Digest, Date, RSA-SHA256) checked
                                     against the remote actor's cached key, the key-owner check
                                     and the activity's handling (a Like of an object that is
                                     not ours: read, then dropped), 202
    BENCH federation_deliveries_per_s  signed POSTs per second made by the delivery loop
                                     (federation/delivery.py, what the huey worker runs) for
                                     one article's Create to FOLLOWERS remote servers, each
                                     with a shared inbox of its own on a local receiver (a
                                     threaded http.server in its own process answering 204):
                                     leasing rows, signing each stored body with the site
                                     actor's RSA key (draft-cavage), one POST per delivery on a
                                     new connection, recording the outcome. Exactly once is
                                     checked: the receiver counted FOLLOWERS signed requests
                                     and every delivery is DELIVERED

The remote actor's key is stored beforehand (the inbox caches keys; a fetch happens only when a
key is unknown or fails), so the figure is the steady state of a busy inbox. Requests go one at
a time over one keep-alive connection, each with its own Date and body (a new activity id).

Runs in a private temp directory (SQLite, removed at the end; BENCH_KEEP=1 keeps it) whatever
NEWSDESK_VAR or DATABASE_URL say. Knobs, for experiments only: BENCH_INBOX_REQUESTS (2000),
BENCH_FEDERATION_FOLLOWERS (2000).
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import helpers
import instance

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_INBOX_REQUESTS", "2000"))
FOLLOWERS = int(os.environ.get("BENCH_FEDERATION_FOLLOWERS", "2000"))
WARMUP = 100
PORT = helpers.free_ports(1)[0]
SITE = f"http://127.0.0.1:{PORT}"
REMOTE = "https://remote.bench.invalid"
REMOTE_ACTOR = f"{REMOTE}/users/alice"

VAR = instance.environment(
    "newsdesk-bench-federation-",
    SITE_URL=SITE,
    FEDERATION_ENABLED="1",
    # The fake server is on loopback; on-commit tasks go to a queue nobody reads.
    FEDERATION_ALLOW_PRIVATE_TARGETS="1",
    HUEY_IMMEDIATE="0",
)


def log(message: str) -> None:
    print(f"bench federation: {message}", file=sys.stderr, flush=True)


def remote_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return key, public.decode()


def start_granian() -> subprocess.Popen:
    granian = ROOT / ".venv" / "bin" / "granian"
    command = [
        str(granian), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(PORT),
        "--workers", "1", "--blocking-threads", "1", "--no-ws", "--log-level", "warning",
        "--no-access-log", "newsdesk.wsgi:application",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stdout=sys.stderr, stderr=sys.stderr)
    helpers.wait_http(f"{SITE}/healthz", 60, server.pid)
    return server


def inbox_latencies(key) -> list[float]:
    """Milliseconds per signed POST to the shared inbox, after a warm-up."""
    from newsdesk.federation.signatures import sign_cavage

    url = f"{SITE}/federation/inbox"
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    latencies = []
    statuses: dict[int, int] = {}
    for n in range(WARMUP + REQUESTS):
        activity = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{REMOTE_ACTOR}#likes/{uuid.uuid4()}",
            "type": "Like",
            "actor": REMOTE_ACTOR,
            "object": f"{REMOTE}/notes/{n}",
        }
        body = json.dumps(activity).encode()
        headers = sign_cavage(
            "POST",
            url,
            {"Content-Type": "application/activity+json"},
            body,
            f"{REMOTE_ACTOR}#main-key",
            key,
        )
        started = time.perf_counter()
        conn.request("POST", "/federation/inbox", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        statuses[response.status] = statuses.get(response.status, 0) + 1
        if n >= WARMUP:
            latencies.append(elapsed)
    # The same request with its signature spoiled must be refused: the check really runs.
    headers["Signature"] = headers["Signature"].replace('signature="', 'signature="AAAA', 1)
    conn.request("POST", "/federation/inbox", body=body, headers=headers)
    refused = conn.getresponse()
    refused.read()
    conn.close()
    if refused.status != 401:
        raise SystemExit(f"a spoiled signature was answered {refused.status}, not 401")
    if statuses != {202: WARMUP + REQUESTS}:
        raise SystemExit(f"the inbox did not accept every request: {statuses}")
    return latencies


def deliveries_per_second() -> float:
    """One article published with FOLLOWERS followers of the site on as many shared inboxes;
    the delivery loop timed from its first lease to the last recorded outcome."""
    from django.db import transaction
    from django.db.models import Count

    from newsdesk.accounts.models import User
    from newsdesk.articles.actions import save_article
    from newsdesk.articles.models import Section
    from newsdesk.editorial.actions import publish_article
    from newsdesk.federation.actions import actor_key
    from newsdesk.federation.delivery import deliver_until_done
    from newsdesk.federation.models import Actor, Delivery, Follower

    receiver = subprocess.Popen(
        [sys.executable, "-c", helpers.COUNTING_RECEIVER],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "REQUIRE_HEADERS": "Signature,Digest,Date"},
    )
    try:
        port = int(receiver.stdout.readline())
        site = actor_key(kind=Actor.Kind.SITE, object_id=0)
        Follower.objects.bulk_create(
            Follower(
                actor=site,
                remote_actor_id=f"http://127.0.0.1:{port}/servers/{n}/users/reader",
                inbox=f"http://127.0.0.1:{port}/servers/{n}/users/reader/inbox",
                shared_inbox=f"http://127.0.0.1:{port}/servers/{n}/inbox",
            )
            for n in range(FOLLOWERS)
        )
        author = User.objects.create_user(
            email="bench@example.org", password=None, display_name="Bench Schreiber"
        )
        section = Section.objects.create(slug="lokales", name="Lokales", name_en="Local")
        with transaction.atomic():
            draft = save_article(
                author=author,
                editor=author,
                section=section,
                tags=[],
                title="Der Stadtrat beschließt den Haushalt",
                lead="Nach langer Debatte steht der Plan für das kommende Jahr.",
                body="## Worum es geht\n\nDer Rat hat getagt und abgestimmt.\n",
                language="de",
            )
            publish_article(article=draft, by=author)
        queued = Delivery.objects.filter(state=Delivery.State.PENDING).count()
        if queued != FOLLOWERS:
            raise SystemExit(f"publishing queued {queued} deliveries, not {FOLLOWERS}")
        log(f"{FOLLOWERS} Create deliveries to http://127.0.0.1:{port}/servers/N/inbox")
        started = time.monotonic()
        deliver_until_done()
        elapsed = time.monotonic() - started
    finally:
        receiver.terminate()
        received = int((receiver.communicate(timeout=30)[0] or "-1").split()[-1])
    states = dict(Delivery.objects.values_list("state").annotate(n=Count("pk")).order_by())
    if received != FOLLOWERS or states != {"delivered": FOLLOWERS}:
        raise SystemExit(f"not exactly once: received {received}, delivery states {states}")
    log(f"{FOLLOWERS} delivered in {elapsed:.2f} s")
    return FOLLOWERS / elapsed


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from newsdesk.federation.models import Follower, Reaction, RemoteActor

    call_command("migrate", verbosity=0, interactive=False)
    key, public_pem = remote_key()
    RemoteActor.objects.create(
        actor_id=REMOTE_ACTOR,
        inbox=f"{REMOTE_ACTOR}/inbox",
        shared_inbox=f"{REMOTE}/inbox",
        key_id=f"{REMOTE_ACTOR}#main-key",
        public_key_pem=public_pem,
        fetched_at=timezone.now(),
    )
    server = start_granian()
    try:
        latencies = inbox_latencies(key)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if Follower.objects.exists() or Reaction.objects.exists():
        raise SystemExit("the inbox stored something for activities it should have dropped")
    p95 = statistics.quantiles(latencies, n=100)[94]
    log(
        f"{REQUESTS} signed POSTs: median {statistics.median(latencies):.2f} ms, "
        f"p95 {p95:.2f} ms, max {max(latencies):.2f} ms"
    )
    print(f"BENCH inbox_verify_p95_ms {p95:.2f} ms", flush=True)
    print(f"BENCH federation_deliveries_per_s {deliveries_per_second():.0f} /s", flush=True)


if __name__ == "__main__":
    instance.run(main, VAR, log)

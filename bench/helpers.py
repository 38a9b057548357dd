"""Small helpers for bench/run.sh: ports, HTTP checks, wrk parsing, worker memory.

Standard library only, so it runs with any Python 3.11+. Results go to stdout (for the shell to
capture), progress and errors to stderr. Every network call is to 127.0.0.1 and has a timeout.

    helpers.py free-ports N                  N distinct free loopback TCP ports, one a line
    helpers.py wait-http URL [--pid P] [--timeout S]
                                             wait until URL answers at all (bounded); fail
                                             early if process P exits
    helpers.py fetch URL --out FILE [--expect-header NAME=VALUE] [--same-as FILE]
                                             GET, require 200 (NAME= requires no NAME header)
    helpers.py wrk-rps WRK_OUTPUT_FILE       requests/sec from wrk's output, checked
    helpers.py children PID                  the direct children of PID, one a line
    helpers.py peak-rss PID...               max VmHWM (MB) of the children of the PIDs
    helpers.py ratio A B                     A / B with two decimals
"""

from __future__ import annotations

import argparse
import re
import socket
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# A receiver for the delivery benchmarks, run as `python -c COUNTING_RECEIVER` in a process of its
# own: a threaded http.server on a free loopback port (printed first) that answers every POST 204
# at once and counts the requests; on SIGTERM it prints the count. With REQUIRE_HEADERS set
# (comma-separated names) a request missing one is not counted (400).
COUNTING_RECEIVER = r"""
import os, signal, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

required = [h for h in os.environ.get("REQUIRE_HEADERS", "").split(",") if h]
count = 0
lock = threading.Lock()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("content-length", 0)))
        ok = all(self.headers.get(name) for name in required)
        if ok:
            with lock:
                count += 1
        self.send_response(204 if ok else 400)
        self.send_header("content-length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass

ThreadingHTTPServer.request_queue_size = 512  # the default backlog of 5 drops connections
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
def stop(*_):
    print(count, flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print(server.server_address[1], flush=True)
server.serve_forever()
"""

# Never go through an http_proxy from the environment: everything here is on loopback.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def free_ports(count: int) -> list[int]:
    """Ports the kernel hands out for port 0, all held open at once so they are distinct."""
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_http(url: str, timeout: float, pid: int | None) -> None:
    deadline = time.monotonic() + timeout
    last_error: object = None
    while time.monotonic() < deadline:
        if pid is not None and not _alive(pid):
            sys.exit(f"bench: process {pid} exited before {url} answered")
        try:
            with _opener.open(url, timeout=5) as response:
                response.read()
            return
        except urllib.error.HTTPError:
            return  # it answered; the status is checked by whoever fetches the page
        except OSError as exc:
            last_error = exc
            time.sleep(0.2)
    sys.exit(f"bench: {url} did not answer within {timeout:.0f} s ({last_error})")


def fetch(url: str, out: Path, expect_header: str | None, same_as: Path | None) -> None:
    try:
        with _opener.open(url, timeout=30) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        sys.exit(f"bench: GET {url} answered {exc.code}, expected 200")
    except OSError as exc:
        sys.exit(f"bench: GET {url} failed: {exc}")
    if status != 200:
        sys.exit(f"bench: GET {url} answered {status}, expected 200")
    if expect_header:
        name, _, want = expect_header.partition("=")
        got = headers.get(name, "")  # NAME= means: no such header
        if got != want:
            sys.exit(f"bench: GET {url}: header {name} is {got!r}, expected {want!r}")
    if same_as is not None and body != same_as.read_bytes():
        sys.exit(f"bench: GET {url}: body differs from {same_as}")
    out.write_bytes(body)
    log(f"GET {url}: {status}, {len(body)} bytes, content-type {headers.get('Content-Type')}")


def wrk_rps(path: Path) -> float:
    """Requests/sec from wrk's report; exits if the run was not a clean run of 200s."""
    text = path.read_text()
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    total = re.search(r"^\s*(\d+) requests in ", text, re.M)
    if not rps or not total:
        sys.exit(f"bench: cannot parse wrk output in {path}:\n{text}")
    requests = int(total.group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if bad:
        sys.exit(f"bench: {bad.group(1)} of {requests} responses were not 2xx/3xx:\n{text}")
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    if errors:
        n = sum(int(g) for g in errors.groups())
        if n > requests // 100:
            sys.exit(f"bench: {n} socket errors in {requests} requests:\n{text}")
        log(f"note: {n} socket errors in {requests} requests ({errors.group(0)})")
    if requests == 0:
        sys.exit(f"bench: wrk made no requests:\n{text}")
    return float(rps.group(1))


def _children(pid: int) -> list[int]:
    """Direct children of ``pid``, found by each process's parent in /proc/<n>/stat."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            data = stat.read_text()
        except OSError:
            continue  # the process went away
        # The command name is in parentheses and may contain spaces; fields follow the last ')'.
        fields = data[data.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _vm_hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for pid {pid}")


def peak_rss_mb(pids: list[int]) -> float:
    peaks = []
    for parent in pids:
        workers = _children(parent)
        if not workers:
            sys.exit(f"bench: granian process {parent} has no worker processes")
        for pid in workers:
            mb = _vm_hwm_kb(pid) / 1024
            log(f"granian {parent} worker {pid}: VmHWM {mb:.1f} MB")
            peaks.append(mb)
    return max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("free-ports")
    p.add_argument("count", type=int)
    p = sub.add_parser("wait-http")
    p.add_argument("url")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--pid", type=int)
    p = sub.add_parser("fetch")
    p.add_argument("url")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--expect-header")
    p.add_argument("--same-as", type=Path)
    p = sub.add_parser("wrk-rps")
    p.add_argument("file", type=Path)
    p = sub.add_parser("children")
    p.add_argument("pid", type=int)
    p = sub.add_parser("peak-rss")
    p.add_argument("pids", type=int, nargs="+")
    p = sub.add_parser("ratio")
    p.add_argument("a", type=float)
    p.add_argument("b", type=float)
    args = parser.parse_args()

    if args.command == "free-ports":
        print("\n".join(str(port) for port in free_ports(args.count)))
    elif args.command == "wait-http":
        wait_http(args.url, args.timeout, args.pid)
    elif args.command == "fetch":
        fetch(args.url, args.out, args.expect_header, args.same_as)
    elif args.command == "wrk-rps":
        print(f"{wrk_rps(args.file):.0f}")
    elif args.command == "children":
        print("\n".join(str(pid) for pid in _children(args.pid)))
    elif args.command == "peak-rss":
        print(f"{peak_rss_mb(args.pids):.0f}")
    elif args.command == "ratio":
        print(f"{args.a / args.b:.2f}")


if __name__ == "__main__":
    main()

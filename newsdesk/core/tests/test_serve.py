"""`newsdesk serve` (what `make run` ends with): web server and worker start, Ctrl-C stops both."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    found = [int(p) for p in children.stdout.split()]
    return found + [d for child in found for d in descendants(child)]


def test_serve_answers_and_stops_on_ctrl_c(tmp_path):
    # The embedded mode, whatever database the test run itself uses.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"NEWSDESK_VAR": str(tmp_path), "HUEY_IMMEDIATE": "0"})
    subprocess.run([sys.executable, "-m", "newsdesk.manage", "migrate", "-v0"], env=env, check=True)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsdesk.manage", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/en/", timeout=2) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert body is not None and "<html" in body
        tree = descendants(proc.pid)
        assert len(tree) >= 3  # granian, its worker, huey
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        proc.wait(timeout=30)
        alive = tree
        for _ in range(50):  # granian's workers finish their shutdown after the main process
            alive = [pid for pid in alive if os.path.exists(f"/proc/{pid}")]
            if not alive:
                break
            time.sleep(0.2)
        assert alive == []
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    output = proc.stdout.read().decode()
    assert f"newsdesk is running at http://127.0.0.1:{port}/" in output

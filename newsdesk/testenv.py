"""pytest plugin loaded before Django's settings (`-p newsdesk.testenv` in pyproject.toml):
a private var/ directory, inline background tasks and a fixed secret key for the tests."""

import os
import tempfile

# Under pytest-xdist every worker gets its own var/ (file caches, rate-limit counters, locks),
# not the one the controlling process made before it started the workers.
_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _worker:
    os.environ["NEWSDESK_VAR"] = tempfile.mkdtemp(prefix=f"newsdesk-test-{_worker}-")
os.environ.setdefault("NEWSDESK_VAR", tempfile.mkdtemp(prefix="newsdesk-test-"))
os.environ.setdefault("HUEY_IMMEDIATE", "1")
os.environ.setdefault("RELATED_BACKEND", "tfidf")  # embedding every test article: too slow
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)

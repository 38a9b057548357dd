"""pytest plugin loaded before Django's settings (`-p newsdesk.testenv` in pyproject.toml):
a private var/ directory, inline background tasks and a fixed secret key for the tests."""

import os
import tempfile

os.environ.setdefault("NEWSDESK_VAR", tempfile.mkdtemp(prefix="newsdesk-test-"))
os.environ.setdefault("HUEY_IMMEDIATE", "1")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)

"""A throwaway embedded instance (SQLite in a private temp directory) for a benchmark script.

    VAR = instance.setup("newsdesk-bench-related-", RELATED_BACKEND="embedding")
    ...imports of Django models...
    if __name__ == "__main__":
        instance.run(main, VAR, log)

Whatever NEWSDESK_VAR, DATABASE_URL, REDIS_URL and the rest say, the script never touches another
instance; the directory is removed at the end unless BENCH_KEEP=1.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Settings that would point the script at a real instance or change how it runs.
FOREIGN_SETTINGS = (
    "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "EMAIL_HOST", "HUEY_IMMEDIATE", "PAGE_CACHE"
)  # fmt: skip


def setup(prefix: str, *paths: Path, **environ: str) -> str:
    """`environment()`, then Django set up. Returns the directory."""
    var = environment(prefix, *paths, **environ)
    import django

    django.setup()
    return var


def environment(prefix: str, *paths: Path, **environ: str) -> str:
    """Makes the temp directory, sets the environment (plus `environ`) and puts the project and
    `paths` on sys.path. Returns the directory."""
    var = tempfile.mkdtemp(prefix=prefix)
    for name in FOREIGN_SETTINGS:
        os.environ.pop(name, None)
    os.environ.update(
        NEWSDESK_VAR=var,
        DEBUG="0",  # no query log growing in memory
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
        SECRET_KEY="bench-only-" + "x" * 50,
        **environ,
    )
    sys.path[:0] = [str(ROOT), str(ROOT / "bench"), *map(str, paths)]
    return var


def run(main: Callable[[], None], var: str, log: Callable[[str], None]) -> None:
    """Runs `main`, then closes the connections and removes `var` (BENCH_KEEP=1 keeps it)."""
    try:
        main()
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if os.environ.get("BENCH_KEEP") == "1":
            log(f"kept {var}")
        else:
            shutil.rmtree(var, ignore_errors=True)

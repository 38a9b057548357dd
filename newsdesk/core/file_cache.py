"""The embedded mode's shared cache: Django's file cache with atomic add and incr.

Rate limits count with add() and incr(); Django's FileBasedCache does both as read-then-write,
so two processes could each count one request as the first. A lock file makes them atomic
across every process on the machine.
"""

import fcntl
import os
from contextlib import contextmanager

from django.core.cache.backends.filebased import FileBasedCache


class LockingFileCache(FileBasedCache):
    @contextmanager
    def _locked(self):
        os.makedirs(self._dir, exist_ok=True)
        with open(os.path.join(self._dir, "counters.lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, key, value, timeout=300, version=None):
        with self._locked():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        with self._locked():
            return super().incr(key, delta, version)

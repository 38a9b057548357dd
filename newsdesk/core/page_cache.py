"""The anonymous page cache, shared by every process and read before Django's stack.

Three pieces:

- ``PageCacheMiddleware`` (last in MIDDLEWARE) stores a response when the view opted in with
  ``cache_page_with(response, tags)``, the visitor is anonymous and nothing per-user is in it.
- ``FrontCache`` wraps the WSGI application (newsdesk/wsgi.py): an anonymous GET or HEAD whose
  path is stored is answered from the store without entering Django at all.
- ``purge(tags)`` deletes every stored page that carries one of the tags. Actions call it from
  ``transaction.on_commit``; because the store is shared (files under var/ or Redis), the purge is
  seen by every worker process before the action returns.

A page's tags name what it shows: ``article:12`` for each article on it, ``list:home:de`` for a
list, ``author:5`` and so on. Purging exactly those tags purges exactly the pages that show a
changed article.
"""

from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import pickle  # noqa: S403 - only ever reads what this module wrote into our own store
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

# Cookies that mean the visitor may see something personal: skip the cache for them.
PERSONAL_COOKIES = (b"sessionid", b"messages", b"csrftoken")
# Response headers never stored with a cached page.
UNCACHED_HEADERS = {"set-cookie", "vary"}
# Query parameters a cached page may have; any other query is answered but not stored, so that
# random query strings cannot fill the cache.
CACHEABLE_PARAMS = {"page"}
# A safety net; purges do the real work.
MAX_AGE_SECONDS = 24 * 3600
# A process's in-memory copies: bounded in number, and refreshed from the store now and then.
MEMO_MAX_PAGES = 2000
MEMO_MAX_AGE_SECONDS = 300


def raw_key(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def hash_key(raw: str) -> str:
    return hashlib.sha1(raw.encode("utf-8", "surrogateescape"), usedforsecurity=False).hexdigest()


def page_key(path: str, query: str) -> str:
    return hash_key(raw_key(path, query))


class FileStore:
    """Pages as files under one directory, tags as directories of links to page keys.

    Each process also keeps the pages it served in memory (``lookup``). A shared generation
    counter, an 8-byte file every process maps into memory, is bumped by every purge; a process
    that sees a new generation drops its copies before answering. So a purge is seen by every
    process at once, and a hit costs a dictionary lookup instead of a file read.
    """

    def __init__(self, location: str):
        self.root = Path(location)
        self.pages = self.root / "pages"
        self.tags = self.root / "tags"
        self._generation = None
        self._memo: dict[str, tuple] = {}
        self._memo_generation = b""
        self._memo_started = 0.0

    def _generation_map(self) -> mmap.mmap:
        if self._generation is None:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / "generation", os.O_RDWR | os.O_CREAT, 0o644)
            if os.fstat(fd).st_size < 8:
                os.ftruncate(fd, 8)
            self._generation_fd = fd
            self._generation = mmap.mmap(fd, 8)
        return self._generation

    def _bump_generation(self) -> None:
        generation = self._generation_map()
        fcntl.flock(self._generation_fd, fcntl.LOCK_EX)
        try:
            value = int.from_bytes(generation[:8], "little") + 1
            generation[:8] = (value % 2**64).to_bytes(8, "little")
        finally:
            fcntl.flock(self._generation_fd, fcntl.LOCK_UN)

    def lookup(self, raw_key: str) -> tuple | None:
        """(status, headers, body) of a stored page, from this process's memory if it can."""
        generation = self._generation_map()[:8]
        now = time.monotonic()
        if generation != self._memo_generation or now - self._memo_started > MEMO_MAX_AGE_SECONDS:
            self._memo = {}
            self._memo_generation = generation
            self._memo_started = now
        entry = self._memo.get(raw_key)
        if entry is None:
            blob = self.get(hash_key(raw_key))
            if blob is None:
                return None
            entry = pickle.loads(blob)  # noqa: S301 - our own store
            if len(self._memo) >= MEMO_MAX_PAGES:
                self._memo = {}
            self._memo[raw_key] = entry
        return entry

    def get(self, key: str) -> bytes | None:
        try:
            with open(self.pages / key[:2] / key, "rb") as f:
                if time.time() - os.fstat(f.fileno()).st_mtime > MAX_AGE_SECONDS:
                    return None
                return f.read()
        except OSError:
            return None

    def set(self, key: str, blob: bytes, tags: Iterable[str]) -> None:
        # Tags first: a purge that runs between the two steps then still finds the page.
        for tag in tags:
            tag_dir = self.tags / _tag_name(tag)
            tag_dir.mkdir(parents=True, exist_ok=True)
            (tag_dir / key).touch()
        page_dir = self.pages / key[:2]
        page_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=page_dir)
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.replace(tmp, page_dir / key)

    def purge(self, tags: Iterable[str]) -> int:
        removed = 0
        for tag in tags:
            tag_dir = self.tags / _tag_name(tag)
            try:
                keys = os.listdir(tag_dir)
            except OSError:
                continue
            for key in keys:
                try:
                    os.unlink(self.pages / key[:2] / key)
                    removed += 1
                except OSError:
                    pass
                try:
                    os.unlink(tag_dir / key)
                except OSError:
                    pass
        self._bump_generation()
        return removed

    def clear(self) -> None:
        shutil.rmtree(self.pages, ignore_errors=True)
        shutil.rmtree(self.tags, ignore_errors=True)
        self._bump_generation()


class RedisStore:
    def __init__(self, location: str):
        import redis

        self.redis = redis.Redis.from_url(location)
        self.prefix = "newsdesk:page:"

    def get(self, key: str) -> bytes | None:
        return self.redis.get(self.prefix + key)

    def lookup(self, raw_key: str) -> tuple | None:
        # No memory copy here: app servers on other machines purge too, and a per-request
        # generation check would cost the same round trip as the page itself.
        blob = self.get(hash_key(raw_key))
        return None if blob is None else pickle.loads(blob)  # noqa: S301 - our own store

    def set(self, key: str, blob: bytes, tags: Iterable[str]) -> None:
        pipe = self.redis.pipeline()
        for tag in tags:
            pipe.sadd(self.prefix + "tag:" + tag, key)
            pipe.expire(self.prefix + "tag:" + tag, MAX_AGE_SECONDS * 2)
        pipe.set(self.prefix + key, blob, ex=MAX_AGE_SECONDS)
        pipe.execute()

    def purge(self, tags: Iterable[str]) -> int:
        removed = 0
        for tag in tags:
            tag_key = self.prefix + "tag:" + tag
            keys = self.redis.smembers(tag_key)
            if keys:
                removed += self.redis.delete(*(self.prefix + k.decode() for k in keys))
            self.redis.delete(tag_key)
        return removed

    def clear(self) -> None:
        for key in self.redis.scan_iter(self.prefix + "*"):
            self.redis.delete(key)


def _tag_name(tag: str) -> str:
    return tag.replace("/", "_").replace(":", "__")


_store = None


def get_store() -> FileStore | RedisStore:
    global _store
    if _store is None:
        conf = settings.PAGE_CACHE
        _store = (
            RedisStore(conf["LOCATION"])
            if conf["BACKEND"] == "redis"
            else FileStore(conf["LOCATION"])
        )
    return _store


def reset_store() -> None:
    """Forget the store object (tests change settings)."""
    global _store
    _store = None


def purge(tags: Iterable[str]) -> int:
    """Delete every cached page carrying one of ``tags``; returns how many went."""
    return get_store().purge(set(tags))


def clear() -> None:
    get_store().clear()


def cache_page_with(response, tags: Iterable[str]):
    """Mark a response as the same for every anonymous reader, showing what ``tags`` name."""
    response.page_cache_tags = set(tags)
    return response


class PageCacheMiddleware:
    """Stores opted-in anonymous responses for FrontCache to serve.

    First in MIDDLEWARE, so that what it stores carries every header the other middleware add.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        tags = getattr(response, "page_cache_tags", None)
        if (
            tags
            and settings.PAGE_CACHE["ENABLED"]
            and request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and set(request.GET) <= CACHEABLE_PARAMS
            and not request.user.is_authenticated
            and not any(c.encode() in PERSONAL_COOKIES for c in request.COOKIES)
        ):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in UNCACHED_HEADERS
            ]
            headers.append(("X-Page-Cache", "hit"))
            blob = pickle.dumps(("200 OK", headers, response.content), protocol=5)
            key = page_key(request.META["PATH_INFO"], request.META.get("QUERY_STRING", ""))
            get_store().set(key, blob, tags)
            response["X-Page-Cache"] = "miss"
        return response


class FrontCache:
    """WSGI layer before Django: answers stored anonymous pages without touching Django."""

    def __init__(self, app):
        self.app = app
        self.enabled = settings.PAGE_CACHE["ENABLED"]

    def __call__(self, environ, start_response):
        if self.enabled and environ["REQUEST_METHOD"] in ("GET", "HEAD"):
            cookie = environ.get("HTTP_COOKIE", "").encode("latin-1", "replace")
            if not cookie or not any(name in cookie for name in PERSONAL_COOKIES):
                blob = get_store().get(
                    page_key(environ["PATH_INFO"], environ.get("QUERY_STRING", ""))
                )
                if blob is not None:
                    status, headers, body = pickle.loads(blob)  # noqa: S301 - our own store
                    start_response(status, headers)
                    return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return self.app(environ, start_response)

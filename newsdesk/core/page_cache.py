"""The anonymous page cache, shared by every process and read before Django's stack.

Three pieces:

- ``PageCacheMiddleware`` (first in MIDDLEWARE) stores a response when the view opted in with
  ``cache_page_with(response, tags)``, the visitor is anonymous and nothing per-user is in it.
- ``FrontCache`` wraps the WSGI application (newsdesk/wsgi.py): an anonymous GET or HEAD whose
  path is stored is answered from the store without entering Django at all.
- ``purge(tags)`` deletes every stored page that carries one of the tags. Actions call it from
  ``transaction.on_commit``; because the store is shared (files under var/ or Redis), the purge is
  seen by every worker process before the action returns.

A page's tags name what it shows: ``article:12`` for each article on it, ``list:home:de`` for a
list, ``author:5`` and so on. Purging exactly those tags purges exactly the pages that show a
changed article.

Two more promises keep the cache from answering what Django would not:

- A render that started before a purge is never stored after it. Every purge takes the next
  number of a shared sequence and records it on each tag it purges (and ``clear`` on every tag
  at once). The middleware reads the sequence when a request starts and the store refuses a page
  if one of its tags was purged since: the page may show what the purge removed.
- The cache answers only what Django would answer with the same page (``request_key``): a
  Host outside ALLOWED_HOSTS (the SITE_URL's host and loopback) and plain HTTP under an https
  SITE_URL go to Django, which rejects or redirects them. Pages are kept apart by scheme and
  host; and only an empty query or the one query string a view names as canonical
  (``mark_canonical_query``: a list page's ``page=<n>``, see core/pagination.py, or an API
  list's ``lang``/``limit``/``offset``, see api/views.py) is stored, so made-up queries cannot
  fill it.
  A request with an ``Authorization`` header (an API token, or any other credentials) is never
  answered from the store nor stored: Django may answer it differently (a 401, a token's own
  rate-limit headers).

The API's public reads are stored like pages. A stored answer is not counted by the API's
anonymous rate limit (api/throttling.py) and carries no ``RateLimit`` headers: those belong to
the client that was counted, and a hit costs less than counting it would (a write to the shared
cache per request). The limit protects the work done on a miss; floods of hits are for the
front proxy's limits (docs/architecture.md). Conditional requests are answered from the store
as Django would answer them (``get_conditional_response``): 304 for a matching ``If-None-Match``
or an ``If-Modified-Since`` no older than the stored ``Last-Modified``.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import mmap
import os
import pickle  # noqa: S403 - only ever reads what this module wrote into our own store
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.http.request import split_domain_port, validate_host
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

# Cookies that mean the visitor may see something personal: skip the cache for them.
PERSONAL_COOKIES = (b"sessionid", b"messages", b"csrftoken")
# Response headers never stored with a cached page: cookies; Vary (every anonymous visitor
# gets the same stored page); the API's rate-limit state and Retry-After (api/throttling.py),
# which describe the one client that was counted, not the next one.
UNCACHED_HEADERS = {"set-cookie", "vary", "ratelimit", "ratelimit-policy", "retry-after"}
# The queries a view may name as canonical (``mark_canonical_query``): a list page's number,
# an API list's few parameters. Anything else is answered by Django without touching the store.
STORABLE_QUERY = re.compile(r"[a-z_]{1,16}=[0-9a-z-]{1,16}(?:&[a-z_]{1,16}=[0-9a-z-]{1,16}){0,3}")
# Conditional requests the store answers; If-Match and If-Unmodified-Since (412s, rare on GET)
# are left to Django.
PRECONDITION_HEADERS = ("HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")
# A safety net; purges do the real work.
MAX_AGE_SECONDS = 24 * 3600
# How long a purge is remembered per tag (Redis forgets it then); a render that took longer than
# this is not stored, so a forgotten purge can never let a stale page in.
PURGE_MEMORY_SECONDS = 24 * 3600
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

    The generation is also the purge sequence: a purge records the number it is about to become
    in ``purged/<tag>`` (``clear`` in ``cleared``), and ``set`` refuses a page whose request
    started at a lower one. Purges hold an exclusive lock on ``lock`` and stores a shared one, so
    no purge runs between a store's check and its write.
    """

    def __init__(self, location: str):
        self.root = Path(location)
        self.pages = self.root / "pages"
        self.tags = self.root / "tags"
        self.purged = self.root / "purged"
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

    @contextmanager
    def _locked(self, operation: int) -> Iterator[None]:
        # A descriptor of its own each time: flock belongs to the open file, so threads of one
        # process sharing a descriptor would share (and convert) each other's locks.
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, operation)
            yield
        finally:
            os.close(fd)

    def sequence(self) -> int:
        """The purge sequence now; pass it to ``set`` as ``since``."""
        return int.from_bytes(self._generation_map()[:8], "little")

    def _set_generation(self, value: int) -> None:
        # Only under the exclusive lock, and only after the pages are gone: a process that sees
        # the new generation must not find an old page still on disk and keep it in memory.
        self._generation_map()[:8] = (value % 2**64).to_bytes(8, "little")

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

    def _purged_after(self, name: Path, since: int) -> bool:
        try:
            return int(name.read_bytes()) > since
        except FileNotFoundError:
            return False
        except (OSError, ValueError):
            return True  # unreadable: assume the worst, the page is only not stored

    def set(self, key: str, blob: bytes, tags: Iterable[str], *, since: int) -> bool:
        """Store a page unless one of its tags was purged after ``since`` (its request's
        ``sequence()``); returns whether it was stored."""
        tags = list(tags)
        with self._locked(fcntl.LOCK_SH):
            if self._purged_after(self.root / "cleared", since) or any(
                self._purged_after(self.purged / _tag_name(tag), since) for tag in tags
            ):
                return False
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
        return True

    def purge(self, tags: Iterable[str]) -> int:
        removed = 0
        with self._locked(fcntl.LOCK_EX):
            number = self.sequence() + 1
            self.purged.mkdir(parents=True, exist_ok=True)
            for tag in tags:
                _write_file(self.purged / _tag_name(tag), str(number).encode())
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
            self._set_generation(number)
        return removed

    def clear(self) -> None:
        with self._locked(fcntl.LOCK_EX):
            number = self.sequence() + 1
            _write_file(self.root / "cleared", str(number).encode())
            shutil.rmtree(self.pages, ignore_errors=True)
            shutil.rmtree(self.tags, ignore_errors=True)
            # Every request that started before now is refused by "cleared"; those that start
            # after it are newer than every purge recorded so far.
            shutil.rmtree(self.purged, ignore_errors=True)
            self._set_generation(number)


def _write_file(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# KEYS: the page, the clear mark, then each tag's purge mark, then each tag's set of pages.
# ARGV: since, the page, its lifetime, the tag sets' lifetime, the page's key without the prefix.
# One script, so no purge runs between the check and the write.
_REDIS_SET = """
local since = tonumber(ARGV[1])
local n = (#KEYS - 2) / 2
for i = 2, 2 + n do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > since then return 0 end
end
for i = 3 + n, #KEYS do
  redis.call('SADD', KEYS[i], ARGV[5])
  redis.call('EXPIRE', KEYS[i], ARGV[4])
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
"""
# KEYS: the sequence, then pairs of a tag's purge mark and its set of pages.
# ARGV: how long a purge mark lives, the key prefix of pages.
_REDIS_PURGE = """
local number = redis.call('INCR', KEYS[1])
local removed = 0
for i = 2, #KEYS, 2 do
  redis.call('SET', KEYS[i], number, 'EX', ARGV[1])
  for _, key in ipairs(redis.call('SMEMBERS', KEYS[i + 1])) do
    removed = removed + redis.call('DEL', ARGV[2] .. key)
  end
  redis.call('DEL', KEYS[i + 1])
end
return removed
"""

# KEYS: the sequence, the clear mark. ARGV: the mark's lifetime.
_REDIS_CLEAR = """
local number = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], number, 'EX', ARGV[1])
return number
"""


class RedisStore:
    """Pages as Redis strings, tags as sets of page keys, purges as a sequence (``INCR``) with
    each tag's last purge number: the same promises as ``FileStore``, for several machines.
    (The scripts build page keys from the prefix, so this needs one Redis, not a cluster.)"""

    def __init__(self, location: str):
        import redis

        self.redis = redis.Redis.from_url(location)
        self.prefix = "newsdesk:page:"
        self._set_script = self.redis.register_script(_REDIS_SET)
        self._purge_script = self.redis.register_script(_REDIS_PURGE)
        self._clear_script = self.redis.register_script(_REDIS_CLEAR)

    def get(self, key: str) -> bytes | None:
        return self.redis.get(self.prefix + key)

    def lookup(self, raw_key: str) -> tuple | None:
        # No memory copy here: app servers on other machines purge too, and a per-request
        # generation check would cost the same round trip as the page itself.
        blob = self.get(hash_key(raw_key))
        return None if blob is None else pickle.loads(blob)  # noqa: S301 - our own store

    def sequence(self) -> int:
        """The purge sequence now; pass it to ``set`` as ``since``."""
        return int(self.redis.get(self.prefix + "seq") or 0)

    def set(self, key: str, blob: bytes, tags: Iterable[str], *, since: int) -> bool:
        """Store a page unless one of its tags was purged after ``since`` (its request's
        ``sequence()``); returns whether it was stored."""
        tags = list(tags)
        keys = [self.prefix + key, self.prefix + "cleared"]
        keys += [self.prefix + "purged:" + tag for tag in tags]
        keys += [self.prefix + "tag:" + tag for tag in tags]
        args = [since, blob, MAX_AGE_SECONDS, MAX_AGE_SECONDS * 2, key]
        return bool(self._set_script(keys=keys, args=args))

    def purge(self, tags: Iterable[str]) -> int:
        keys = [self.prefix + "seq"]
        for tag in tags:
            keys += [self.prefix + "purged:" + tag, self.prefix + "tag:" + tag]
        return int(self._purge_script(keys=keys, args=[PURGE_MEMORY_SECONDS, self.prefix]))

    def clear(self) -> None:
        # First the mark, in one step with the sequence (a render that started before it is
        # refused from now on, so none can be stored after SCAN passed it), then the rest.
        self._clear_script(
            keys=[self.prefix + "seq", self.prefix + "cleared"], args=[PURGE_MEMORY_SECONDS]
        )
        keep = {(self.prefix + "seq").encode(), (self.prefix + "cleared").encode()}
        for key in self.redis.scan_iter(self.prefix + "*"):
            if key not in keep:
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


def mark_canonical_query(request, query: str) -> None:
    """Say that ``query`` (``page=<n>``) names a page of its own that this view answered, so
    the page may be stored under it; any other query string is answered but never stored."""
    request.page_cache_query = query


def request_key(environ) -> str | None:
    """The store key of a request, or None when the cache must leave it to Django, because
    Django would not answer it with the stored page: a Host outside ALLOWED_HOSTS (Django
    answers 400) or plain HTTP under SECURE_SSL_REDIRECT (Django redirects to https).

    The key holds the scheme (the stored headers differ: HSTS only over https) and the host
    without its port (so that ports cannot multiply the pages), except on the SITE_URL's own
    origin, where it is the path and the query alone (``page_key``).
    """
    rules = _origin_rules()
    scheme = environ.get("wsgi.url_scheme", "")
    if rules.proxy_ssl_header:  # as django.http.HttpRequest.scheme
        header, secure_value = rules.proxy_ssl_header
        value = environ.get(header)
        if value is not None:
            scheme = "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    if rules.ssl_redirect and scheme != "https":
        return None
    # As django.http.HttpRequest._get_raw_host, without the port it adds (the key ignores it).
    if rules.use_x_forwarded_host and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    else:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    domain = _allowed_domain(host)
    if not domain:
        return None
    raw = raw_key(environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""))
    if scheme != rules.site_scheme or domain != rules.site_domain:
        raw = f"{scheme}://{domain}{raw}"
    return hash_key(raw)


class _OriginRules(NamedTuple):
    site_scheme: str
    site_domain: str
    ssl_redirect: bool
    proxy_ssl_header: tuple[str, str] | None
    use_x_forwarded_host: bool
    allowed_hosts: tuple[str, ...]


@functools.cache
def _origin_rules() -> _OriginRules:
    # Read once (every hit needs them); tests that change the settings reset them below.
    site = urlsplit(settings.SITE_URL)
    allowed_hosts = tuple(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed_hosts:  # as django.http.HttpRequest.get_host
        allowed_hosts = (".localhost", "127.0.0.1", "[::1]")
    return _OriginRules(
        site_scheme=site.scheme,
        site_domain=split_domain_port(site.netloc)[0],
        ssl_redirect=settings.SECURE_SSL_REDIRECT,
        proxy_ssl_header=settings.SECURE_PROXY_SSL_HEADER,
        use_x_forwarded_host=settings.USE_X_FORWARDED_HOST,
        allowed_hosts=allowed_hosts,
    )


@functools.lru_cache(maxsize=256)
def _allowed_domain(host: str) -> str:
    """The host's domain if Django accepts the host, else ""."""
    domain, _port = split_domain_port(host)
    return domain if domain and validate_host(domain, _origin_rules().allowed_hosts) else ""


@receiver(setting_changed)
def _forget_origin_rules(**kwargs) -> None:
    _origin_rules.cache_clear()
    _allowed_domain.cache_clear()


def _has_personal_cookie(cookie_header: str) -> bool:
    cookie = cookie_header.encode("latin-1", "replace")
    return bool(cookie) and any(name in cookie for name in PERSONAL_COOKIES)


def _is_anonymous(environ) -> bool:
    """No credentials at all: no session, messages or CSRF cookie, no Authorization header
    (an API token: Django answers it with the token's rate limits, or a 401 for a bad one)."""
    return "HTTP_AUTHORIZATION" not in environ and not _has_personal_cookie(
        environ.get("HTTP_COOKIE", "")
    )


def _is_logged_in(request) -> bool:
    # The API sets ``request.user`` to None for an anonymous client (UNAUTHENTICATED_USER).
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


def _conditional_answer(environ, headers) -> tuple[str, list] | None:
    """Django's answer to a conditional GET or HEAD for a stored page, from the stored ETag and
    Last-Modified: the status and headers of a 304, or None when the page itself is the answer.
    The same function decides as for a page Django renders (api/conditional.py)."""
    stored = HttpResponse()
    for name, value in headers:
        stored[name] = value
    last_modified = stored.get("Last-Modified")
    request = _ConditionalRequest(environ, environ["REQUEST_METHOD"])
    answer = get_conditional_response(
        request,
        etag=stored.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=stored,
    )
    if answer is stored:
        return None
    answer["X-Page-Cache"] = "hit"
    return f"{answer.status_code} {answer.reason_phrase}", list(answer.items())


class _ConditionalRequest(NamedTuple):
    """What get_conditional_response reads of a request. FrontCache leaves requests with
    If-Match or If-Unmodified-Since to Django, so only the 304 branches can be taken here."""

    META: dict
    method: str


class PageCacheMiddleware:
    """Stores opted-in anonymous responses for FrontCache to serve.

    First in MIDDLEWARE, so that what it stores carries every header the other middleware add.
    It reads the purge sequence before the view runs: a purge during the render (an edit, an
    unpublish, a takedown) then keeps the rendered page out of the store.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        since = key = None
        query = request.META.get("QUERY_STRING", "")
        if (
            settings.PAGE_CACHE["ENABLED"]
            and request.method == "GET"
            and (not query or STORABLE_QUERY.fullmatch(query))
            and _is_anonymous(request.META)
        ):
            key = request_key(request.META)
        if key is not None:
            since = (get_store().sequence(), time.monotonic())
        response = self.get_response(request)
        tags = getattr(response, "page_cache_tags", None)
        if (
            since is not None
            and tags
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and (not query or query == getattr(request, "page_cache_query", None))
            and not _is_logged_in(request)
            and time.monotonic() - since[1] < PURGE_MEMORY_SECONDS
        ):
            headers = [
                (name, value)
                for name, value in response.items()
                if name.lower() not in UNCACHED_HEADERS
            ]
            headers.append(("X-Page-Cache", "hit"))
            blob = pickle.dumps(("200 OK", headers, response.content), protocol=5)
            if get_store().set(key, blob, tags, since=since[0]):
                response["X-Page-Cache"] = "miss"
        return response


class FrontCache:
    """WSGI layer before Django: answers stored anonymous pages without touching Django."""

    def __init__(self, app):
        self.app = app
        self.enabled = settings.PAGE_CACHE["ENABLED"]

    def __call__(self, environ, start_response):
        if (
            self.enabled
            and environ["REQUEST_METHOD"] in ("GET", "HEAD")
            and _is_anonymous(environ)
            and not any(name in environ for name in PRECONDITION_HEADERS)
            and (key := request_key(environ)) is not None
        ):
            blob = get_store().get(key)
            if blob is not None:
                status, headers, body = pickle.loads(blob)  # noqa: S301 - our own store
                if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
                    not_modified = _conditional_answer(environ, headers)
                    if not_modified is not None:
                        start_response(*not_modified)
                        return [b""]
                start_response(status, headers)
                return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        return self.app(environ, start_response)

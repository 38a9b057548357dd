"""Both page cache stores keep the same promises: the file store and the real Redis."""

import os
import uuid

import pytest

from newsdesk.core.page_cache import FileStore, RedisStore, hash_key

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_store():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("no Redis on 127.0.0.1:6379 (CI=true makes this a failure)")
    store = RedisStore(REDIS_URL)
    store.prefix = f"newsdesk-test-{uuid.uuid4().hex}:"
    return store


@pytest.fixture(params=["file", "redis"])
def store(request, tmp_path):
    if request.param == "file":
        yield FileStore(str(tmp_path / "pages"))
    else:
        store = redis_store()
        yield store
        for key in store.redis.scan_iter(store.prefix + "*"):
            store.redis.delete(key)


def test_set_get_and_purge_by_tag(store):
    store.set("k1", b"page one", ["article:1", "home:de"], since=store.sequence())
    store.set("k2", b"page two", ["article:2", "home:de"], since=store.sequence())
    store.set("k3", b"page three", ["article:3"], since=store.sequence())
    assert store.get("k1") == b"page one"
    assert store.purge(["article:1"]) == 1
    assert store.get("k1") is None and store.get("k2") == b"page two"
    store.purge(["home:de"])
    assert store.get("k2") is None and store.get("k3") == b"page three"


def test_purging_an_unknown_tag_is_harmless(store):
    assert store.purge(["nothing:here"]) == 0


def test_a_second_process_sees_the_purge(store, tmp_path):
    """Two store objects on the same location stand for two worker processes."""
    other = FileStore(str(store.root)) if isinstance(store, FileStore) else RedisStore(REDIS_URL)
    if isinstance(store, RedisStore):
        other.prefix = store.prefix
    store.set("k", b"x", ["article:9"], since=store.sequence())
    assert other.get("k") == b"x"
    other.purge(["article:9"])
    assert store.get("k") is None


def test_a_processes_memory_copy_is_dropped_when_another_process_purges(store):
    """lookup() may answer from memory, but never after a purge anywhere."""
    import pickle

    other = FileStore(str(store.root)) if isinstance(store, FileStore) else RedisStore(REDIS_URL)
    if isinstance(store, RedisStore):
        other.prefix = store.prefix
    entry = ("200 OK", [("Content-Type", "text/html")], b"<p>old</p>")
    store.set(hash_key("/de/x/"), pickle.dumps(entry), ["article:1"], since=store.sequence())
    assert store.lookup("/de/x/") == entry
    assert store.lookup("/de/x/") == entry  # now from memory (file store)
    other.purge(["article:1"])
    assert store.lookup("/de/x/") is None
    store.set(hash_key("/de/x/"), pickle.dumps(entry), ["article:1"], since=store.sequence())
    assert store.lookup("/de/x/") == entry
    other.clear()
    assert store.lookup("/de/x/") is None


class PurgeSequenceTests:
    def test_a_page_rendered_before_a_purge_of_one_of_its_tags_is_refused(self, store):
        """A request that started before the purge (``since``) cannot store its page after it,
        on either store; pages without a purged tag still go in."""
        since = store.sequence()
        store.purge(["article:1"])
        assert store.set("k1", b"stale", ["home:de", "article:1"], since=since) is False
        assert store.get("k1") is None
        assert store.set("k2", b"fine", ["article:2"], since=since) is True
        assert store.get("k2") == b"fine"
        assert store.set("k1", b"fresh", ["article:1"], since=store.sequence()) is True

    def test_a_page_rendered_before_a_clear_is_refused(self, store):
        since = store.sequence()
        store.clear()
        assert store.set("k", b"stale", ["article:3"], since=since) is False
        assert store.set("k", b"fresh", ["article:3"], since=store.sequence()) is True
        assert store.get("k") == b"fresh"

    def test_another_processes_purge_refuses_the_page(self, store):
        """The sequence and the purge marks are shared: a purge by another worker counts."""
        other = (
            FileStore(str(store.root)) if isinstance(store, FileStore) else RedisStore(REDIS_URL)
        )
        if isinstance(store, RedisStore):
            other.prefix = store.prefix
        since = store.sequence()
        other.purge(["section:4"])
        assert store.sequence() > since
        assert store.set("k", b"stale", ["section:4"], since=since) is False

"""The client's address from REMOTE_ADDR and X-Forwarded-For (core/client_ip.py)."""

import pytest
from django.test import RequestFactory

from newsdesk.core.client_ip import client_ip

NGINX = "127.0.0.1"

CASES = [
    # (trusted proxies, REMOTE_ADDR, X-Forwarded-For or None, client address)
    # No proxy: the header is the client's own word and is ignored.
    (0, "203.0.113.5", None, "203.0.113.5"),
    (0, "203.0.113.5", "198.51.100.1", "203.0.113.5"),
    (0, "203.0.113.5", "198.51.100.1, 198.51.100.2", "203.0.113.5"),
    # nginx appends the address it was connected from; what the client sent before it is ignored.
    (1, NGINX, "198.51.100.7", "198.51.100.7"),
    (1, NGINX, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
    (1, NGINX, "6.6.6.6,198.51.100.7", "198.51.100.7"),
    (1, NGINX, " 2001:DB8:0::1 ", "2001:db8::1"),
    (1, NGINX, "::ffff:198.51.100.7", "198.51.100.7"),
    # Not through the proxy (a health check) or a header that is not an address: REMOTE_ADDR,
    # never an entry the client wrote.
    (1, NGINX, None, NGINX),
    (1, NGINX, "", NGINX),
    (1, NGINX, "unknown", NGINX),
    (1, NGINX, "198.51.100.7, garbage", NGINX),
    (1, NGINX, "198.51.100.7:5000", NGINX),
    (1, NGINX, "198.51.100.7,", NGINX),
    # Two proxies (a CDN, then nginx): the CDN's entry, second from the right.
    (2, NGINX, "6.6.6.6, 198.51.100.7, 192.0.2.10", "198.51.100.7"),
    (2, NGINX, "198.51.100.7", NGINX),
    # A Unix socket leaves REMOTE_ADDR empty: the proxy's header still names the client.
    (1, "", "198.51.100.7", "198.51.100.7"),
    (0, "", None, ""),
    (0, "not-an-address", None, ""),
    (0, "::ffff:203.0.113.5", None, "203.0.113.5"),
]


class ClientIpTests:
    @pytest.mark.parametrize(("count", "remote", "forwarded", "expected"), CASES)
    def test_client_address(self, settings, count, remote, forwarded, expected):
        """The N-th X-Forwarded-For entry from the right with N trusted proxies, else
        REMOTE_ADDR; an address in normal form, or empty when none is known."""
        settings.TRUSTED_PROXY_COUNT = count
        headers = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            headers["HTTP_X_FORWARDED_FOR"] = forwarded
        request = RequestFactory().post("/en/accounts/login/", **headers)
        assert client_ip(request) == expected

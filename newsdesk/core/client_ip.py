"""The client's address, for every per-address limit and record: django-axes, allauth's and
django-ratelimit's rate limits and the newsletter's consent records all call `client_ip`.

Behind a reverse proxy REMOTE_ADDR is the proxy, so every visitor would share one address. Each
proxy appends the address it was connected from to X-Forwarded-For (nginx's
`$proxy_add_x_forwarded_for`); with `TRUSTED_PROXY_COUNT = N` the N-th entry from the right was
written by the outermost of our proxies and is the client. Entries left of it were sent by the
client and prove nothing, so they are never read. With 0 (the default: no proxy) the header is
ignored altogether, since anyone can send it.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address in normal form (`::ffff:192.0.2.1` is `192.0.2.1`).

    Falls back to REMOTE_ADDR when X-Forwarded-For holds fewer entries than there are trusted
    proxies or its entry is not an address: such a request did not come through all of them.
    An empty string when neither is an address (only a misconfigured server sends that).
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(entries) >= count and (address := _address(entries[-count])):
            return address
    return _address(request.META.get("REMOTE_ADDR", ""))


def _address(value: str) -> str:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)

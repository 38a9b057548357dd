"""Where a webhook may go: http or https to a public address, checked when the endpoint is
registered and again at every delivery, and the connection made to the very address checked.

A name is resolved once per attempt; if any of its addresses is not public (loopback, private,
link-local, multicast, reserved, unspecified, shared, IPv4-mapped or translated forms of those)
the target is refused, so a name that answers a public and a private address by turns cannot
slip through. The connection then goes to the checked address with the original name in the
Host header and, for https, in SNI and the certificate check: a second DNS answer (rebinding)
is never asked for. settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS lifts the address check (tests,
a receiver on the same machine or network), not the rest.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from newsdesk.core.errors import ActionRefused

SCHEMES = {"http": 80, "https": 443}


class TargetRefused(ActionRefused):
    """The URL is not one webhooks may be sent to; the message says why."""


@dataclass(frozen=True)
class Target:
    scheme: str
    hostname: str
    port: int
    path: str  # path and query, as sent in the request line
    address: str  # the checked IP address the connection goes to


def _parse(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise TargetRefused(_("This is not a valid URL.")) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise TargetRefused(_("Webhook URLs must start with http:// or https://."))
    if not parts.hostname:
        raise TargetRefused(_("The URL has no host name."))
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(
            _("Put no user name or password in the URL; the signature says who sends.")
        )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, parts.hostname, port or SCHEMES[scheme], path


def refusal_for(address: str) -> str | None:
    """Why `address` may not be connected to, or None if it is a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if ip.is_loopback:
        return _("%(address)s is a loopback address.") % {"address": address}
    if ip.is_unspecified:
        return _("%(address)s is an unspecified address.") % {"address": address}
    if ip.is_link_local:
        return _("%(address)s is a link-local address.") % {"address": address}
    if ip.is_multicast:
        return _("%(address)s is a multicast address.") % {"address": address}
    if ip.is_private:
        return _("%(address)s is a private address.") % {"address": address}
    if ip.is_reserved or not ip.is_global:
        return _("%(address)s is a reserved address.") % {"address": address}
    return None


def _resolve(hostname: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise TargetRefused(
            _("The host name %(host)s could not be resolved.") % {"host": hostname}
        ) from None
    addresses = []
    for _family, _type, _proto, _name, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    if not addresses:
        raise TargetRefused(_("The host name %(host)s has no address.") % {"host": hostname})
    return addresses


def check(url: str, *, allow_private: bool | None = None) -> Target:
    """The target of `url`, resolved and checked; TargetRefused with the reason otherwise.
    `allow_private` (federation passes its own setting) defaults to the webhooks setting."""
    scheme, hostname, port, path = _parse(url)
    addresses = _resolve(hostname, port)
    if allow_private is None:
        allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS
    if not allow_private:
        for address in addresses:
            reason = refusal_for(address)
            if reason:
                raise TargetRefused(
                    _("Webhooks are not sent to %(host)s: %(reason)s")
                    % {"host": hostname, "reason": reason}
                )
    return Target(scheme, hostname, port, path, addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to `address`, with `host` (the URL's name) only in the Host header."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(target.hostname, target.port, timeout=timeout)
        self.address = target.address

    def connect(self):
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to `address`; the URL's name goes into SNI and the certificate check."""

    def __init__(self, target: Target, timeout: float):
        super().__init__(
            target.hostname, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self.address = target.address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def connection(target: Target, *, timeout: float) -> http.client.HTTPConnection:
    """A connection to the checked address (not opened yet). http.client follows no
    redirects: a 3xx is an answer like any other."""
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target, timeout)
    return _PinnedHTTPConnection(target, timeout)

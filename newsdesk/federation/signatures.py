"""HTTP Signatures for the Fediverse: draft-cavage (what Mastodon sends) and RFC 9421.

Pure functions on (method, path or URL, headers, body): no models, no network. The caller looks
up remote keys; `verify_request` asks its `lookup(key_id, refresh=False)` once and, when the
signature does not verify with that key, once more with `refresh=True` (the remote actor may have
rotated its key since we cached it). Every failure, whatever the input, is one `SignatureError`
whose `reason` is a short machine-readable word (REASONS lists them), so the inbox answers 401
and never 500.

draft-cavage (draft-cavage-http-signatures-12, as Mastodon uses it): `Signature: keyId="...",
algorithm="rsa-sha256",headers="(request-target) host date digest",signature="..."`, the body
bound by `Digest: SHA-256=<base64>`, freshness by `Date`. RFC 9421: `Signature-Input` and
`Signature` Structured Field dictionaries, the body bound by `Content-Digest` (RFC 9530),
freshness by the `created` parameter. The few Structured Field (RFC 8941) rules those need are
parsed here, not with a dependency: `http_sf` only comes with a test-only package.
"""

import base64
import binascii
import datetime as dt
import email.utils
import functools
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

# Date / created may be this far from our clock either way: Mastodon's window (it allows 12 h
# for queued retries and slow clocks), which the issue adopts.
MAX_SKEW = dt.timedelta(hours=12)
# No legitimate signature header comes near this; a cap keeps parsing and hashing cheap.
MAX_HEADER_LENGTH = 8192
# More covered components than this is not a real client, just work for us.
MAX_COMPONENTS = 32
# RSA below 2048 bits is breakable; Mastodon and every current server generate 2048 or more.
MIN_RSA_BITS = 2048
# RFC 9421 signatures we make are valid for this long (a delivery is sent right after signing).
RFC9421_LIFETIME = dt.timedelta(minutes=5)

CAVAGE = "draft-cavage"
RFC9421 = "rfc9421"

REASONS = (
    "missing_signature",  # no Signature / Signature-Input header
    "malformed_signature",  # the signature header does not parse
    "header_too_long",  # a signature or covered header is over MAX_HEADER_LENGTH
    "unknown_algorithm",  # not rsa-sha256 / hs2019 / rsa-v1_5-sha256 / rsa-pss-sha512
    "missing_header",  # a covered header is absent from the request
    "headers_not_signed",  # a required component is not covered
    "unsupported_component",  # an RFC 9421 component we do not resolve
    "digest_missing",  # a body without Digest / Content-Digest
    "digest_algorithm",  # the digest uses no algorithm we check
    "digest_mismatch",  # the digest does not match the body
    "digest_not_signed",  # a body whose digest is not covered
    "malformed_date",  # Date / created / expires unreadable
    "stale_date",  # older than the window
    "future_date",  # further in the future than the window
    "expired",  # past its `expires`
    "unknown_key",  # the lookup has no key for the keyId
    "bad_key",  # the key is not an RSA public key of MIN_RSA_BITS
    "bad_signature",  # the signature does not verify
)


class SignatureError(Exception):
    """Why a request's signature was refused; `reason` is one of REASONS."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedSignature:
    key_id: str
    scheme: str  # CAVAGE or RFC9421


class KeyLookup(Protocol):
    """Returns the PEM of `key_id`'s public key, or None when there is none.

    With refresh=True it must fetch the key again instead of answering from its cache. It may
    raise SignatureError (e.g. "unknown_key") itself; any other exception is the caller's bug and
    propagates.
    """

    def __call__(self, key_id: str, *, refresh: bool = False) -> str | bytes | None: ...


Headers = Mapping[str, str] | Iterable[tuple[str, str]]


# --- shared helpers ---------------------------------------------------------------------------


def _items(headers: Headers) -> list[tuple[str, str]]:
    return list(headers.items() if isinstance(headers, Mapping) else headers)


def _headers(headers: Headers) -> dict[str, str]:
    """Lower-cased names; repeated fields joined with ", " (RFC 9110 5.3); values capped."""
    try:
        items = [(name, value) for name, value in _items(headers)]
    except (TypeError, ValueError):
        raise SignatureError("malformed_signature") from None
    out: dict[str, str] = {}
    for name, value in items:
        if not isinstance(name, str) or not isinstance(value, str):
            raise SignatureError("malformed_signature")
        if len(value) > MAX_HEADER_LENGTH:
            raise SignatureError("header_too_long")
        key = name.lower()
        value = value.strip(" \t")
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def _b64decode(value: str, reason: str) -> bytes:
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise SignatureError(reason) from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _check_window(moment: dt.datetime, now: dt.datetime, max_skew: dt.timedelta) -> None:
    if moment < now - max_skew:
        raise SignatureError("stale_date")
    if moment > now + max_skew:
        raise SignatureError("future_date")


def _timestamp(value: object) -> dt.datetime:
    if type(value) is not int:
        raise SignatureError("malformed_date")
    try:
        return dt.datetime.fromtimestamp(value, dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise SignatureError("malformed_date") from None


@functools.lru_cache(maxsize=256)
def _public_key(pem: bytes) -> rsa.RSAPublicKey:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise SignatureError("bad_key") from None
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < MIN_RSA_BITS:
        raise SignatureError("bad_key")
    return key


@functools.lru_cache(maxsize=16)
def _private_key_from_pem(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("an RSA private key is required")
    return key


def _private_key(key: str | bytes | rsa.RSAPrivateKey) -> rsa.RSAPrivateKey:
    if isinstance(key, rsa.RSAPrivateKey):
        return key
    return _private_key_from_pem(key.encode() if isinstance(key, str) else key)


def _verify_with_refresh(
    key_id: str, lookup: KeyLookup, verify: Callable[[rsa.RSAPublicKey], None]
) -> None:
    """Verify with the cached key; on any failure fetch the key once more and try again."""
    pem = lookup(key_id, refresh=False)
    if pem is not None:
        try:
            verify(_public_key(pem.encode() if isinstance(pem, str) else pem))
            return
        except (SignatureError, InvalidSignature):
            pass
    pem = lookup(key_id, refresh=True)
    if pem is None:
        raise SignatureError("unknown_key")
    key = _public_key(pem.encode() if isinstance(pem, str) else pem)
    try:
        verify(key)
    except InvalidSignature:
        raise SignatureError("bad_signature") from None


def _pkcs1_sha256(signature: bytes, data: bytes) -> Callable[[rsa.RSAPublicKey], None]:
    return lambda key: key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())


def _pss_sha512(signature: bytes, data: bytes) -> Callable[[rsa.RSAPublicKey], None]:
    # RFC 9421 3.3.1: MGF1 with SHA-512 and a 64-byte salt.
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
    return lambda key: key.verify(signature, data, pss, hashes.SHA512())


def _target(url: str) -> tuple[str, str, str]:
    """(scheme, authority, path with query) of an absolute URL."""
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme.lower(), parts.netloc.lower(), path


def _with(items: list[tuple[str, str]], added: dict[str, str]) -> dict[str, str]:
    """`items` plus `added`, replacing any same-named header whatever its case."""
    lowered = {name.lower() for name in added}
    out = {name: value for name, value in items if name.lower() not in lowered}
    out.update(added)
    return out


# --- draft-cavage -----------------------------------------------------------------------------

_CAVAGE_PARAM = re.compile(r'[ \t]*([A-Za-z]+)=(?:"([^"\\]*)"|([0-9]{1,15}))[ \t]*(?:,|$)')
_CAVAGE_ALGORITHMS = {"rsa-sha256", "hs2019"}


def _cavage_params(value: str) -> dict[str, str]:
    params: dict[str, str] = {}
    pos = 0
    while pos < len(value):
        match = _CAVAGE_PARAM.match(value, pos)
        if not match or match.end() == pos:
            raise SignatureError("malformed_signature")
        name = match.group(1)
        if name in params:
            raise SignatureError("malformed_signature")
        params[name] = match.group(2) if match.group(2) is not None else match.group(3)
        pos = match.end()
    if not params.get("keyId") or not params.get("signature"):
        raise SignatureError("malformed_signature")
    return params


def _cavage_signing_string(
    method: str, path: str, headers: dict[str, str], names: list[str], params: dict[str, str]
) -> str:
    lines = []
    for name in names:
        if name == "(request-target)":
            value = f"{method.lower()} {path}"
        elif name in ("(created)", "(expires)"):
            value = params.get(name[1:-1], "")
            if not value.isdigit():
                raise SignatureError("malformed_signature")
        elif name in headers:
            value = headers[name]
        else:
            raise SignatureError("missing_header")
        lines.append(f"{name}: {value}")
    return "\n".join(lines)


def _sha256_digest_header(body: bytes) -> str:
    return "SHA-256=" + _b64(hashlib.sha256(body).digest())


def _check_cavage_digest(headers: dict[str, str], body: bytes) -> None:
    if "digest" not in headers:
        if body:
            raise SignatureError("digest_missing")
        return
    # `Digest: SHA-256=<b64>[, SHA-512=<b64>]` (RFC 3230); the base64 may itself contain "=".
    for part in headers["digest"].split(","):
        algorithm, sep, value = part.strip().partition("=")
        if sep and algorithm.lower() == "sha-256":
            expected = hashlib.sha256(body).digest()
            if not hmac.compare_digest(_b64decode(value, "digest_mismatch"), expected):
                raise SignatureError("digest_mismatch")
            return
    raise SignatureError("digest_algorithm")


def sign_cavage(
    method: str,
    url: str,
    headers: Headers,
    body: bytes | None,
    key_id: str,
    private_key_pem: str | bytes | rsa.RSAPrivateKey,
    *,
    now: dt.datetime | None = None,
) -> dict[str, str]:
    """`headers` plus Host, Date (kept if given), Digest (when there is a body) and Signature.

    A GET (body None) signs "(request-target) host date", a POST also "digest", as Mastodon
    requires.
    """
    if '"' in key_id:
        raise ValueError("a keyId cannot contain a double quote")
    items = _items(headers)
    _, host, path = _target(url)
    given = _headers(items)
    added = {
        "Host": host,
        "Date": given.get("date") or email.utils.format_datetime(_now(now), True),
    }
    names = ["(request-target)", "host", "date"]
    if body is not None:
        added["Digest"] = _sha256_digest_header(body)
        names.append("digest")
    signed = {**given, **{name.lower(): value for name, value in added.items()}}
    string = _cavage_signing_string(method, path, signed, names, {})
    signature = _private_key(private_key_pem).sign(
        string.encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    added["Signature"] = (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{_b64(signature)}"'
    )
    return _with(items, added)


def verify_cavage(
    method: str,
    path_with_query: str,
    headers: Headers,
    body: bytes | None,
    public_key_lookup: KeyLookup,
    *,
    now: dt.datetime | None = None,
    max_skew: dt.timedelta = MAX_SKEW,
) -> VerifiedSignature:
    """Check a draft-cavage `Signature` (or `Authorization: Signature ...`) header.

    `path_with_query` is the request target as the client sent it (Django's
    `request.get_full_path()`), which (request-target) covers.
    """
    fields = _headers(headers)
    body = body or b""
    value = fields.get("signature")
    if value is None and fields.get("authorization", "").startswith("Signature "):
        value = fields["authorization"].removeprefix("Signature ")
    if value is None:
        raise SignatureError("missing_signature")
    params = _cavage_params(value)
    if params.get("algorithm", "hs2019").lower() not in _CAVAGE_ALGORITHMS:
        raise SignatureError("unknown_algorithm")
    # The draft's default is "date" alone, which binds neither the path nor the host.
    names = params.get("headers", "date").lower().split()
    if len(names) > MAX_COMPONENTS or len(set(names)) != len(names):
        raise SignatureError("malformed_signature")
    if not {"(request-target)", "host", "date"} <= set(names):
        raise SignatureError("headers_not_signed")
    _check_cavage_digest(fields, body)
    if body and "digest" not in names:
        raise SignatureError("digest_not_signed")
    signature = _b64decode(params["signature"], "malformed_signature")
    string = _cavage_signing_string(method, path_with_query, fields, names, params)
    try:
        date = email.utils.parsedate_to_datetime(fields["date"])
    except (TypeError, ValueError, IndexError, OverflowError):
        raise SignatureError("malformed_date") from None
    if date.tzinfo is None:
        raise SignatureError("malformed_date")
    now = _now(now)
    _check_window(date, now, max_skew)
    if "expires" in params:
        if not params["expires"].isascii() or not params["expires"].isdigit():
            raise SignatureError("malformed_date")
        if _timestamp(int(params["expires"])) < now:
            raise SignatureError("expired")
    _verify_with_refresh(
        params["keyId"], public_key_lookup, _pkcs1_sha256(signature, string.encode())
    )
    return VerifiedSignature(key_id=params["keyId"], scheme=CAVAGE)


# --- Structured Fields (RFC 8941), the subset RFC 9421 signatures use ---------------------------


class Token(str):
    """An sf-token, kept apart from an sf-string because they serialize differently."""


_KEY = re.compile(r"[a-z*][a-z0-9_\-.*]*")
_TOKEN = re.compile(r"[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*")
_INTEGER = re.compile(r"-?[0-9]{1,15}(?![0-9.])")
_BYTES = re.compile(r":([A-Za-z0-9+/=]*):")

Item = tuple[object, dict[str, object]]  # (bare value or list of items, parameters)


class _Parser:
    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def fail(self):
        raise SignatureError("malformed_signature")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip(self, chars: str) -> None:
        while self.peek() and self.peek() in chars:
            self.pos += 1

    def match(self, pattern: re.Pattern) -> re.Match:
        found = pattern.match(self.text, self.pos)
        if not found:
            self.fail()
        self.pos = found.end()
        return found

    def dictionary(self) -> dict[str, Item]:
        out: dict[str, Item] = {}
        self.skip(" ")
        while self.pos < len(self.text):
            key = self.match(_KEY).group()
            if key in out:  # two signatures with one label: which one was meant?
                self.fail()
            if self.peek() == "=":
                self.pos += 1
                out[key] = self.member()
            else:
                out[key] = (True, self.params())
            self.skip(" \t")
            if self.pos == len(self.text):
                break
            if self.peek() != ",":
                self.fail()
            self.pos += 1
            self.skip(" \t")
            if self.pos == len(self.text):
                self.fail()
        return out

    def member(self) -> Item:
        if self.peek() != "(":
            return self.bare(), self.params()
        self.pos += 1
        items: list[Item] = []
        while True:
            self.skip(" ")
            if self.peek() == ")":
                self.pos += 1
                return items, self.params()
            items.append((self.bare(), self.params()))
            if len(items) > MAX_COMPONENTS or self.peek() not in (" ", ")"):
                self.fail()

    def params(self) -> dict[str, object]:
        params: dict[str, object] = {}
        while self.peek() == ";":
            self.pos += 1
            self.skip(" ")
            key = self.match(_KEY).group()
            value: object = True
            if self.peek() == "=":
                self.pos += 1
                value = self.bare()
            params[key] = value
        return params

    def bare(self) -> object:
        char = self.peek()
        if char == '"':
            return self.string()
        if char == ":":
            return _b64decode(self.match(_BYTES).group(1), "malformed_signature")
        if char == "?":
            value = self.text[self.pos + 1 : self.pos + 2]
            if value not in ("0", "1"):
                self.fail()
            self.pos += 2
            return value == "1"
        if char == "-" or char.isdigit():
            return int(self.match(_INTEGER).group())
        return Token(self.match(_TOKEN).group())

    def string(self) -> str:
        self.pos += 1
        chars = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            self.pos += 1
            if char == "\\":
                escaped = self.peek()
                if escaped not in ('"', "\\"):
                    self.fail()
                chars.append(escaped)
                self.pos += 1
            elif char == '"':
                return "".join(chars)
            elif not " " <= char <= "~":
                self.fail()
            else:
                chars.append(char)
        self.fail()


def _sf_bare(value: object) -> str:
    if value is True or value is False:
        return "?1" if value else "?0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, bytes):
        return f":{_b64(value)}:"
    if isinstance(value, Token):
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _sf_params(params: dict[str, object]) -> str:
    return "".join(f";{k}" if v is True else f";{k}={_sf_bare(v)}" for k, v in params.items())


def _sf_inner_list(items: list[Item], params: dict[str, object]) -> str:
    inner = " ".join(_sf_bare(value) + _sf_params(p) for value, p in items)
    return f"({inner}){_sf_params(params)}"


# --- RFC 9421 ---------------------------------------------------------------------------------

_RFC9421_ALGORITHMS = {"rsa-v1_5-sha256": _pkcs1_sha256, "rsa-pss-sha512": _pss_sha512}
_CONTENT_DIGESTS = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


def _derived(name: str, method: str, scheme: str, authority: str, path: str) -> str:
    bare_path, _, query = path.partition("?")
    values = {
        "@method": method.upper(),
        "@target-uri": f"{scheme}://{authority}{path}",
        "@authority": authority,
        "@scheme": scheme,
        "@request-target": path,
        "@path": bare_path or "/",
        "@query": f"?{query}",
    }
    if name not in values:
        raise SignatureError("unsupported_component")
    return values[name]


def _authority(host: str, scheme: str) -> str:
    """RFC 9421 2.2.3: lower-cased, without the scheme's default port."""
    host = host.lower()
    default = {"https": ":443", "http": ":80"}.get(scheme)
    return host.removesuffix(default) if default else host


def _signature_base(
    components: list[Item],
    params: dict[str, object],
    method: str,
    scheme: str,
    authority: str,
    path: str,
    fields: dict[str, str],
) -> bytes:
    lines = []
    for name, component_params in components:
        if not isinstance(name, str) or isinstance(name, Token) or component_params:
            raise SignatureError("unsupported_component")
        if name.startswith("@"):
            value = _derived(name, method, scheme, authority, path)
        elif name in fields:
            value = fields[name]
        else:
            raise SignatureError("missing_header")
        lines.append(f'"{name}": {value}')
    lines.append(f'"@signature-params": {_sf_inner_list(components, params)}')
    base = "\n".join(lines)
    if not base.isascii():
        raise SignatureError("malformed_signature")
    return base.encode()


def _check_content_digest(fields: dict[str, str], body: bytes) -> None:
    if "content-digest" not in fields:
        if body:
            raise SignatureError("digest_missing")
        return
    try:
        digests = _Parser(fields["content-digest"]).dictionary()
    except SignatureError:
        raise SignatureError("digest_mismatch") from None
    checked = False
    for algorithm, (value, _) in digests.items():
        if algorithm in _CONTENT_DIGESTS:
            if not isinstance(value, bytes):
                raise SignatureError("digest_mismatch")
            if not hmac.compare_digest(value, _CONTENT_DIGESTS[algorithm](body).digest()):
                raise SignatureError("digest_mismatch")
            checked = True
    if not checked:
        raise SignatureError("digest_algorithm")


def sign_rfc9421(
    method: str,
    url: str,
    headers: Headers,
    body: bytes | None,
    key_id: str,
    private_key_pem: str | bytes | rsa.RSAPrivateKey,
    *,
    now: dt.datetime | None = None,
    label: str = "sig1",
    algorithm: str = "rsa-v1_5-sha256",
) -> dict[str, str]:
    """`headers` plus Content-Digest (when there is a body), Signature-Input and Signature.

    Covers "@method" "@target-uri" "@authority" and, with a body, "content-digest"; `created`
    and `expires` bound its freshness (no Date needed).
    """
    if algorithm not in _RFC9421_ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm}")
    items = _items(headers)
    scheme, netloc, path = _target(url)
    authority = _authority(netloc, scheme)
    added: dict[str, str] = {}
    names = ["@method", "@target-uri", "@authority"]
    if body is not None:
        added["Content-Digest"] = f"sha-256=:{_b64(hashlib.sha256(body).digest())}:"
        names.append("content-digest")
    created = int(_now(now).timestamp())
    params: dict[str, object] = {
        "created": created,
        "expires": created + int(RFC9421_LIFETIME.total_seconds()),
        "keyid": key_id,
        "alg": algorithm,
    }
    components: list[Item] = [(name, {}) for name in names]
    fields = {**_headers(items), **{k.lower(): v for k, v in added.items()}}
    base = _signature_base(components, params, method, scheme, authority, path, fields)
    key = _private_key(private_key_pem)
    if algorithm == "rsa-pss-sha512":
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
        signature = key.sign(base, pss, hashes.SHA512())
    else:
        signature = key.sign(base, padding.PKCS1v15(), hashes.SHA256())
    added["Signature-Input"] = f"{label}={_sf_inner_list(components, params)}"
    added["Signature"] = f"{label}=:{_b64(signature)}:"
    return _with(items, added)


def _pick_label(inputs: dict[str, Item], signatures: dict[str, Item]) -> str:
    """ "sig1" when present (what Mastodon and most clients send), else the first label."""
    if not inputs:
        raise SignatureError("malformed_signature")
    label = "sig1" if "sig1" in inputs else next(iter(inputs))
    if label not in signatures:
        raise SignatureError("malformed_signature")
    return label


def verify_rfc9421(
    method: str,
    path_with_query: str,
    headers: Headers,
    body: bytes | None,
    public_key_lookup: KeyLookup,
    *,
    now: dt.datetime | None = None,
    max_skew: dt.timedelta = MAX_SKEW,
    scheme: str = "https",
) -> VerifiedSignature:
    """Check an RFC 9421 signature; `scheme` is how the request reached us (for @target-uri)."""
    fields = _headers(headers)
    body = body or b""
    if "signature-input" not in fields or "signature" not in fields:
        raise SignatureError("missing_signature")
    inputs = _Parser(fields["signature-input"]).dictionary()
    signatures = _Parser(fields["signature"]).dictionary()
    label = _pick_label(inputs, signatures)
    components, params = inputs[label]
    signature, _ = signatures[label]
    if not isinstance(components, list) or not isinstance(signature, bytes):
        raise SignatureError("malformed_signature")
    key_id = params.get("keyid")
    if not isinstance(key_id, str) or isinstance(key_id, Token) or not key_id:
        raise SignatureError("malformed_signature")
    algorithm = params.get("alg", "rsa-v1_5-sha256")
    if algorithm not in _RFC9421_ALGORITHMS:
        raise SignatureError("unknown_algorithm")
    names = [name for name, _ in components]
    if len(set(map(str, names))) != len(names):
        raise SignatureError("malformed_signature")
    covers_target = "@target-uri" in names or {"@path", "@authority"} <= set(names)
    if "@method" not in names or not covers_target:
        raise SignatureError("headers_not_signed")
    _check_content_digest(fields, body)
    if body and "content-digest" not in names:
        raise SignatureError("digest_not_signed")
    if "created" not in params:
        raise SignatureError("malformed_date")
    now = _now(now)
    _check_window(_timestamp(params["created"]), now, max_skew)
    if "expires" in params and _timestamp(params["expires"]) < now:
        raise SignatureError("expired")
    if not fields.get("host"):
        raise SignatureError("missing_header")
    authority = _authority(fields["host"], scheme)
    base = _signature_base(components, params, method, scheme, authority, path_with_query, fields)
    _verify_with_refresh(key_id, public_key_lookup, _RFC9421_ALGORITHMS[algorithm](signature, base))
    return VerifiedSignature(key_id=key_id, scheme=RFC9421)


# --- the inbox's entry point ------------------------------------------------------------------


def verify_request(
    method: str,
    path: str,
    headers: Headers,
    body: bytes | None,
    lookup: KeyLookup,
    *,
    now: dt.datetime | None = None,
    max_skew: dt.timedelta = MAX_SKEW,
    scheme: str = "https",
) -> VerifiedSignature:
    """Verify whichever scheme the request uses: RFC 9421 when it has Signature-Input."""
    fields = _headers(headers)
    if "signature-input" in fields:
        return verify_rfc9421(
            method, path, fields, body, lookup, now=now, max_skew=max_skew, scheme=scheme
        )
    return verify_cavage(method, path, fields, body, lookup, now=now, max_skew=max_skew)

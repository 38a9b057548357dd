"""The subscriber's link token: the secret in the manage, one-click and mailto unsubscribe links
of every newsletter.

The token is `<nonce><mac>`: the nonce is random per subscriber and stored (it finds the row),
the mac is HMAC-SHA256(SECRET_KEY, nonce) and stored nowhere. A copy of the database alone
opens no subscriber's page, while the send loop makes each recipient's token from the row it
already reads, with one HMAC and no query.

Unlike the reports' status links (nonce and the token's hash, see reports/tokens.py), the mac is
checked by recomputing it rather than by a stored hash: every newsletter repeats the link, so a
new SECRET_KEY must give working links in the next issue at once, and links in older mails keep
working while the old key is in SECRET_KEY_FALLBACKS.

Tokens made before this scheme (random, stored in clear) were replaced by their SHA-256 in
`legacy_token_hash` (migration 0003), so the links in mails already sent keep working.
"""

import hashlib
import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

# 80 random bits: unique among any number of subscribers a newsroom will have (the unique
# constraint backs it); it is not the secret part.
NONCE_BYTES = 10
# 128 bits of HMAC: the part that cannot be guessed or read from the database.
MAC_HEX = 32
TOKEN_LENGTH = 2 * NONCE_BYTES + MAC_HEX
_SALT = "newsdesk.newsletter.subscriber-link"
_HEX = frozenset("0123456789abcdef")


def new_nonce() -> str:
    return secrets.token_hex(NONCE_BYTES)


def _mac(nonce: str, secret: str | bytes) -> str:
    return salted_hmac(_SALT, nonce, secret=secret, algorithm="sha256").hexdigest()[:MAC_HEX]


def link_token(nonce: str) -> str:
    """The token in the links of the subscriber with `nonce` (with the current SECRET_KEY)."""
    return nonce + _mac(nonce, settings.SECRET_KEY)


def nonce_of(token: str) -> str | None:
    """The nonce of a well-formed token whose mac is right (for SECRET_KEY or a fallback);
    None for anything else."""
    if len(token) != TOKEN_LENGTH or not _HEX.issuperset(token):
        return None
    nonce, mac = token[: 2 * NONCE_BYTES], token[2 * NONCE_BYTES :]
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        if constant_time_compare(mac, _mac(nonce, secret)):
            return nonce
    return None


def legacy_hash(token: str) -> str:
    """SHA-256 of a token from before this scheme, as migration 0003 stored it."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()

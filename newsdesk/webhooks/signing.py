"""Signatures per the Standard Webhooks specification (https://www.standardwebhooks.com/).

A secret is "whsec_" + the base64 of 32 random bytes; the HMAC key is those bytes. Each request
carries `webhook-id` (the event's id), `webhook-timestamp` (Unix seconds, of this attempt) and
`webhook-signature`: "v1,<base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'>", one per secret in
use, separated by spaces (two while a rotated-out secret is still valid), so a receiver that
still has the old secret keeps verifying.
"""

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - the public part of every secret
SECRET_BYTES = 32


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, *, msg_id: str, timestamp: int, body: str) -> str:
    """One "v1,<base64>" signature of the body under `secret`."""
    signed = f"{msg_id}.{timestamp}.{body}".encode()
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_in_use: list[str], *, msg_id: str, timestamp: int, body: str) -> dict:
    """The three Standard Webhooks headers, signed with every secret in use."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(s, msg_id=msg_id, timestamp=timestamp, body=body) for s in secrets_in_use
        ),
    }

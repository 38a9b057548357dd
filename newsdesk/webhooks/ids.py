"""Event ids: "msg_" + a ULID (48 bits of milliseconds, 80 random bits, Crockford base32), so
ids sort by time and never collide across processes."""

import secrets
import time

PREFIX = "msg_"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_event_id() -> str:
    value = (time.time_ns() // 1_000_000) << 80 | secrets.randbits(80)
    chars = []
    for _i in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return PREFIX + "".join(reversed(chars))

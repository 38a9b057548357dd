"""Case numbers and the reporter's status page token.

Case numbers are `R-<year>-<six random digits>`: random rather than sequential, so that a
reporter cannot read the site's report volume from their number (the transparency page
publishes the counts instead). The unique constraint backs the check for a taken number.

The status page token is HMAC(SECRET_KEY, nonce), where the nonce is random per report. The
database keeps the nonce and the token's SHA-256, never the token: a copy of the database alone
opens no status page, while every mail to the reporter can repeat the link. Rotating
SECRET_KEY invalidates the links (the reporter can write to the reports address).
"""

import hashlib
import secrets

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from newsdesk.reports.models import Report

CASE_DIGITS = 6
_SALT = "newsdesk.reports.status-token"


def new_case_number() -> str:
    year = timezone.now().year
    while True:
        number = f"R-{year}-{secrets.randbelow(10**CASE_DIGITS):0{CASE_DIGITS}d}"
        if not Report.objects.filter(case_number=number).exists():
            return number


def new_nonce() -> str:
    return secrets.token_hex(16)


def token_for(nonce: str) -> str:
    return salted_hmac(_SALT, nonce, algorithm="sha256").hexdigest()[:40]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return constant_time_compare(hash_token(token), stored_hash)

"""ETag and Last-Modified on every successful read, with 304 for a client that has it.

The ETag is a hash of the body itself, so it changes with anything shown (a tag renamed, a
translation published), not only with the article's own row. Last-Modified is the newest
`updated_at` shown; If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2), so a client
sending the ETag also learns of an article that left a list.
"""

import hashlib

from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag


def conditional(request, response, last_modified):
    """`response` (rendered) with the validators, or a 304 for a matching conditional GET."""
    response.render()
    etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    response["ETag"] = etag
    timestamp = int(last_modified.timestamp()) if last_modified else None
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    return get_conditional_response(request, etag=etag, last_modified=timestamp, response=response)

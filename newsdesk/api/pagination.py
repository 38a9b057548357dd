"""`limit`/`offset` pages: `{"data": [...], "meta": {"pagination": {...}}}` and a Link header.

A `limit` out of range is an error (400), never quietly cut to the maximum: a client that asks
for 500 and silently gets 100 would believe it has everything.
"""

from urllib.parse import urlencode

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

DEFAULT_LIMIT = 20
# A page of 100 full articles is already a few megabytes.
MAX_LIMIT = 100
# Past this no database takes the OFFSET (and no client pages that far).
MAX_OFFSET = 1_000_000_000


def _integer(request, name: str, default: int, low: int, high: int | None) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw == "":
        raise ValidationError({name: ["may not be empty"]})
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        raise ValidationError({name: [f"must be a whole number from {low}, not {raw[:40]!r}"]})
    value = int(raw)
    if value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        raise ValidationError({name: [f"must be {bounds}, not {value}"]})
    return value


# The page parameters of every list operation, with the bounds `page_bounds` enforces, so that
# the schema does not promise what is a 400.
PAGE_PARAMETERS = [
    OpenApiParameter(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
        description=f"1 to {MAX_LIMIT}, default {DEFAULT_LIMIT}",
    ),
    OpenApiParameter(
        "offset",
        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
        description="items to skip, default 0",
    ),
]


def page_bounds(request) -> tuple[int, int]:
    """(limit, offset) from the query string; a ValidationError (400) for bad ones."""
    limit = _integer(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _integer(request, "offset", 0, 0, MAX_OFFSET)
    return limit, offset


def _url(request, **changes) -> str:
    params = request.query_params.copy()
    for name, value in changes.items():
        params[name] = str(value)
    return f"{settings.SITE_URL}{request.path}?{urlencode(sorted(params.lists()), doseq=True)}"


def paginated(request, items: list, *, total: int, limit: int, offset: int):
    """The body and the Link header value (or "") for one page of `items`."""
    next_url = _url(request, limit=limit, offset=offset + limit) if offset + limit < total else None
    previous_url = _url(request, limit=limit, offset=max(0, offset - limit)) if offset else None
    links = [
        f'<{url}>; rel="{rel}"'
        for rel, url in (("next", next_url), ("prev", previous_url))
        if url is not None
    ]
    body = {
        "data": items,
        "meta": {
            "pagination": {
                "limit": limit,
                "offset": offset,
                "total": total,
                "next": next_url,
                "previous": previous_url,
            }
        },
    }
    return body, ", ".join(links)

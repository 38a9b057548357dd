"""Rate limits: anonymously per client address (core.client_ip, so TRUSTED_PROXY_COUNT
counts, API_ANONYMOUS_RATE), with a token per token (API_TOKEN_RATE), counted by
django-ratelimit in the shared cache like the site's form limits.

Headers follow draft-ietf-httpapi-ratelimit-headers (quota `q` per window `w` seconds,
remaining `r`, seconds to reset `t`), on every API answer Django gives, 429s included.

An anonymous read answered from the page cache (`X-Page-Cache: hit`, core/page_cache.py) never
reaches this throttle: it is not counted and has no RateLimit headers, which describe the client
that was counted and are never stored. That is deliberate: the limit guards the database and
the rendering a miss costs, a hit costs a file read, and counting it (a write to the shared
cache per request) would cost more than answering it. Floods of cached reads are for the front
proxy's limits (docs/architecture.md). With a token every request reaches Django and counts.
"""

from django.conf import settings
from django_ratelimit.core import _split_rate, get_usage
from rest_framework.throttling import BaseThrottle

from newsdesk.core.client_ip import client_ip


def _client_key(group, request) -> str:
    return client_ip(request)


def _token_key(group, request) -> str:
    return str(request.auth.pk)


class ApiRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        if request.auth is not None:
            policy, key, rate = "token", _token_key, settings.API_TOKEN_RATE
        else:
            policy, key, rate = "anonymous", _client_key, settings.API_ANONYMOUS_RATE
        usage = get_usage(request, group=f"api:{policy}", key=key, rate=rate, increment=True)
        if usage is None:  # RATELIMIT_ENABLE is off
            return True
        limit, window = _split_rate(rate)
        self.time_left = max(1, usage["time_left"])
        # Read by views.ApiView.finalize_response for the headers.
        request.rate_limit = {
            "policy": f'"{policy}";q={limit};w={window}',
            "state": f'"{policy}";r={max(0, limit - usage["count"])};t={self.time_left}',
        }
        return not usage["should_limit"]

    def wait(self) -> float:
        return self.time_left


def add_headers(request, response) -> None:
    state = getattr(request, "rate_limit", None)
    if state:
        response["RateLimit-Policy"] = state["policy"]
        response["RateLimit"] = state["state"]

"""The anonymous rate limit: per client address (core.client_ip, so TRUSTED_PROXY_COUNT
counts), counted by django-ratelimit in the shared cache like the site's form limits.

Headers follow draft-ietf-httpapi-ratelimit-headers (quota `q` per window `w` seconds,
remaining `r`, seconds to reset `t`), on every API answer, 429s included.
"""

from django.conf import settings
from django_ratelimit.core import _split_rate, get_usage
from rest_framework.throttling import BaseThrottle

from newsdesk.core.client_ip import client_ip

POLICY = "anonymous"
GROUP = "api:anonymous"


def _key(group, request) -> str:
    return client_ip(request)


class AnonymousRateThrottle(BaseThrottle):
    def allow_request(self, request, view) -> bool:
        rate = settings.API_ANONYMOUS_RATE
        usage = get_usage(request, group=GROUP, key=_key, rate=rate, increment=True)
        if usage is None:  # RATELIMIT_ENABLE is off
            return True
        limit, window = _split_rate(rate)
        self.time_left = max(1, usage["time_left"])
        # Read by views.ApiView.finalize_response for the headers.
        request.rate_limit = {
            "policy": f'"{POLICY}";q={limit};w={window}',
            "state": f'"{POLICY}";r={max(0, limit - usage["count"])};t={self.time_left}',
        }
        return not usage["should_limit"]

    def wait(self) -> float:
        return self.time_left


def add_headers(request, response) -> None:
    state = getattr(request, "rate_limit", None)
    if state:
        response["RateLimit-Policy"] = state["policy"]
        response["RateLimit"] = state["state"]

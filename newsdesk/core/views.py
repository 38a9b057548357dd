from django.shortcuts import render
from django.utils.translation import gettext as _


def rate_limited(request, exception=None):
    """Answer for a request over a rate limit: 429 with a sentence, never a bare error."""
    return render(
        request,
        "core/message.html",
        {
            "title": _("Too many requests"),
            "message": _("You have sent this form too often. Please wait a minute and try again."),
        },
        status=429,
    )

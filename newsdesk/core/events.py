"""Events other software may hear about (webhooks, later the Fediverse), sent by the actions that
make the change, inside their transaction.

An app that changes something calls `emit(type, current=..., previous=...)` with plain JSON data
(what the thing is now, and what it was before where that means something); an app that delivers
events (newsdesk.webhooks) connects to `event` and writes its outbox in the same transaction, so
an event is stored exactly when the change is committed, and never for a change rolled back.
The apps that emit know nothing of the ones that listen (core is below them all).
"""

from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The event types, with what each means; an endpoint subscribes to some of them.
EVENT_TYPES = {
    "article.published": _("an article became public (by an editor, or at its scheduled time)"),
    "article.updated": _("a public article's text, cover or details were changed"),
    "article.unpublished": _("a public article was withdrawn by an editor"),
    "article.taken_down": _("an article was taken down on a report"),
    "article.restored": _("a taken-down article was restored"),
    "submission.submitted": _("a contributor sent an article to the editors"),
    "review.decided": _("an editor requested changes, approved, scheduled, published or rejected"),
    "report.received": _("a report (copyright or another ground) was filed"),
    "report.decided": _("an editor decided a report (take down, reject, restore)"),
    "newsletter.sent": _("a newsletter issue was sent"),
    "subscriber.confirmed": _("a subscriber confirmed a subscription"),
    "subscriber.unsubscribed": _("a subscriber unsubscribed"),
}

# Sent with type (one of EVENT_TYPES), current, previous and created_at (an aware datetime).
event = Signal()


def emit(event_type: str, *, current: dict | None, previous: dict | None = None) -> None:
    """Announces an event. Call it inside the transaction of the change it describes."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    event.send(
        sender=None,
        type=event_type,
        current=current,
        previous=previous,
        created_at=timezone.now(),
    )


def iso(value) -> str | None:
    """A date-time in an event's data: ISO 8601, or None."""
    return value.isoformat() if value is not None else None

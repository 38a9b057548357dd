"""The one signal receiver: core.events.event, connected in apps.WebhooksConfig.ready."""

from newsdesk.webhooks.actions import record_event as _record


def record_event(sender, *, type, current, previous, created_at, **kwargs) -> None:  # noqa: A002
    """Writes the event to the outbox in the transaction of the change (see actions)."""
    _record(event_type=type, current=current, previous=previous, created_at=created_at)

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "newsdesk.webhooks"
    label = "webhooks"

    def ready(self):
        from newsdesk.core.events import event
        from newsdesk.webhooks.receivers import record_event

        # The outbox row is written inside the transaction of the change (receivers.py).
        event.connect(record_event, dispatch_uid="newsdesk.webhooks.record_event")

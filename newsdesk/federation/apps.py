from django.apps import AppConfig
from django.conf import settings


class FederationConfig(AppConfig):
    name = "newsdesk.federation"
    label = "federation"

    def ready(self):
        if not settings.FEDERATION_ENABLED:
            return
        from newsdesk.core.events import event
        from newsdesk.federation.outbound import on_event

        # The deliveries are written inside the transaction of the change (outbound.py); the
        # receiver checks the setting again, so turning it off at run time (tests) stops them.
        event.connect(on_event, dispatch_uid="newsdesk.federation.on_event")

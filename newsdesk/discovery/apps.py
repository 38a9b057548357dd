from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "newsdesk.discovery"
    label = "discovery"

    def ready(self):
        from newsdesk.discovery import receivers  # noqa: F401 - connects once the models are loaded

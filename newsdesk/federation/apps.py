from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "newsdesk.federation"
    label = "federation"

from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "newsdesk.articles"
    label = "articles"

    def ready(self):
        from newsdesk.articles import signals  # noqa: F401 - connects once the models are loaded

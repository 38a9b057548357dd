from pathlib import Path

from django.core.management.base import BaseCommand

from newsdesk.articles.importing import export_article
from newsdesk.articles.models import Article


class Command(BaseCommand):
    help = "Write every article as a Markdown file with YAML front matter into DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, **options):
        directory: Path = options["directory"]
        directory.mkdir(parents=True, exist_ok=True)
        articles = sorted(
            Article.objects.select_related(
                "author", "section", "cover", "translation_of"
            ).prefetch_related("tags"),
            # Originals first, so that importing the files in name order finds them.
            key=lambda a: (a.translation_of_id is not None, a.pk),
        )
        for position, article in enumerate(articles, start=1):
            export_article(article, directory, prefix=f"{position:04d}-")
        count = len(articles)
        self.stdout.write(f"exported {count} article(s) to {directory}")

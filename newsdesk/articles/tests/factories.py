import factory
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.actions import save_article
from newsdesk.articles.models import Article, Section, Tag
from newsdesk.editorial.actions import publish_article


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Ressort {n}")
    name_en = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


def article(*, published: bool = True, tags=(), **fields) -> Article:
    """An article made through the real write path (rendering, revision, cover art)."""
    author = fields.pop("author", None) or UserFactory()
    section = fields.pop("section", None) or SectionFactory()
    published_at = fields.pop("published_at", None) or timezone.now()
    defaults = {
        "title": "Der Stadtrat beschließt den Haushalt",
        "lead": "Nach langer Debatte steht der Plan für das kommende Jahr.",
        "body": "## Worum es geht\n\nDer Rat hat getagt.\n\nEr hat abgestimmt.\n",
        "language": "de",
    }
    defaults.update(fields)
    created = save_article(
        author=author, editor=author, section=section, tags=list(tags), **defaults
    )
    if published:
        created = publish_article(article=created, by=author, published_at=published_at)
    return created

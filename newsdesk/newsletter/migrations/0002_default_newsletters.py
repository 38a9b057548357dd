"""The two default newsletters, so that a freshly migrated newsroom has them."""

from email.utils import parseaddr

from django.conf import settings
from django.db import migrations

DEFAULTS = [
    {
        "slug": "neustadt-kompakt",
        "name": "Neustadt kompakt",
        "language": "de",
        "description": "Das Wichtigste aus Neustadt und der Region: die Woche in wenigen Minuten.",
        "section_slug": None,
    },
    {
        "slug": "business-and-technology",
        "name": "Business and technology",
        "language": "en",
        "description": "The latest from business and technology, once a week.",
        "section_slug": "wirtschaft",
    },
]


def sender_address():
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address if "@" in address else f"newsletter@{settings.SITE_HOST}"


def create_defaults(apps, schema_editor):
    Newsletter = apps.get_model("newsletter", "Newsletter")
    Section = apps.get_model("articles", "Section")
    for default in DEFAULTS:
        if Newsletter.objects.filter(slug=default["slug"]).exists():
            continue
        # Only an existing section: a fresh database has none yet.
        section = Section.objects.filter(slug=default["section_slug"]).first() if default["section_slug"] else None
        Newsletter.objects.create(
            slug=default["slug"],
            name=default["name"],
            language=default["language"],
            description=default["description"],
            section=section,
            from_email=sender_address(),
            from_name=default["name"],
            cadence="weekly",
            digest_needs_approval=True,
            is_active=True,
        )


def remove_defaults(apps, schema_editor):
    Newsletter = apps.get_model("newsletter", "Newsletter")
    Newsletter.objects.filter(slug__in=[d["slug"] for d in DEFAULTS], issues__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        ("articles", "0003_rerender_bodies"),
    ]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]

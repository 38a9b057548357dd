"""Cover files move to private storage (PRIVATE_MEDIA_ROOT); the covers of published articles
are linked back into public media under random names (covers/<public_key>/). Before this, every
master and rendition was public at a guessable address (renditions/<id>/...)."""

import os
import secrets
import shutil
from pathlib import Path

from django.conf import settings
from django.db import migrations, models

import newsdesk.articles.models
import newsdesk.articles.storage

# The layout of images.py at the time of this migration (it must not change with that module).
PUBLIC_DIR = "covers"
PUBLIC_KEY_BYTES = 16
# Where files that no image row names are put aside, under PRIVATE_MEDIA_ROOT.
ORPHANS_DIR = "orphaned"


def _names(file_name, renditions):
    return [n for n in [file_name, *(r.get("name") for r in renditions or [])] if n]


def _move(source: Path, target: Path) -> None:
    if source.is_file() and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)


def _prune(root: Path, *subdirs: str) -> None:
    # Empty directories the moved files leave behind.
    for subdir in subdirs:
        top = root / subdir
        if top.is_dir():
            for dirpath, _dirnames, _files in sorted(os.walk(top), reverse=True):
                if not os.listdir(dirpath):
                    os.rmdir(dirpath)


def to_private(apps, schema_editor):
    Image = apps.get_model("articles", "Image")
    Article = apps.get_model("articles", "Article")
    public, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    visible = set(
        Article.objects.filter(status="published", cover__isnull=False).values_list(
            "cover_id", flat=True
        )
    )
    for pk, file_name, renditions in Image.objects.values_list("pk", "file", "renditions"):
        names = _names(file_name, renditions)
        for name in names:
            _move(public / name, private / name)
        if pk in visible:
            key = secrets.token_urlsafe(PUBLIC_KEY_BYTES)
            directory = public / PUBLIC_DIR / key
            directory.mkdir(parents=True, exist_ok=True)
            for name in names:
                if (private / name).is_file():
                    try:
                        os.link(private / name, directory / Path(name).name)
                    except OSError:
                        shutil.copyfile(private / name, directory / Path(name).name)
            Image.objects.filter(pk=pk).update(public_key=key)
    # What is left no row names (covers replaced or uploads failed before this migration, the
    # renditions of deleted rows): out of public media too, kept aside privately, not deleted.
    for subdir in ("images", "renditions"):
        top = public / subdir
        if top.is_dir():
            for path in sorted(p for p in top.rglob("*") if p.is_file()):
                _move(path, private / ORPHANS_DIR / path.relative_to(public))
    _prune(public, "images", "renditions")


def to_public(apps, schema_editor):
    Image = apps.get_model("articles", "Image")
    public, private = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    for file_name, renditions in Image.objects.values_list("file", "renditions"):
        for name in _names(file_name, renditions):
            _move(private / name, public / name)
    shutil.rmtree(public / PUBLIC_DIR, ignore_errors=True)
    Image.objects.update(public_key="")
    _prune(private, "images", "renditions")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_rerender_bodies"),
    ]

    operations = [
        migrations.AddField(
            model_name="image",
            name="public_key",
            field=models.CharField(blank=True, default="", editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="image",
            name="file",
            field=newsdesk.articles.models.CoverField(
                height_field="height",
                storage=newsdesk.articles.storage.private_storage,
                upload_to="images/%Y/%m/",
                width_field="width",
            ),
        ),
        migrations.RunPython(to_private, to_public),
    ]

"""Where cover files live: private storage for every master and rendition, public media only for
the covers of visible articles (images.sync_image_files links them there).

PRIVATE_MEDIA_ROOT is never served by the web server; its files reach the authors and editors
only through articles.media.private_media, which checks who asks.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage
from django.urls import reverse


class PrivateMediaStorage(FileSystemStorage):
    """FileSystemStorage under settings.PRIVATE_MEDIA_ROOT, read on each use (tests change it)."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        # Only Image.url_for knows which image a file belongs to; a bare name has no URL.
        raise ValueError("Private media has no URL of its own; use Image.url_for().")


_private = PrivateMediaStorage()


def private_storage() -> PrivateMediaStorage:
    """The storage of Image.file (a callable, so migrations name it instead of copying it)."""
    return _private


def private_media_url(*, image_id: int, name: str) -> str:
    return reverse(
        "private_media", kwargs={"image_id": image_id, "filename": os.path.basename(name)}
    )


@checks.register(checks.Tags.security)
def check_private_media_root(app_configs=None, **kwargs):
    """Private covers under the public media tree would be served by nginx to anyone."""
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    public = Path(settings.MEDIA_ROOT).resolve()
    if private == public or public in private.parents:
        return [
            checks.Error(
                "PRIVATE_MEDIA_ROOT is inside MEDIA_ROOT, which the web server serves to anyone.",
                hint="Put PRIVATE_MEDIA_ROOT outside MEDIA_ROOT (default: var/private-media/).",
                id="newsdesk.E001",
            )
        ]
    return []

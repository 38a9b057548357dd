"""The cover image: an alt text that describes it, and its label if it was made by a machine."""

import re

from django.utils.translation import gettext as _

from newsdesk.editorial.checks.base import Check, CheckResult

# Shorter alt texts ("Foto", "Bild 1") describe nothing.
ALT_MIN_CHARS = 10

_FILENAME = re.compile(
    r"[\w\-. ()]+\.(?:jpe?g|png|gif|webp|avif|heic|heif|tiff?|bmp)"
    r"|(?:img|dsc[nf]?|pxl|mvimg|photo|image|bild|foto|screenshot|bildschirmfoto)[_\- ]?\d[\d_\- .]*",
    re.IGNORECASE,
)


def check_cover_alt(cover) -> CheckResult:
    check = Check("cover.alt", "cover")
    if cover is None:
        return check.passed(_("No cover uploaded: newsdesk will make one from the article."))
    if getattr(cover, "generated", False):
        return check.passed(_("The cover is made by newsdesk, with its own alt text."))
    alt = " ".join(str(getattr(cover, "alt", "") or "").split())
    if not alt:
        message = _("Describe the cover image in the alt text, for readers who cannot see it.")
        return check.failure(message, count=0)
    if _FILENAME.fullmatch(alt):
        message = _("The alt text “%(alt)s” is a file name. Describe what the image shows.")
        return check.failure(message, alt=alt[:60], count=len(alt))
    if len(alt) < ALT_MIN_CHARS:
        message = _(
            "The alt text is too short (%(count)d of at least %(min)d characters). Describe what the image shows."
        )
        return check.failure(message, count=len(alt), min=ALT_MIN_CHARS)
    return check.passed(_("The cover has an alt text."), count=len(alt))


def check_cover_label(cover) -> CheckResult:
    """Always a pass: no detector is reliable enough to accuse a contributor, so this confirms
    the label or reminds the uploader of it, next to the cover. As a warning it would reach the
    editor for nearly every uploaded photo and teach editors to skip warnings."""
    check = Check("cover.label", "cover")
    if cover is None or getattr(cover, "generated", False):
        return check.passed(_("The generated cover will be labelled as computer-generated."))
    if getattr(cover, "ai_generated", False):
        return check.passed(_("The cover is marked as AI-generated and will be labelled as such."))
    return check.passed(_("If this image was made by an image model, tick “AI-generated”."))

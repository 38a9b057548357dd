"""Cover images: upload validation, re-encoding, renditions and the <picture> a template shows.

Uploads come from contributors, who are not trusted: every upload is decoded by Pillow and
re-encoded from its pixels, so nothing of the original file (metadata, trailing data, polyglot
payloads) reaches readers.

Masters and renditions are written to private storage (storage.py). Only the covers of visible
articles are in public media, linked under covers/<random key>/ when an article is published or
restored, and removed when it no longer is: editorial.actions calls sync_image_files, which
sets or clears the key with the transaction and links or removes the files after commit.
"""

import contextlib
import contextvars
import io
import logging
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps

from newsdesk.articles.models import Image
from newsdesk.articles.queries import visible_articles

# Larger files are refused before decoding; a 40 MP photo fits in 10 MB as JPEG.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A 12 MP phone photo (4032x3024) fits; decoding and converting 16 MP takes ~120 MB of a web
# worker for a fraction of a second (40 MP took 2.3 s and 300 MB), and covers need only 1600 px.
MAX_PIXELS = 16_000_000
# Smaller images look broken as a cover, even in a teaser.
MIN_SIDE = 200
# Formats Pillow decodes safely and readers' browsers show; no SVG (script), GIF or TIFF.
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
# Teaser, article column, full-width cover on large screens.
RENDITION_WIDTHS = (480, 960, 1600)
# Best first: browsers take the first <source> they support; JPEG is the <img> fallback.
RENDITION_FORMATS = ("avif", "webp", "jpeg")
# The rendition a browser without srcset support gets: the article column's width.
DEFAULT_RENDITION_WIDTH = 960
# Credit shown for covers newsdesk made itself.
GENERATED_CREDIT = "newsdesk"
# Random bytes of a public cover directory's name: unguessable, so unpublished covers cannot be
# found by trying names (22 URL-safe characters).
PUBLIC_KEY_BYTES = 16
# Public media's directory of covers of visible articles, one subdirectory per public key.
PUBLIC_DIR = "covers"

logger = logging.getLogger(__name__)
# Files _store wrote inside files_removed_on_failure() blocks, innermost block last.
_written: contextvars.ContextVar[list[list[str]] | None] = contextvars.ContextVar(
    "newsdesk_written_images", default=None
)

# Encoder settings per rendition format; AVIF speed 8 keeps a 1600px encode well under a second.
_ENCODERS = {
    "avif": ("AVIF", {"quality": 50, "speed": 8}),
    "webp": ("WEBP", {"quality": 80, "method": 4}),
    "jpeg": ("JPEG", {"quality": 82, "progressive": True, "optimize": True}),
}
_MIME = {"avif": "image/avif", "webp": "image/webp", "jpeg": "image/jpeg"}


class ImageRejected(ValidationError):
    """An upload newsdesk will not store; the message is meant for the uploader."""


def reencode_upload(data: bytes) -> tuple[bytes, str]:
    """Validate an uploaded image and re-encode it without metadata: (bytes, "png" or "jpg")."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRejected(
            _("The image is larger than %(mb)d MB; export it smaller and upload it again."),
            code="too_large",
            params={"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    not_accepted = _("This file is not an image newsdesk accepts: use JPEG, PNG or WebP.")
    too_many_pixels = ImageRejected(
        _("The image has more than %(mp)d million pixels; scale it down first."),
        code="too_many_pixels",
        params={"mp": MAX_PIXELS // 1_000_000},
    )
    try:
        # formats= keeps Pillow from even trying its other decoders on contributor files.
        img = PILImage.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS))
        # Pillow names JPEGs with a multi-picture extension (many phones, cameras) "MPO".
        if {"MPO": "JPEG"}.get(img.format, img.format) not in ALLOWED_FORMATS:
            raise ImageRejected(not_accepted, code="format")
        width, height = img.size
        # Checked on the header, before the pixels are decoded.
        if width * height > MAX_PIXELS:
            raise too_many_pixels
        if min(width, height) < MIN_SIDE:
            raise ImageRejected(
                _("The image is too small: each side needs at least %(px)d pixels."),
                code="too_small",
                params={"px": MIN_SIDE},
            )
        img.load()
        img = _to_srgb(_to_8_bit(ImageOps.exif_transpose(img)))
        transparent = _has_transparency(img)
        img = _clean(img.convert("RGBA" if transparent else "RGB"))
    except ImageRejected:
        raise
    except PILImage.DecompressionBombError as exc:
        # Pillow's own, higher limit, hit while opening.
        raise too_many_pixels from exc
    except Exception as exc:
        # Hostile or broken files raise many types (OSError, SyntaxError, struct.error...);
        # to the uploader they all mean the same thing.
        raise ImageRejected(not_accepted, code="invalid") from exc

    out = io.BytesIO()
    if transparent:
        img.save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    img.save(out, "JPEG", quality=88, progressive=True, optimize=True)
    return out.getvalue(), "jpg"


def save_uploaded_image(
    *, data: bytes, alt: str, credit: str = "", ai_generated: bool = False
) -> Image:
    """Validate, re-encode and store an uploaded cover image."""
    alt, credit = _checked_text(alt, credit)
    encoded, extension = reencode_upload(data)
    return _store(encoded, extension, alt=alt, credit=credit, ai_generated=ai_generated)


def save_generated_image(*, png: bytes, alt: str) -> Image:
    """Store cover art newsdesk generated (cover_art.generate_cover_art)."""
    alt, credit = _checked_text(alt, GENERATED_CREDIT)
    return _store(png, "png", alt=alt, credit=credit, generated=True)


def make_renditions(image: Image) -> list[dict]:
    """Write AVIF, WebP and JPEG renditions of `image` and record them; safe to run again.

    They go to private storage, and into public media too when the image is public."""
    storage = image.file.storage
    # The master's name is random: its renditions' directory is as unguessable.
    key = PurePosixPath(image.file.name).stem
    with image.file.open("rb") as f:
        original = PILImage.open(f)
        original.load()
    # At least one width, and never an upscale.
    widths = [w for w in RENDITION_WIDTHS if w <= original.width] or [original.width]
    has_alpha = _has_transparency(original)
    original = original.convert("RGBA" if has_alpha else "RGB")

    renditions = []
    for width in widths:
        height = max(1, round(original.height * width / original.width))
        resized = original.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        for fmt in RENDITION_FORMATS:
            pixels = _flatten(resized) if fmt == "jpeg" else resized
            out = io.BytesIO()
            pillow_format, options = _ENCODERS[fmt]
            pixels.save(out, pillow_format, **options)
            name = f"renditions/{key}/{width}.{_extension(fmt)}"
            # The storage renames on collision; delete first so the name stays stable.
            storage.delete(name)
            saved = storage.save(name, ContentFile(out.getvalue()))
            renditions.append({"format": fmt, "width": width, "height": height, "name": saved})

    kept = {r["name"] for r in renditions}
    with transaction.atomic():
        # Locked against sync_image_files: a cover published while its renditions
        # were being made gets them in public media too.
        current = Image.objects.select_for_update().filter(pk=image.pk).first()
        if current is None:
            # Deleted meanwhile (replaced): nothing may stay behind.
            for name in kept:
                storage.delete(name)
            return []
        old = current.renditions or []
        current.renditions = renditions
        current.save(update_fields=["renditions"])
        if current.public_key:
            _link_public(current)
    for stale in old:
        if stale.get("name") and stale["name"] not in kept:
            storage.delete(stale["name"])
    image.renditions, image.public_key = renditions, current.public_key
    return renditions


@transaction.atomic
def _link_public_now(image_id: int) -> None:
    # The key as it is now: published and withdrawn again meanwhile, there is nothing to link.
    current = Image.objects.select_for_update().filter(pk=image_id).first()
    if current is not None and current.public_key:
        _link_public(current)


@transaction.atomic
def sync_image_files(*, image_id: int) -> None:
    """Call inside the transaction that changed what the public sees (editorial.actions' state
    transitions, a new cover): the image gets a new random public key while a visible article
    shows it, or loses it, with that transaction; its files follow after commit."""
    image = Image.objects.select_for_update().filter(pk=image_id).first()
    if image is None:
        return
    visible = visible_articles().filter(cover_id=image_id).exists()
    if visible and not image.public_key:
        image.public_key = secrets.token_urlsafe(PUBLIC_KEY_BYTES)
        image.save(update_fields=["public_key"])
        transaction.on_commit(lambda: _link_public_now(image_id), robust=True)
    elif not visible and image.public_key:
        old_key, image.public_key = image.public_key, ""
        image.save(update_fields=["public_key"])
        transaction.on_commit(lambda: _remove_public(old_key), robust=True)


def replace_cover(*, old_image_id: int | None, new_image_id: int | None) -> None:
    """Call inside the transaction that changed an article's cover: the new one is public if
    the article is; after commit the old one is deleted with its files, unless another article
    still shows it."""
    if new_image_id:
        sync_image_files(image_id=new_image_id)
    if old_image_id and old_image_id != new_image_id:
        transaction.on_commit(lambda: discard_image(image_id=old_image_id), robust=True)


def discard_image(*, image_id: int) -> None:
    """Deletes an image that no article uses, with all its files, private and public."""
    with transaction.atomic():
        image = Image.objects.select_for_update().filter(pk=image_id).first()
        if image is None or image.article_set.exists():
            return
        image.delete()
    delete_image_files(image)


def delete_image_files(image: Image) -> None:
    """Every file of `image`: master, renditions and its public copies."""
    storage = image.file.storage
    for name in [image.file.name, *(r.get("name") for r in image.renditions or [])]:
        if name:
            storage.delete(name)
    if image.renditions:
        # The renditions' directory, now empty.
        with contextlib.suppress(OSError):
            os.rmdir(os.path.dirname(storage.path(image.renditions[0]["name"])))
    if image.public_key:
        _remove_public(image.public_key)


@contextlib.contextmanager
def files_removed_on_failure() -> Iterator[None]:
    """A transaction that stores images: when it fails, the files it wrote are deleted (their
    rows roll back with it), so failed saves leave no orphans on disk. Once it has committed,
    an error raised by an on-commit callback (renditions, purges, mail) deletes nothing: the
    rows that point at the files are in the database by then."""
    stack = _written.get() or []
    written: list[str] = []
    token = _written.set([*stack, written])
    committed = False

    def mark_committed() -> None:
        nonlocal committed
        committed = True

    try:
        with transaction.atomic():
            # First of this block's callbacks, so it runs before any that can raise.
            transaction.on_commit(mark_committed)
            yield
    except BaseException:
        if not committed:
            storage = Image._meta.get_field("file").storage
            for name in written:
                storage.delete(name)
        raise
    finally:
        _written.reset(token)
        if stack:
            # An outer block that fails later removes these too.
            stack[-1].extend(written)


def picture_context(image: Image | None) -> dict | None:
    """What a template needs for <picture>: sources per format, the fallback <img> and labels."""
    if image is None or not image.file:
        return None
    by_format: dict[str, list[dict]] = {}
    for rendition in sorted(image.renditions or [], key=lambda r: r["width"]):
        by_format.setdefault(rendition["format"], []).append(rendition)
    sources = [
        {"type": _MIME[fmt], "srcset": _srcset(image, by_format[fmt])}
        for fmt in RENDITION_FORMATS
        if fmt != "jpeg" and by_format.get(fmt)
    ]
    jpegs = by_format.get("jpeg", [])
    if jpegs:
        fallback = min(jpegs, key=lambda r: abs(r["width"] - DEFAULT_RENDITION_WIDTH))
        src = image.url_for(fallback["name"])
    else:
        # Renditions are made in the background; until then the original is shown.
        src = image.file.url
    return {
        "sources": sources,
        "src": src,
        "srcset": _srcset(image, jpegs) if jpegs else "",
        "width": image.width,
        "height": image.height,
        "alt": image.alt,
        "credit": image.credit,
        "computer_generated": image.generated or image.ai_generated,
    }


def _checked_text(alt: str, credit: str) -> tuple[str, str]:
    alt, credit = (alt or "").strip(), (credit or "").strip()
    if not alt:
        raise ImageRejected(
            _("Describe the image in the alt text; readers who cannot see it rely on it."),
            code="alt_required",
        )
    for field, value in (("alt", alt), ("credit", credit)):
        limit = Image._meta.get_field(field).max_length
        if len(value) > limit:
            raise ImageRejected(
                _("Keep the %(field)s to %(limit)d characters or fewer."),
                code=f"{field}_too_long",
                params={"field": Image._meta.get_field(field).verbose_name, "limit": limit},
            )
    return alt, credit


def _store(data: bytes, extension: str, **fields) -> Image:
    image = Image(**fields)
    # Random names: uploads' own names are contributor text and may collide or leak.
    name = f"{secrets.token_hex(12)}.{extension}"
    # The ContentFile needs a name: since Django 5.1 a nameless one leaves width/height None.
    image.file.save(name, ContentFile(data, name=name), save=False)
    if (stack := _written.get()) is not None:
        stack[-1].append(image.file.name)
    try:
        image.save()
    except Exception:
        image.file.delete(save=False)
        raise
    return image


def _link_public(image: Image) -> None:
    """Puts the master and renditions in public media under covers/<public_key>/: hard links
    (no copy, no extra space), copies across file systems; files gone from the list go."""
    private = image.file.storage
    names = [image.file.name, *(r["name"] for r in image.renditions or [] if r.get("name"))]
    directory = default_storage.path(f"{PUBLIC_DIR}/{image.public_key}")
    os.makedirs(directory, exist_ok=True)
    wanted = set()
    for name in names:
        target = default_storage.path(image.public_name(name))
        wanted.add(os.path.basename(target))
        source = private.path(name)
        if not os.path.isfile(source):
            # A master or rendition lost on this server: the others are still worth showing.
            logger.warning("cover file %s of image %s is missing", name, image.pk)
            continue
        partial = f"{target}.{secrets.token_hex(4)}.part"
        try:
            os.link(source, partial)
        except OSError:
            shutil.copyfile(source, partial)
        # Atomic: readers see the old file or the new one, never a half-written one.
        os.replace(partial, target)
    for entry in os.listdir(directory):
        if entry not in wanted:
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(directory, entry))


def _remove_public(key: str) -> None:
    if key:
        shutil.rmtree(default_storage.path(f"{PUBLIC_DIR}/{key}"), ignore_errors=True)


def _has_transparency(img: PILImage.Image) -> bool:
    if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
        alpha = img.convert("RGBA").getchannel("A")
        # An alpha channel that is fully opaque everywhere is not transparency.
        return alpha.getextrema()[0] < 255
    return False


def _to_srgb(img: PILImage.Image) -> PILImage.Image:
    """Convert to sRGB before the profile is dropped, so wide-gamut photos keep their colours."""
    icc = img.info.get("icc_profile")
    if not icc or img.mode not in ("RGB", "RGBA", "CMYK"):
        return img
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if img.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(
            img, source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        # A broken profile is metadata like any other: drop it, keep the pixels.
        return img


def _to_8_bit(img: PILImage.Image) -> PILImage.Image:
    """16-bit greyscale PNGs: Pillow's plain convert() would clip them to white."""
    if img.mode.startswith("I"):
        return img.convert("I").point(lambda v: v / 256).convert("L")
    return img


def _clean(img: PILImage.Image) -> PILImage.Image:
    """The pixels only: encoders would copy ICC profiles, comments and more from `info`."""
    img.info = {}
    return img


def _flatten(img: PILImage.Image) -> PILImage.Image:
    """JPEG has no alpha: put transparent images on white, as the page behind them is."""
    if img.mode != "RGBA":
        return img
    ground = PILImage.new("RGB", img.size, (255, 255, 255))
    ground.paste(img, mask=img.getchannel("A"))
    return ground


def _extension(fmt: str) -> str:
    return "jpg" if fmt == "jpeg" else fmt


def _srcset(image: Image, renditions: list[dict]) -> str:
    return ", ".join(f"{image.url_for(r['name'])} {r['width']}w" for r in renditions)

"""Cover images: upload validation, re-encoding, renditions and the <picture> a template shows.

Uploads come from contributors, who are not trusted: every upload is decoded by Pillow and
re-encoded from its pixels, so nothing of the original file (metadata, trailing data, polyglot
payloads) reaches readers.
"""

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps

from newsdesk.articles.models import Image

# Larger files are refused before decoding; a 40 MP photo fits in 10 MB as JPEG.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# 40 MP already take 160 MB decoded, several times that while converting, in a web worker.
MAX_PIXELS = 40_000_000
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
    """Write AVIF, WebP and JPEG renditions of `image` and record them; safe to run again."""
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
            name = f"renditions/{image.pk}/{width}.{_extension(fmt)}"
            # The storage renames on collision; delete first so the name stays stable.
            default_storage.delete(name)
            saved = default_storage.save(name, ContentFile(out.getvalue()))
            renditions.append({"format": fmt, "width": width, "height": height, "name": saved})

    kept = {r["name"] for r in renditions}
    for old in image.renditions or []:
        if old.get("name") and old["name"] not in kept:
            default_storage.delete(old["name"])
    image.renditions = renditions
    image.save(update_fields=["renditions"])
    return renditions


def picture_context(image: Image | None) -> dict | None:
    """What a template needs for <picture>: sources per format, the fallback <img> and labels."""
    if image is None or not image.file:
        return None
    by_format: dict[str, list[dict]] = {}
    for rendition in sorted(image.renditions or [], key=lambda r: r["width"]):
        by_format.setdefault(rendition["format"], []).append(rendition)
    sources = [
        {"type": _MIME[fmt], "srcset": _srcset(by_format[fmt])}
        for fmt in RENDITION_FORMATS
        if fmt != "jpeg" and by_format.get(fmt)
    ]
    jpegs = by_format.get("jpeg", [])
    if jpegs:
        fallback = min(jpegs, key=lambda r: abs(r["width"] - DEFAULT_RENDITION_WIDTH))
        src = default_storage.url(fallback["name"])
    else:
        # Renditions are made in the background; until then the original is shown.
        src = image.file.url
    return {
        "sources": sources,
        "src": src,
        "srcset": _srcset(jpegs) if jpegs else "",
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
    try:
        image.save()
    except Exception:
        image.file.delete(save=False)
        raise
    return image


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


def _srcset(renditions: list[dict]) -> str:
    return ", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in renditions)

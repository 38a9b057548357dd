import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from PIL import Image as PILImage

from newsdesk.articles import images
from newsdesk.articles.cover_art import SECTION_PALETTES, generate_cover_art, palette_for
from newsdesk.articles.images import (
    MAX_UPLOAD_BYTES,
    ImageRejected,
    make_renditions,
    picture_context,
    reencode_upload,
    save_generated_image,
    save_uploaded_image,
)
from newsdesk.articles.models import Image
from newsdesk.articles.tests.factories import article

PALETTE = ["#1d3557", "#457b9d", "#a8dadc", "#f1faee", "#e63946"]
NOT_ACCEPTED = "This file is not an image newsdesk accepts: use JPEG, PNG or WebP."


def encoded(fmt: str, size=(640, 360), mode="RGB", colour=(200, 80, 40), **options) -> bytes:
    out = io.BytesIO()
    PILImage.new(mode, size, colour).save(out, fmt, **options)
    return out.getvalue()


def messages_of(data: bytes) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        reencode_upload(data)
    assert isinstance(caught.value, ImageRejected)
    return caught.value.messages


# Cover art


def test_cover_art_is_deterministic():
    """The same seed and palette always give byte-identical PNGs."""
    first = generate_cover_art(seed="stadtrat\nStadtrat beschließt", palette=PALETTE)
    assert first == generate_cover_art(seed="stadtrat\nStadtrat beschließt", palette=PALETTE)


def test_cover_art_differs_between_articles():
    """Different seeds give different art, not just different bytes of the same picture."""
    one = PILImage.open(
        io.BytesIO(generate_cover_art(seed="a", palette=PALETTE, width=320, height=180))
    )
    two = PILImage.open(
        io.BytesIO(generate_cover_art(seed="b", palette=PALETTE, width=320, height=180))
    )
    diff = [abs(x - y) for x, y in zip(one.tobytes(), two.tobytes(), strict=True)]
    assert sum(diff) / len(diff) > 5


def test_cover_art_has_the_requested_size():
    """The PNG decodes, in RGB, at the requested size."""
    for width, height in [(1600, 900), (480, 270), (300, 400)]:
        art = PILImage.open(
            io.BytesIO(generate_cover_art(seed="x", palette=PALETTE, width=width, height=height))
        )
        art.load()
        assert (art.format, art.mode, art.size) == ("PNG", "RGB", (width, height))


def test_cover_art_needs_two_valid_colours():
    """A palette of one colour, or one that is not #rrggbb, is a programming error."""
    with pytest.raises(ValueError):
        generate_cover_art(seed="x", palette=["#000000"])
    with pytest.raises(ValueError):
        generate_cover_art(seed="x", palette=["#000000", "red"])


def test_section_palette_wins_when_set():
    """A section's own palette is used as it is."""
    assert palette_for("politik", ["#000000", "#ffffff"]) == ["#000000", "#ffffff"]


def test_curated_palette_is_fixed_by_slug():
    """Without a palette a section gets a curated one, the same every time, not the same for all."""
    assert palette_for("sport", None) == palette_for("sport", [])
    assert palette_for("sport", None) in SECTION_PALETTES.values()
    chosen = {
        tuple(palette_for(slug, None)) for slug in ["sport", "kultur", "lokales", "welt", "tech"]
    }
    assert len(chosen) > 1


def test_invalid_section_palette_falls_back():
    """A palette that is too short or malformed falls back to a curated one."""
    assert palette_for("sport", ["#123456"]) == palette_for("sport", None)
    assert palette_for("sport", ["red", "blue"]) == palette_for("sport", None)


def test_curated_palettes_have_contrast():
    """Each curated palette has 5-6 colours, with a dark and a light one for contrast."""
    for palette in SECTION_PALETTES.values():
        assert 5 <= len(palette) <= 6
        luma = [sum(int(c[i : i + 2], 16) for i in (1, 3, 5)) / 3 for c in palette]
        assert max(luma) - min(luma) > 120


# Re-encoding uploads


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_accepted_formats_are_reencoded(fmt):
    """JPEG, PNG and WebP are accepted and come back as JPEG at the same size."""
    data, extension = reencode_upload(encoded(fmt))
    assert extension == "jpg"
    img = PILImage.open(io.BytesIO(data))
    assert (img.format, img.mode, img.size) == ("JPEG", "RGB", (640, 360))


def test_multi_picture_jpeg_is_a_jpeg():
    """Phones and cameras write JPEGs that Pillow calls MPO; they are JPEGs to the uploader."""
    second = PILImage.new("RGB", (640, 360))
    data = encoded("MPO", save_all=True, append_images=[second])
    assert PILImage.open(io.BytesIO(data)).format == "MPO"
    assert reencode_upload(data)[1] == "jpg"


def test_transparency_is_kept_as_png():
    """An image that really uses its alpha channel stays a PNG with alpha."""
    data, extension = reencode_upload(encoded("PNG", mode="RGBA", colour=(10, 20, 30, 128)))
    assert extension == "png"
    assert PILImage.open(io.BytesIO(data)).mode == "RGBA"


def test_opaque_alpha_becomes_jpeg():
    """An alpha channel that is opaque everywhere is dropped: photos stay small."""
    data, extension = reencode_upload(encoded("PNG", mode="RGBA", colour=(10, 20, 30, 255)))
    assert extension == "jpg"


def test_metadata_is_stripped_and_orientation_applied():
    """EXIF (GPS, camera) and comments are gone; the EXIF rotation is applied to the pixels."""
    exif = PILImage.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "SecretCam"
    data = encoded("JPEG", size=(640, 360), exif=exif.tobytes(), comment=b"hello")
    assert b"SecretCam" in data

    result, _extension = reencode_upload(data)
    img = PILImage.open(io.BytesIO(result))
    assert img.size == (360, 640)
    assert not img.getexif()
    assert "exif" not in img.info and "comment" not in img.info
    assert b"SecretCam" not in result


def test_random_bytes_are_rejected():
    """Bytes that are no image get the clear, general message."""
    assert messages_of(bytes(range(256)) * 40) == [NOT_ACCEPTED]


def test_svg_is_rejected():
    """SVG can carry script: never accepted."""
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600">'
        b"<script>alert(1)</script></svg>"
    )
    assert messages_of(svg) == [NOT_ACCEPTED]


def test_gif_is_rejected():
    """GIF is a real image, but not one of the accepted formats."""
    assert messages_of(encoded("GIF")) == [NOT_ACCEPTED]


def test_truncated_jpeg_is_rejected():
    """A JPEG cut off mid-stream is refused, not stored half grey."""
    data = encoded("JPEG", size=(800, 600), quality=95)
    assert messages_of(data[: len(data) // 2]) == [NOT_ACCEPTED]


def test_oversized_file_is_rejected_before_decoding(monkeypatch):
    """A file over the byte limit is refused without being opened."""

    def never(*args, **kwargs):
        raise AssertionError("decoded an oversized upload")

    monkeypatch.setattr(images.PILImage, "open", never)
    (message,) = messages_of(b"\xff" * (MAX_UPLOAD_BYTES + 1))
    assert "larger than 10 MB" in message


def test_too_many_pixels_is_rejected(monkeypatch):
    """The pixel limit is checked from the header."""
    monkeypatch.setattr(images, "MAX_PIXELS", 100_000)
    (message,) = messages_of(encoded("PNG", size=(400, 300)))
    assert "more than" in message and "million pixels" in message


def test_a_40_megapixel_png_is_rejected_from_its_header():
    """A 6300x6340 PNG (40 MP, 2.3 s and 300 MB to accept before) is refused for its pixel
    count, read from the header: its (here missing) pixel data is never decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 6300, 6340, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"\x00" * 64)
    with pytest.raises(ImageRejected) as caught:
        reencode_upload(png)
    assert caught.value.code == "too_many_pixels"
    assert caught.value.messages == [
        "The image has more than 16 million pixels; scale it down first."
    ]


def test_too_small_is_rejected():
    """An image with a side under MIN_SIDE pixels is refused, saying how large it must be."""
    (message,) = messages_of(encoded("JPEG", size=(1200, 150)))
    assert message == "The image is too small: each side needs at least 200 pixels."


# Storing and renditions (database)


@pytest.mark.django_db
def test_uploaded_image_is_stored_reencoded(settings, tmp_path):
    """An upload is stored under a random name with its size, alt text and credit."""
    image = save_uploaded_image(data=encoded("WEBP"), alt="  Ein Rathaus  ", credit="Foto: P.")
    assert image.pk and image.file.name.startswith("images/") and image.file.name.endswith(".jpg")
    assert (image.width, image.height, image.alt, image.credit) == (
        640,
        360,
        "Ein Rathaus",
        "Foto: P.",
    )
    assert not image.generated and not image.ai_generated
    # Private until an article showing it is published.
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / image.file.name).is_file()
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).iterdir())


@pytest.mark.django_db
def test_alt_text_is_required(settings, tmp_path):
    """Without alt text nothing is stored."""
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ImageRejected) as caught:
        save_uploaded_image(data=encoded("JPEG"), alt="   ")
    assert caught.value.messages == [
        "Describe the image in the alt text; readers who cannot see it rely on it."
    ]
    assert not Image.objects.exists()


@pytest.mark.django_db
def test_generated_image_is_labelled(settings, tmp_path):
    """Generated art is stored as generated, credited to newsdesk, and labelled as such."""
    settings.MEDIA_ROOT = tmp_path
    png = generate_cover_art(seed="x", palette=PALETTE, width=800, height=450)
    image = save_generated_image(png=png, alt="Abstract illustration")
    assert (image.generated, image.credit, image.width, image.height) == (
        True,
        "newsdesk",
        800,
        450,
    )
    assert picture_context(image)["computer_generated"] is True


@pytest.mark.django_db
def test_renditions_are_made_once_per_width_and_format(settings, tmp_path):
    """Every width up to the original's, in AVIF, WebP and JPEG, in private storage under the
    master's random name; running again overwrites."""
    image = save_uploaded_image(data=encoded("JPEG", size=(1200, 675)), alt="A square")
    made = make_renditions(image)
    assert [(r["format"], r["width"], r["height"]) for r in made] == [
        (fmt, width, height)
        for width, height in [(480, 270), (960, 540)]
        for fmt in ("avif", "webp", "jpeg")
    ]
    key = Path(image.file.name).stem
    for rendition in made:
        extension = {"avif": "avif", "webp": "webp", "jpeg": "jpg"}[rendition["format"]]
        assert rendition["name"] == f"renditions/{key}/{rendition['width']}.{extension}"
        decoded = PILImage.open(image.file.storage.open(rendition["name"]))
        assert decoded.size == (rendition["width"], rendition["height"])

    assert make_renditions(image) == made
    directory = Path(settings.PRIVATE_MEDIA_ROOT) / "renditions" / key
    assert sorted(p.name for p in directory.iterdir()) == sorted(
        ["480.avif", "480.webp", "480.jpg", "960.avif", "960.webp", "960.jpg"]
    )
    image.refresh_from_db()
    assert image.renditions == made


@pytest.mark.django_db
def test_small_original_gets_one_rendition(settings, tmp_path):
    """An original narrower than the smallest width is rendered at its own width, not upscaled."""
    settings.MEDIA_ROOT = tmp_path
    image = save_uploaded_image(data=encoded("PNG", size=(300, 250)), alt="Small")
    assert {(r["width"], r["height"]) for r in make_renditions(image)} == {(300, 250)}


@pytest.mark.django_db
def test_picture_shows_original_until_renditions_exist(settings, tmp_path):
    """Before renditions are made the original is shown; afterwards the srcsets list them,
    from the private view until the image is public, then from public media."""
    image = save_uploaded_image(data=encoded("JPEG", size=(1600, 900)), alt="A cover", credit="P.")
    before = picture_context(image)
    assert before["sources"] == [] and before["srcset"] == ""
    assert before["src"] == image.file.url
    assert (before["width"], before["height"], before["alt"], before["credit"]) == (
        1600,
        900,
        "A cover",
        "P.",
    )
    assert before["computer_generated"] is False

    assert before["src"] == f"/private-media/{image.pk}/{Path(image.file.name).name}"

    make_renditions(image)
    assert picture_context(image)["src"] == f"/private-media/{image.pk}/960.jpg"
    # Published: the transition's step that makes the cover public.
    article(cover=image)
    images.sync_image_files(image_id=image.pk)
    image.refresh_from_db()
    assert len(image.public_key) == 22
    after = picture_context(image)
    base = f"/media/covers/{image.public_key}"
    assert after["sources"] == [
        {
            "type": "image/avif",
            "srcset": f"{base}/480.avif 480w, {base}/960.avif 960w, {base}/1600.avif 1600w",
        },
        {
            "type": "image/webp",
            "srcset": f"{base}/480.webp 480w, {base}/960.webp 960w, {base}/1600.webp 1600w",
        },
    ]
    assert after["src"] == f"{base}/960.jpg"
    assert after["srcset"] == f"{base}/480.jpg 480w, {base}/960.jpg 960w, {base}/1600.jpg 1600w"


def test_picture_of_nothing_is_nothing():
    """No cover, no picture."""
    assert picture_context(None) is None

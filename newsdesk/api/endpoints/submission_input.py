"""What a writer's client sends to the submissions endpoints, read into what the web's forms
take: JSON text (up to a size that can still hold a 1 MB body), a cover as a multipart form or
as the raw image, and their shapes checked before editorial.forms checks their content.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import exceptions
from rest_framework.parsers import BaseParser, JSONParser

from newsdesk.api.endpoints.submission_serializers import SubmissionWriteSerializer
from newsdesk.articles.images import MAX_UPLOAD_BYTES
from newsdesk.articles.models import BODY_MAX_BYTES, Section
from newsdesk.editorial.forms import CoverForm

# A JSON text holding a 1 MB body: every character escaped (\u00e4 for two bytes of UTF-8)
# triples it; past this no body can be within BODY_MAX_BYTES, and the rest is not read.
JSON_MAX_BYTES = 3 * BODY_MAX_BYTES + 64 * 1024
# Raw bodies of a cover upload; another image type is refused with the web's message.
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
# The cover form's fields under their API names.
COVER_FIELDS = {"cover": "image", "cover_alt": "alt", "cover_credit": "credit"}
NOT_AN_IMAGE = "This file is not an image newsdesk accepts: use JPEG, PNG or WebP."


class RequestTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


class LimitedJSONParser(BaseParser):
    """JSON, refused (413) past JSON_MAX_BYTES. Not a JSONParser subclass on purpose: DRF reads
    those through request.body, which refuses anything past DATA_UPLOAD_MAX_MEMORY_SIZE with
    Django's HTML 400 (and a 1 MB body escaped as JSON is more than that)."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read(JSON_MAX_BYTES + 1)
        if len(data) > JSON_MAX_BYTES:
            raise RequestTooLarge(
                f"The request is larger than {JSON_MAX_BYTES // (1024 * 1024)} MB; the body"
                " may have at most 1 MB."
            )
        return JSONParser().parse(io.BytesIO(data), media_type, parser_context)


class RawImage(bytes):
    """A cover sent as the request body itself."""


class ImageParser(BaseParser):
    """Any image/* body, read up to one byte past the upload limit (the rest is not read)."""

    media_type = "image/*"

    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read(MAX_UPLOAD_BYTES + 1) if stream is not None else b""
        return RawImage(data)


def invalid(errors: dict) -> exceptions.ValidationError:
    """A 400 with a form's messages by field (`non_field_errors` for the whole)."""
    return exceptions.ValidationError(
        {
            ("non_field_errors" if k == "__all__" else k): [str(m) for m in v]
            for k, v in errors.items()
        }
    )


def text_fields(request, *, partial: bool) -> dict:
    """The text fields sent, their shapes checked (SubmissionWriteSerializer)."""
    if not isinstance(request.data, dict):
        raise exceptions.ValidationError({"non_field_errors": ["Expected a JSON object."]})
    given = SubmissionWriteSerializer(data=request.data, partial=partial)
    given.is_valid(raise_exception=True)
    return dict(given.validated_data)


def form_data(fields: dict) -> dict:
    """The API's fields as the web form posts them: a section by its id, tags by commas."""
    data = {k: v for k, v in fields.items() if k not in {"section", "tags", "revision"}}
    if isinstance(fields.get("section"), Section):
        data["section"] = fields["section"].pk
    elif "section" in fields:
        section = Section.objects.filter(slug=fields["section"]).first()
        if section is None:
            raise exceptions.ValidationError(
                {"section": [f"There is no section with the slug {fields['section'][:60]!r}."]}
            )
        data["section"] = section.pk
    data["tags"] = ", ".join(fields.get("tags", []))
    return data


def cover_form(request) -> CoverForm:
    """The web's cover form, valid, from a multipart form (`image`, `alt`, `credit`,
    `ai_generated`) or a raw image body with the other fields as query parameters."""
    if isinstance(request.data, RawImage):
        if request.content_type.split(";")[0].strip().lower() not in IMAGE_TYPES:
            raise exceptions.UnsupportedMediaType(request.content_type, detail=NOT_AN_IMAGE)
        size = len(request.data)
        image = SimpleUploadedFile("cover", bytes(request.data), request.content_type)
        given, fields = request.query_params, {"alt", "credit", "ai_generated"}
    else:
        image = request.data.get("image")
        given, fields = request.data, {"image", "alt", "credit", "ai_generated"}
        if image is None or isinstance(image, str):
            raise exceptions.ValidationError({"image": ["Choose an image file to upload."]})
        size = image.size
    unknown = sorted(set(given) - fields)
    if unknown:
        raise exceptions.ValidationError({unknown[0]: ["is not a field here"]})
    if size > MAX_UPLOAD_BYTES:
        raise RequestTooLarge(
            f"The image is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; export it"
            " smaller and upload it again."
        )
    data = {
        "cover_alt": given.get("alt", ""),
        "cover_credit": given.get("credit", ""),
        "cover_ai_generated": given.get("ai_generated", ""),
    }
    form = CoverForm(data, {"cover": image})
    if not form.is_valid():
        raise invalid({COVER_FIELDS.get(k, k): v for k, v in form.errors.items()})
    return form

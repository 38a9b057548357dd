"""What the API shows of a writer's own articles, and what it takes to write them.

A submission is what the writer's pages show (editorial/dashboard.html, editorial/edit.html):
the state, the Markdown as written and as rendered (sanitised, the public page's HTML), the
latest automated checks, the editors' change requests and what may be done with it now.

The request serializers check only shapes (a string is a string, tags a list); the limits and
their messages are editorial.forms.ArticleForm's, applied by the view, as on the web.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from newsdesk.api.endpoints.review_serializers import (
    CheckReportSerializer,
    DeskArticleSerializer,
    TextField,
    checks_summary,
)
from newsdesk.api.serializers import CoverSerializer, PersonSerializer, TagSerializer, person
from newsdesk.api.serializers import cover_data as public_cover_data
from newsdesk.articles.alternates import absolute_url
from newsdesk.articles.models import BODY_MAX_BYTES, LEAD_MAX, TITLE_MAX, Article
from newsdesk.editorial.forms import MAX_TAGS

# What may be done with a submission now, in the order a writer goes: PATCH it, POST .../cover/,
# POST .../checks/, POST .../submit/, POST .../withdraw/.
NEXT_ACTIONS = ("edit", "cover", "check", "submit", "withdraw")
# The fields a write takes, and what POST and PUT fill in for those left out (as the web form's
# empty fields and save_article's default kind).
TEXT_FIELDS = ("title", "lead", "body", "language", "kind", "section", "tags")
DEFAULTS = {"lead": "", "tags": [], "kind": Article.Kind.NEWS}


class SubmissionSerializer(DeskArticleSerializer):
    """One of the writer's articles, as their dashboard lists it."""

    API_NAME = "submission"
    WEB_NAME = "editorial:edit"

    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField(help_text="the public page, while it is published")

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_url(self, article) -> str | None:
        if article.status != Article.Status.PUBLISHED:
            return None
        return absolute_url(article.get_absolute_url())


class ChangeRequestSerializer(serializers.Serializer):
    """An editor's request for changes, or a rejection, with its note (newest first)."""

    action = serializers.ChoiceField(choices=["request_changes", "reject"])
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    editor = serializers.SerializerMethodField()

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_editor(self, entry) -> dict | None:
        return person(entry.actor)


def check_report_data(report) -> dict | None:
    if report is None:
        return None
    data = {**checks_summary(report), "revision_number": report.revision_number}
    data["results"] = report.results if isinstance(report.results, list) else []
    return CheckReportSerializer(data).data


class SubmissionDetailSerializer(SubmissionSerializer):
    """One of the writer's articles, as the editor page shows it. The view sets `report`,
    `requests`, `revision`, `next_actions`, `locked_because` and `guidelines_version`."""

    slug = serializers.CharField()
    lead = serializers.CharField()
    body = serializers.CharField(help_text="the Markdown as written")
    html = serializers.CharField(
        source="body_html",
        help_text="the body rendered and sanitised, as the public page shows it (no raw HTML,"
        " no scripts)",
    )
    word_count = serializers.IntegerField()
    reading_minutes = serializers.IntegerField()
    tags = TagSerializer(many=True)
    cover = serializers.SerializerMethodField(
        help_text="generated art until one is uploaded; the URL of an unpublished cover is"
        " for its author and editors only"
    )
    revision = serializers.IntegerField(
        help_text="the number of the text's latest revision: send it back as `revision` with"
        " an edit to refuse it (412) when someone changed the text meanwhile"
    )
    check_report = serializers.SerializerMethodField(help_text="the latest automated checks")
    change_requests = ChangeRequestSerializer(
        source="requests", many=True, help_text="the editors' latest notes, newest first"
    )
    guidelines_version = serializers.IntegerField(
        allow_null=True, help_text="the current guidelines, which submitting accepts"
    )
    next_actions = serializers.ListField(
        child=serializers.ChoiceField(choices=NEXT_ACTIONS),
        help_text="what this token's user may do with it now: edit (PATCH), cover, check,"
        " submit, withdraw (POST .../<action>/)",
    )
    locked_because = serializers.CharField(
        allow_null=True, help_text="why its text can't be changed now (null: it can)"
    )

    @extend_schema_field(CoverSerializer(allow_null=True))
    def get_cover(self, article) -> dict | None:
        return public_cover_data(article.cover) if article.cover_id else None

    @extend_schema_field(CheckReportSerializer(allow_null=True))
    def get_check_report(self, article) -> dict | None:
        return check_report_data(article.report)


def _text(**kwargs):
    # Blank and untrimmed: ArticleForm strips and refuses what is empty, with its messages.
    return TextField(allow_blank=True, trim_whitespace=False, **kwargs)


class TagNameField(TextField):
    def to_internal_value(self, data):
        name = super().to_internal_value(data)
        if "," in name:
            raise serializers.ValidationError("A tag name may not contain a comma.")
        return name


class SubmissionWriteSerializer(serializers.Serializer):
    """The text of a submission. Limits (checked as the editor page checks them, with its
    messages): the title up to TITLE_MAX characters, the lead up to LEAD_MAX, the body up to
    1 MB of UTF-8, a BCP 47 language tag, up to MAX_TAGS tags."""

    title = _text(help_text=f"up to {TITLE_MAX} characters")
    lead = _text(required=False, help_text=f"up to {LEAD_MAX} characters")
    body = _text(
        help_text=f"Markdown, up to {BODY_MAX_BYTES // (1024 * 1024)} MB as UTF-8; raw HTML is"
        " shown as text"
    )
    language = _text(help_text="a BCP 47 tag: de, en, de-AT, fr ...")
    kind = serializers.ChoiceField(choices=Article.Kind.values, required=False)
    section = _text(help_text="the section's slug (GET /api/v1/sections/)")
    tags = serializers.ListField(
        child=TagNameField(), required=False, help_text=f"tag names, up to {MAX_TAGS}"
    )
    revision = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="edits only: the `revision` this edit is based on; a 412 if the text has"
        " a newer one",
    )

    def validate(self, data):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({unknown[0]: ["is not a field here"]})
        return data


class SubmitSerializer(serializers.Serializer):
    accepted_guidelines_version = serializers.IntegerField(
        help_text="the number of the guidelines the writer read and accepts"
        " (`guidelines_version` of the submission): the current one, or a 400"
    )

    def validate(self, data):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({unknown[0]: ["is not a field here"]})
        value = self.initial_data.get("accepted_guidelines_version")
        if isinstance(value, bool) or not isinstance(value, int):
            raise serializers.ValidationError(
                {"accepted_guidelines_version": ["must be a whole number (a JSON integer)"]}
            )
        return data


class CoverUploadSerializer(serializers.Serializer):
    """The multipart form of a cover upload (for a raw image body: the same fields as query
    parameters)."""

    image = serializers.FileField(help_text="JPEG, PNG or WebP, up to 10 MB")
    alt = serializers.CharField(max_length=300, help_text="what the image shows, for readers")
    credit = serializers.CharField(max_length=200, required=False)
    ai_generated = serializers.BooleanField(
        required=False, help_text="made by an image model: labelled as computer-generated"
    )


class NoBodySerializer(serializers.Serializer):
    """Takes no body."""

"""What the API shows of a submission under review, and what it accepts as a decision.

The queue's row is the web queue's (editorial/queue.html) plus a summary of the latest
automated checks; one submission is the review page (editorial/review.html): the text as
written and as rendered, the checks, the revisions and their diff, the author's record, the
audit entries and the decisions its state allows this editor now. Only editors and admins get
here (their token's `reviews:write`, then editorial.permissions).
"""

import datetime as dt

from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from newsdesk.api.serializers import (
    PersonSerializer,
    SectionSerializer,
    TagSerializer,
    api_url,
    person,
)
from newsdesk.articles.alternates import absolute_url
from newsdesk.articles.models import Article, Section
from newsdesk.editorial.checks.base import Status
from newsdesk.editorial.forms import NoteForm, QueueFilterForm

# The decisions POST .../decisions takes, in the order the review page shows its buttons.
DECISIONS = ("publish", "approve", "request_changes", "reject", "unpublish", "schedule")
CHECK_STATUSES = tuple(str(s) for s in Status)
# What the claim buttons do: take_over is a claim with force (editorial.views.CLAIM_BUTTONS).
CLAIM_ACTIONS = ("claim", "take_over", "release")
# As the web's forms: a note of the decision form, the queue filter's bounds.
NOTE_MAX = NoteForm.base_fields["note"].max_length
OLDER_THAN_MAX = QueueFilterForm.base_fields["older_than_days"].max_value


class ChecksSummarySerializer(serializers.Serializer):
    checked_at = serializers.DateTimeField(source="created_at")
    blocking = serializers.BooleanField(help_text="a failure that keeps it from being submitted")
    failures = serializers.IntegerField()
    warnings = serializers.IntegerField()
    passed = serializers.IntegerField()


def latest_report(article):
    """The latest check report the view fetched with the article (`latest_reports`)."""
    return next(iter(article.latest_reports), None)


def checks_summary(report) -> dict | None:
    if report is None:
        return None
    statuses = [r.get("status") for r in report.results if isinstance(r, dict)]
    return {
        "created_at": report.created_at,
        "blocking": report.blocking,
        "failures": statuses.count(Status.FAILURE),
        "warnings": statuses.count(Status.WARNING),
        "passed": statuses.count(Status.PASS),
    }


class DeskArticleSerializer(serializers.Serializer):
    """An unpublished article as a desk lists it (the review queue, a writer's submissions):
    where it is in the API (`API_NAME`) and on the site (`WEB_NAME`), its state and place."""

    API_NAME = ""
    WEB_NAME = ""

    id = serializers.IntegerField()
    api_url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField(
        help_text="its page on the desk: the review page for editors, the editor for its writer"
    )
    title = serializers.CharField()
    language = serializers.CharField(help_text="BCP 47")
    kind = serializers.ChoiceField(choices=Article.Kind.values)
    section = SectionSerializer()
    state = serializers.ChoiceField(choices=Article.Status.choices, source="status")
    state_label = serializers.CharField(source="get_status_display")

    def get_api_url(self, article) -> str:
        return api_url(self.API_NAME, article_id=article.pk)

    def get_web_url(self, article) -> str:
        return absolute_url(reverse(self.WEB_NAME, args=[article.pk]))


class ReviewSerializer(DeskArticleSerializer):
    """A submission as the review queue lists it. The view sets `latest_reports` on each."""

    API_NAME = "review"
    WEB_NAME = "editorial:review"

    author = PersonSerializer()
    claimed_by = PersonSerializer(allow_null=True, help_text="the editor reviewing it, if any")
    claimed_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    checks = serializers.SerializerMethodField(help_text="the latest automated checks, if any ran")

    @extend_schema_field(ChecksSummarySerializer(allow_null=True))
    def get_checks(self, article) -> dict | None:
        summary = checks_summary(latest_report(article))
        return None if summary is None else ChecksSummarySerializer(summary).data


class CheckResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(choices=CHECK_STATUSES)
    field = serializers.CharField()
    message = serializers.CharField()
    details = serializers.JSONField(
        help_text="what the check found (near-duplicates: `matches`, with unpublished ones)"
    )


class CheckReportSerializer(ChecksSummarySerializer):
    revision_number = serializers.IntegerField(allow_null=True)
    results = serializers.SerializerMethodField()

    @extend_schema_field(CheckResultSerializer(many=True))
    def get_results(self, report) -> list[dict]:
        results = [r for r in report["results"] if isinstance(r, dict)]
        return [
            {
                "code": str(r.get("code", "")),
                "status": str(r.get("status", "")),
                "field": str(r.get("field", "")),
                "message": str(r.get("message", "")),
                "details": r.get("details") or {},
            }
            for r in results
        ]


class RevisionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = PersonSerializer(allow_null=True)
    note = serializers.CharField()


class DiffRowSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=["title", "lead", "body"])
    change = serializers.ChoiceField(choices=["replace", "delete", "insert"], source="kind")
    old = serializers.CharField(allow_blank=True)
    new = serializers.CharField(allow_blank=True)
    old_line = serializers.IntegerField(allow_null=True)
    new_line = serializers.IntegerField(allow_null=True)


class DiffCutSerializer(serializers.Serializer):
    field = serializers.CharField()
    chars = serializers.IntegerField(help_text="length of the longer revision of the field")
    first = serializers.IntegerField()
    last = serializers.IntegerField()


class DiffSerializer(serializers.Serializer):
    """The last two revisions compared, as the review page shows them."""

    old_revision = serializers.IntegerField()
    new_revision = serializers.IntegerField()
    rows = DiffRowSerializer(many=True)
    cut = DiffCutSerializer(
        allow_null=True, help_text="the texts were too long to compare in full: what was compared"
    )


def diff_data(diff: dict | None) -> dict | None:
    if diff is None:
        return None
    return {
        "old_revision": diff["old"].number,
        "new_revision": diff["new"].number,
        "rows": [
            {**row, "old_line": row["old_line"] or None, "new_line": row["new_line"] or None}
            for row in diff["rows"]
        ],
        "cut": diff["cut"],
    }


class AuditDetailSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class AuditEntrySerializer(serializers.Serializer):
    """One recorded decision (editorial.models.AuditEntry), newest first."""

    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField(help_text="null: newsdesk itself (a schedule)")
    action = serializers.CharField()
    action_label = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    details = serializers.SerializerMethodField()

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_actor(self, entry) -> dict | None:
        return person(entry.actor)

    @extend_schema_field(AuditDetailSerializer(many=True))
    def get_details(self, entry) -> list[dict]:
        return [{"label": str(label), "value": value} for label, value in entry.details]


class AuthorRecordSerializer(serializers.Serializer):
    """What the review page says about the author: their articles by outcome."""

    published = serializers.IntegerField()
    rejected = serializers.IntegerField()
    unpublished = serializers.IntegerField()
    taken_down = serializers.IntegerField()
    recent = serializers.ListField(
        child=serializers.DictField(), help_text="their latest articles: id, title, state"
    )


class ReviewDetailSerializer(ReviewSerializer):
    """One submission as the review page shows it. The view sets `latest_reports`, `diff`,
    `revision_list`, `author_record`, `audit_entries`, `allowed_decisions`, `claim_action`."""

    slug = serializers.CharField()
    lead = serializers.CharField()
    body = serializers.CharField(help_text="the Markdown as written")
    body_html = serializers.CharField(help_text="sanitised HTML, as the public page would show it")
    word_count = serializers.IntegerField()
    reading_minutes = serializers.IntegerField()
    tags = TagSerializer(many=True)
    scheduled_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    check_report = serializers.SerializerMethodField(help_text="the latest automated checks")
    revisions = RevisionSerializer(source="revision_list", many=True, help_text="newest first")
    diff = serializers.SerializerMethodField()
    author_record = AuthorRecordSerializer()
    audit = AuditEntrySerializer(source="audit_entries", many=True, help_text="newest first")
    allowed_decisions = serializers.ListField(
        child=serializers.ChoiceField(choices=DECISIONS),
        help_text="what POST .../decisions accepts now: the state allows it (editorial"
        " TRANSITIONS) and so does this editor's role",
    )
    claim_action = serializers.ChoiceField(
        choices=CLAIM_ACTIONS,
        allow_null=True,
        help_text="claim: POST .../claim; take_over: POST .../claim with force (another editor"
        " holds it); release: POST .../release (this editor holds it); null: none now",
    )

    @extend_schema_field(CheckReportSerializer(allow_null=True))
    def get_check_report(self, article) -> dict | None:
        report = latest_report(article)
        if report is None:
            return None
        data = {**checks_summary(report), "revision_number": report.revision_number}
        data["results"] = report.results if isinstance(report.results, list) else []
        return CheckReportSerializer(data).data

    @extend_schema_field(DiffSerializer(allow_null=True))
    def get_diff(self, article) -> dict | None:
        return diff_data(article.diff)


class QueueFilterSerializer(serializers.Serializer):
    """The web queue's filters (editorial.forms.QueueFilterForm); a section by its slug."""

    section = serializers.SlugRelatedField(
        slug_field="slug", queryset=Section.objects.all(), required=False
    )
    language = serializers.CharField(max_length=35, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Article.Kind.choices, required=False, allow_blank=True)
    older_than_days = serializers.IntegerField(
        min_value=0, max_value=OLDER_THAN_MAX, required=False
    )


class StrictBooleanField(serializers.BooleanField):
    """true or false, not "yes" or 1."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class ClaimSerializer(serializers.Serializer):
    force = StrictBooleanField(
        default=False,
        help_text="take over another editor's claim (recorded), as the web's 'Take over'",
    )

    def validate(self, data):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({unknown[0]: ["is not a field here"]})
        return data


class TextField(serializers.CharField):
    """A string, and only a string (DRF's CharField would take 5 for "5")."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "string", "format": "date-time"})
class AwareDateTimeField(serializers.Field):
    """ISO 8601 with a time zone offset (`Z` or `+01:00`): a time without one is ambiguous."""

    default_error_messages = {
        "invalid": "must be an ISO 8601 date-time, such as 2027-01-31T08:00:00+01:00",
        "naive": "needs a time zone offset (Z or +01:00, say)",
        "range": "is out of range",
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            parsed = parse_datetime(data.strip())
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail("invalid")
        if parsed.tzinfo is None:
            self.fail("naive")
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            self.fail("range")

    def to_representation(self, value):
        return value.isoformat()


class ReviewDecisionSerializer(serializers.Serializer):
    """One decision, as the review page's buttons send it."""

    decision = serializers.ChoiceField(choices=DECISIONS)
    note = TextField(
        max_length=NOTE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="to the author (mailed with the decision); required for request_changes",
    )
    reason = TextField(
        max_length=NOTE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="reject only, and required there: why, for the author",
    )
    at = AwareDateTimeField(
        required=False, help_text="schedule only, and required there: when it goes public"
    )

    def validate(self, data):
        if not isinstance(self.initial_data, dict):
            raise serializers.ValidationError("Expected a JSON object.")
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({unknown[0]: ["is not a field here"]})
        decision = data["decision"]
        if decision == "request_changes" and not data["note"].strip():
            raise serializers.ValidationError({"note": ["Tell the author what to change."]})
        if decision == "reject":
            if not data["reason"].strip():
                raise serializers.ValidationError({"reason": ["Give the author a reason."]})
            if data["note"].strip():
                raise serializers.ValidationError({"note": ["reject takes `reason`, not `note`"]})
        elif "reason" in self.initial_data:
            raise serializers.ValidationError({"reason": ["only with reject"]})
        if decision == "schedule":
            if "at" not in data:
                raise serializers.ValidationError({"at": ["This field is required."]})
            if data["at"] <= timezone.now():
                raise serializers.ValidationError({"at": ["Choose a time in the future."]})
        elif "at" in self.initial_data:
            raise serializers.ValidationError({"at": ["only with schedule"]})
        return data


class ReleaseSerializer(serializers.Serializer):
    """Releasing takes no body."""


# The request schema, one member per decision, saying what each needs (the checks themselves
# are ReviewDecisionSerializer's; a time in the future is one a schema can't state).
_WORDS = [RegexValidator(r"\S")]


def _member(name: str, **fields) -> type:
    # A const, not a one-value enum: drf-spectacular would name each such enum a component.
    const = extend_schema_field({"type": "string", "const": name})
    fields = {"decision": const(type("DecisionField", (serializers.CharField,), {}))(), **fields}
    class_name = "Review" + name.title().replace("_", "") + "Serializer"
    return type(class_name, (serializers.Serializer,), fields)


def _note(required=False):
    if required:
        return serializers.CharField(max_length=NOTE_MAX, validators=_WORDS)
    return serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True)


DECISION_REQUEST = PolymorphicProxySerializer(
    component_name="ReviewDecision",
    serializers={
        "publish": _member("publish", note=_note()),
        "approve": _member("approve", note=_note()),
        "request_changes": _member("request_changes", note=_note(required=True)),
        "reject": _member("reject", reason=_note(required=True)),
        "unpublish": _member("unpublish", note=_note()),
        "schedule": _member(
            "schedule",
            at=AwareDateTimeField(help_text="in the future, with a time zone offset"),
            note=_note(),
        ),
    },
    resource_type_field_name="decision",
)

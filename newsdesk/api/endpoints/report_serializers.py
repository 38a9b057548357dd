"""What the API shows of a report: the queue's row, and the case as editors see it on the web
(reports/templates/reports/detail.html): the reporter's details, the article, the state, the
counter-notice, the history and the article's audit entries. Only editors and admins get here."""

from django.urls import reverse
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from newsdesk.api.serializers import PersonSerializer, api_url, person
from newsdesk.articles.alternates import absolute_url
from newsdesk.editorial.grounds import Ground
from newsdesk.reports.models import TEXT_MAX, URL_MAX, Report, ReportEvent

# The decisions the web's report page offers (reports.views.DECISIONS), and the two triage
# steps it has beside them (assign an unassigned report, correct the ground).
DECISIONS = ("take_down", "reject", "ask", "restore", "change_ground", "assign")


def check_query(request, allowed: set[str]) -> None:
    """Only the parameters an operation has (and the page's), none given empty: a 400 names
    the first one that is not."""
    for name in sorted(request.query_params):
        if name not in allowed | {"limit", "offset"}:
            raise serializers.ValidationError({name: ["is not a parameter here"]})
        if request.query_params[name] == "":
            raise serializers.ValidationError({name: ["may not be empty"]})


class ReportArticleSerializer(serializers.Serializer):
    """The reported article, in whatever state it is (a taken-down one answers 451 at
    `api_url`)."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    api_url = serializers.SerializerMethodField()

    def get_api_url(self, article) -> str:
        return api_url("article", ref=article.pk)


class ReportArticleWithAuthorSerializer(ReportArticleSerializer):
    author = PersonSerializer()


class ReportSerializer(serializers.Serializer):
    """A report as the editors' queue lists it."""

    case = serializers.CharField(source="case_number")
    api_url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField(help_text="the report's page for editors")
    ground = serializers.ChoiceField(choices=Ground.choices)
    ground_label = serializers.CharField(source="get_ground_display")
    state = serializers.ChoiceField(choices=Report.State.choices)
    state_label = serializers.CharField(source="get_state_display")
    source = serializers.ChoiceField(choices=Report.Source.choices)
    is_open = serializers.BooleanField(help_text="waiting for a decision (new or needs info)")
    article = ReportArticleSerializer(allow_null=True, help_text="null: unassigned")
    reporter_name = serializers.CharField()
    reporter_email = serializers.CharField()
    mail_subject = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_api_url(self, report) -> str:
        return api_url("report", case=report.case_number)

    def get_web_url(self, report) -> str:
        return absolute_url(reverse("reports:detail", kwargs={"case": report.case_number}))


class ReporterSerializer(serializers.Serializer):
    name = serializers.CharField(source="reporter_name")
    email = serializers.CharField(source="reporter_email")
    address = serializers.CharField(source="reporter_address")
    phone = serializers.CharField(source="reporter_phone")
    relationship = serializers.CharField()


class CounterNoticeSerializer(serializers.Serializer):
    statement = serializers.CharField(source="counter_statement")
    name = serializers.CharField(source="counter_name")
    address = serializers.CharField(source="counter_address")
    signature = serializers.CharField(source="counter_signature")
    at = serializers.DateTimeField(source="counter_at")


class ReportEventSerializer(serializers.Serializer):
    # A plain string in the schema: an enum named "kind" would clash with the article's.
    kind = serializers.CharField(help_text=", ".join(ReportEvent.Kind.values))
    kind_label = serializers.CharField(source="get_kind_display")
    actor = serializers.SerializerMethodField(help_text="null: the reporter or newsdesk")
    note = serializers.CharField()
    data = serializers.DictField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_actor(self, event) -> dict | None:
        return person(event.actor)


class ReportAuditSerializer(serializers.Serializer):
    """An editorial audit entry of the article (take-downs and restores carry ground and
    case)."""

    action = serializers.CharField()
    action_label = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    actor = serializers.SerializerMethodField(help_text="null: newsdesk")
    note = serializers.CharField()
    ground = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_actor(self, entry) -> dict | None:
        return person(entry.actor)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_ground(self, entry) -> str | None:
        return entry.data.get("ground") if isinstance(entry.data, dict) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_case(self, entry) -> str | None:
        return entry.data.get("case") if isinstance(entry.data, dict) else None


class ReportVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    language = serializers.CharField()


class OtherReportSerializer(serializers.Serializer):
    case = serializers.CharField(source="case_number")
    ground = serializers.ChoiceField(choices=Ground.choices)
    state = serializers.ChoiceField(choices=Report.State.choices)
    created_at = serializers.DateTimeField()


class ReportAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    declared_type = serializers.CharField()
    sha256 = serializers.CharField()
    download_url = serializers.SerializerMethodField(
        help_text="the editors' web download (a logged-in session, not a token)"
    )

    def get_download_url(self, attachment) -> str:
        path = reverse(
            "reports:attachment",
            kwargs={"case": attachment.report.case_number, "attachment_id": attachment.pk},
        )
        return absolute_url(path)


class ReportDetailSerializer(ReportSerializer):
    """The case: everything the editors' report page shows, and the decisions open now."""

    article = ReportArticleWithAuthorSerializer(allow_null=True, help_text="null: unassigned")
    reporter = ReporterSerializer(source="*")
    language = serializers.CharField(help_text="the reporter's language: their mails use it")
    work = serializers.CharField()
    passage = serializers.CharField()
    original_url = serializers.CharField()
    original_text = serializers.CharField()
    explanation = serializers.CharField()
    good_faith = serializers.BooleanField()
    accurate = serializers.BooleanField()
    signature = serializers.CharField()
    decision_note = serializers.CharField(help_text="what the editor wrote the reporter last")
    counter_notice = serializers.SerializerMethodField()
    court_action_at = serializers.DateTimeField(allow_null=True)
    restored_at = serializers.DateTimeField(allow_null=True)
    restore_possible_from = serializers.DateTimeField(
        allow_null=True, help_text="when the waiting period after the counter-notice ends"
    )
    decisions = serializers.ListField(
        child=serializers.CharField(),
        help_text="the `decision`s POST .../decisions/ accepts for this report now",
    )
    versions = ReportVersionSerializer(
        many=True, help_text="other published language versions: a take-down takes them too"
    )
    versions_taken_down = ReportVersionSerializer(
        many=True, help_text="language versions taken down under this case"
    )
    other_reports = OtherReportSerializer(many=True)
    attachments = ReportAttachmentSerializer(many=True)
    events = ReportEventSerializer(
        many=True, source="history", help_text="the report's history, oldest first"
    )
    audit = ReportAuditSerializer(many=True, help_text="the article's newest audit entries")

    @extend_schema_field(CounterNoticeSerializer(allow_null=True))
    def get_counter_notice(self, case) -> dict | None:
        if case.counter_at is None:
            return None
        return CounterNoticeSerializer(case).data


# Text that says something: a non-blank character, and no NUL (which no database keeps). As
# a pattern in the schema too, so that it promises only what is accepted.
SAYS_SOMETHING = r"^[^\x00]*[^\s\x00][^\x00]*$"
NO_NUL = r"^[^\x00]*$"


def _decision(name: str) -> serializers.ChoiceField:
    """The `decision` of one kind of decision: exactly `name`."""
    return serializers.ChoiceField(choices=[name])


def _note(help_text: str) -> serializers.RegexField:
    return serializers.RegexField(
        NO_NUL,
        max_length=TEXT_MAX,
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
        help_text=help_text,
    )


def _text(help_text: str, max_length: int) -> serializers.RegexField:
    return serializers.RegexField(
        SAYS_SOMETHING, max_length=max_length, trim_whitespace=False, help_text=help_text
    )


class ReportTakeDownSerializer(serializers.Serializer):
    """Take the (published) article down, and its other language versions with it."""

    decision = _decision("take_down")
    note = _note("sent to the reporter and in the author's notice")


class ReportRejectSerializer(serializers.Serializer):
    """Close the report without action; the reporter gets the reason."""

    decision = _decision("reject")
    note = _text("the reason, mailed to the reporter", TEXT_MAX)


class ReportAskSerializer(serializers.Serializer):
    """Ask the reporter for more; they answer on their status page."""

    decision = _decision("ask")
    note = _text("the question, mailed to the reporter", TEXT_MAX)


class ReportRestoreSerializer(serializers.Serializer):
    """Publish the article again after a counter-notice, once its waiting period is over."""

    decision = _decision("restore")
    note = _note("sent to the reporter and the author")


class ReportChangeGroundSerializer(serializers.Serializer):
    """Correct what the report is about, while it waits for a decision."""

    decision = _decision("change_ground")
    ground = serializers.ChoiceField(choices=Ground.choices)


class ReportAssignSerializer(serializers.Serializer):
    """Attach an unassigned (mailed) report to the article it is about."""

    decision = _decision("assign")
    article = _text("the article's address on this site, or its slug", URL_MAX)


DECISION_SERIALIZERS = {
    "take_down": ReportTakeDownSerializer,
    "reject": ReportRejectSerializer,
    "ask": ReportAskSerializer,
    "restore": ReportRestoreSerializer,
    "change_ground": ReportChangeGroundSerializer,
    "assign": ReportAssignSerializer,
}
assert tuple(DECISION_SERIALIZERS) == DECISIONS  # noqa: S101 - one list of decisions

DecisionSerializer = PolymorphicProxySerializer(
    component_name="ReportDecision",
    serializers=DECISION_SERIALIZERS,
    resource_type_field_name="decision",
)


def decision_from(data) -> dict:
    """The request body checked against the serializer of its `decision`; a ValidationError
    (400) for anything else, and for a field that decision does not take (it would be
    silently ignored otherwise)."""
    if not isinstance(data, dict):
        raise serializers.ValidationError({"decision": ["Send a JSON object."]})
    name = data.get("decision")
    if not isinstance(name, str) or name not in DECISION_SERIALIZERS:
        raise serializers.ValidationError({"decision": [f"must be one of {', '.join(DECISIONS)}"]})
    serializer = DECISION_SERIALIZERS[name](data=data)
    for field in ("note", "ground", "article"):
        if field in data and field not in serializer.fields:
            raise serializers.ValidationError({field: [f"{name} does not take a {field}"]})
        # DRF would take a number or a boolean as its text: the schema says a string.
        if field in data and not isinstance(data[field], str):
            raise serializers.ValidationError({field: ["must be a string"]})
    serializer.is_valid(raise_exception=True)
    return {"note": "", **serializer.validated_data}


class QueueFilterSerializer(serializers.Serializer):
    """The web queue's filters (reports.forms.QueueFilterForm), strictly: a bad value is a 400."""

    state = serializers.ChoiceField(
        choices=Report.State.choices,
        required=False,
        help_text="default: waiting (new, needs info, counter-notice)",
    )
    ground = serializers.ChoiceField(choices=Ground.choices, required=False)
    unassigned = serializers.BooleanField(required=False, default=False)

"""What the API shows editors of newsletters and issues, and admins of subscribers."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from newsdesk.api.serializers import api_url
from newsdesk.articles.alternates import absolute_url
from newsdesk.newsletter.models import Issue, Subscription


class DeskNewsletterSerializer(serializers.Serializer):
    """A newsletter as the desk sees it, active or retired."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    language = serializers.CharField()
    section = serializers.SerializerMethodField(help_text="the section's slug, if any")
    cadence = serializers.ChoiceField(choices=["manual", "weekly"])
    digest_needs_approval = serializers.BooleanField()
    is_active = serializers.BooleanField()
    from_email = serializers.CharField()
    from_name = serializers.CharField()
    issue_count = serializers.IntegerField(help_text="issues in every state")
    sent_count = serializers.IntegerField(help_text="issues sent")
    last_sent_at = serializers.DateTimeField(allow_null=True)
    issues_url = serializers.SerializerMethodField()
    subscribers_url = serializers.SerializerMethodField(help_text="admins only (subscribers:read)")
    archive_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_section(self, newsletter) -> str | None:
        return newsletter.section.slug if newsletter.section_id else None

    def get_issues_url(self, newsletter) -> str:
        return api_url("desk-newsletter-issues", newsletter_id=newsletter.pk)

    def get_subscribers_url(self, newsletter) -> str:
        return api_url("desk-newsletter-subscribers", newsletter_id=newsletter.pk)

    def get_archive_url(self, newsletter) -> str:
        return absolute_url(newsletter.get_absolute_url())


class DeskIssueSerializer(serializers.Serializer):
    """An issue in any state, with its schedule and how many copies went out."""

    id = serializers.IntegerField()
    newsletter = serializers.IntegerField(source="newsletter_id")
    subject = serializers.CharField()
    intro = serializers.CharField()
    status = serializers.ChoiceField(choices=Issue.Status.choices)
    status_label = serializers.CharField(source="get_status_display")
    scheduled_at = serializers.DateTimeField(
        allow_null=True, help_text="when a scheduled issue goes out"
    )
    started_at = serializers.DateTimeField(
        allow_null=True, help_text="when its recipients were fixed"
    )
    sent_at = serializers.DateTimeField(allow_null=True)
    recipient_count = serializers.IntegerField()
    sent_count = serializers.IntegerField(help_text="copies delivered to the mail server")
    failed_count = serializers.IntegerField(help_text="copies given up on")
    article_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    api_url = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField(help_text="the compose (or progress) screen")
    archive_url = serializers.SerializerMethodField(help_text="public once sent")

    def get_api_url(self, issue) -> str:
        return api_url(
            "desk-newsletter-issue", newsletter_id=issue.newsletter_id, issue_id=issue.pk
        )

    def get_web_url(self, issue) -> str:
        return absolute_url(reverse("newsletter_editor:edit", kwargs={"pk": issue.pk}))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_archive_url(self, issue) -> str | None:
        if issue.status != Issue.Status.SENT:
            return None
        return absolute_url(issue.get_absolute_url())


class IssueProgressSerializer(serializers.Serializer):
    """The send's counts, as its progress screen shows them (newsletter.queries.progress)."""

    status = serializers.ChoiceField(choices=Issue.Status.choices)
    total = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    retry = serializers.IntegerField(help_text="waiting to be tried again")
    remaining = serializers.IntegerField()
    done = serializers.BooleanField()


class DeskIssueArticleSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    id = serializers.IntegerField(source="article.pk")
    slug = serializers.CharField(source="article.slug")
    title = serializers.CharField(source="article.title")
    status = serializers.CharField(source="article.status", help_text="the article's state now")


class DeskIssueDetailSerializer(DeskIssueSerializer):
    created_by = serializers.SerializerMethodField()
    articles = DeskIssueArticleSerializer(many=True, source="entries")
    progress = IssueProgressSerializer()

    @extend_schema_field(
        serializers.CharField(allow_null=True, help_text="display name of the editor")
    )
    def get_created_by(self, issue) -> str | None:
        return issue.created_by.display_name if issue.created_by_id else None


class DeskSubscriberSerializer(serializers.Serializer):
    """One address's subscription to the newsletter: personal data, for admins only."""

    id = serializers.IntegerField(source="subscriber_id", help_text="the subscriber's id")
    email = serializers.CharField(source="subscriber.email")
    language = serializers.CharField(source="subscriber.language")
    # A plain string in the schema: an enum named "state" would clash with the report's.
    state = serializers.CharField(
        source="status",
        help_text="pending (not confirmed yet: double opt-in), confirmed or unsubscribed",
    )
    state_label = serializers.CharField(source="get_status_display")
    subscribed_at = serializers.DateTimeField(source="created_at")
    confirmed_at = serializers.DateTimeField(allow_null=True)
    consent_version = serializers.CharField(help_text="the consent text confirmed")
    unsubscribed_at = serializers.DateTimeField(allow_null=True)
    suppressed_at = serializers.DateTimeField(
        source="subscriber.suppressed_at",
        allow_null=True,
        help_text="a hard bounce or complaint: nothing is sent to the address",
    )
    suppressed_reason = serializers.CharField(source="subscriber.suppressed_reason")


class DeskSubscriberFilterSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Subscription.Status.choices, required=False)

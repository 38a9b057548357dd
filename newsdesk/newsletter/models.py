"""Newsletters, their subscribers, issues and one delivery row per recipient of an issue."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsdesk.core.models import TimestampedModel
from newsdesk.newsletter import tokens


class Newsletter(TimestampedModel):
    class Cadence(models.TextChoices):
        MANUAL = "manual", _("Only when an editor sends an issue")
        WEEKLY = "weekly", _("Weekly digest")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(unique=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=35, default="de")
    section = models.ForeignKey(
        "articles.Section", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_email = models.EmailField(_("sending address"))
    from_name = models.CharField(_("sender name"), max_length=120, blank=True)
    cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.MANUAL)
    # A weekly digest goes out by itself, or waits for an editor's approval.
    digest_needs_approval = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsletter:archive", kwargs={"slug": self.slug})


class Subscriber(TimestampedModel):
    """An email address, no account. `link_token` opens the subscriber's own page from any
    email; the database keeps only its nonce (see tokens.py)."""

    email = models.EmailField()
    token_nonce = models.CharField(
        max_length=2 * tokens.NONCE_BYTES, unique=True, default=tokens.new_nonce, editable=False
    )
    # SHA-256 of the random token of a subscriber from before tokens.py; empty for the others.
    legacy_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    language = models.CharField(max_length=35, default="de")
    # Hard bounces and complaints: nothing is sent to the address any more.
    suppressed_at = models.DateTimeField(null=True, blank=True)
    suppressed_reason = models.CharField(max_length=300, blank=True)
    # One confirmation mail per address per window (see actions.CONFIRMATION_WINDOW).
    last_confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="subscriber_email_unique")]

    def __str__(self):
        return self.email

    @property
    def link_token(self) -> str:
        return tokens.link_token(self.token_nonce)


class Subscription(TimestampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter = models.ForeignKey(
        Newsletter, on_delete=models.CASCADE, related_name="subscriptions"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    # sha256 of the single-use confirmation token; the token itself is only in the email.
    confirmation_hash = models.CharField(max_length=64, blank=True, db_index=True)
    confirmation_expires_at = models.DateTimeField(null=True, blank=True)
    requested_ip = models.GenericIPAddressField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_ip = models.GenericIPAddressField(null=True, blank=True)
    consent_version = models.CharField(max_length=40, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "newsletter"], name="one_subscription")
        ]
        indexes = [models.Index(fields=["newsletter", "status"])]

    def __str__(self):
        return f"{self.subscriber} → {self.newsletter} ({self.status})"


class Issue(TimestampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_APPROVAL = "awaiting_approval", _("Waiting for approval")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    newsletter = models.ForeignKey(Newsletter, on_delete=models.PROTECT, related_name="issues")
    subject = models.CharField(_("subject"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)
    articles = models.ManyToManyField("articles.Article", through="IssueArticle", related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the recipients were fixed (one Delivery each) and sending began / ended.
    started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("newsletter:issue", kwargs={"slug": self.newsletter.slug, "pk": self.pk})


class IssueArticle(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE)
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "article"], name="article_once_per_issue")
        ]

    def __str__(self):
        return f"{self.issue_id}#{self.position}: {self.article_id}"


class Delivery(models.Model):
    """One recipient of one issue. Created for every recipient when sending starts, so later
    subscriptions and cancellations do not change who gets the issue."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        RETRY = "retry", _("Temporary failure, will retry")
        FAILED = "failed", _("Failed")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Deterministic per delivery: a copy sent again after a crash carries the same one, and
    # bounces.py recognises a bounce of its own by it.
    message_id = models.CharField(max_length=255)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A worker's lease on this row while it sends it (see delivery.py).
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="one_delivery_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["issue", "status"])]

    def __str__(self):
        return f"{self.issue_id} → {self.email} ({self.status})"

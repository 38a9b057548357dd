"""Webhook endpoints, the outbox of events, one delivery per event and endpoint, and the
attempts made for each delivery (what the deliveries page shows).

An Event row is written only when at least one enabled endpoint subscribes to its type, in the
transaction of the change (receivers.py); it keeps the exact body that is sent, so every attempt
and every redelivery sends the same bytes under the same `webhook-id`.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsdesk.core.models import TimestampedModel


class Endpoint(TimestampedModel):
    """A URL that receives the events it subscribes to, signed with its secret."""

    url = models.URLField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # Event types (core.events.EVENT_TYPES) this endpoint receives.
    events = models.JSONField(_("events"), default=list)
    # Standard Webhooks secrets ("whsec_" + base64). Kept as they are: signing needs them.
    secret = models.CharField(max_length=100)
    # The secret before the last rotation, still signed with until it expires.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Failed attempts since the last answer in 2xx (shown on the page).
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return reverse("webhooks:endpoint", kwargs={"endpoint_id": self.pk})


class Event(models.Model):
    """The outbox: one row per event that at least one endpoint was to receive."""

    # "msg_" + a ULID: the `webhook-id` header and the body's `id`, sortable by time.
    id = models.CharField(primary_key=True, max_length=40, editable=False)
    type = models.CharField(max_length=60)
    created_at = models.DateTimeField()
    # The JSON body as it is sent, byte for byte, on every attempt.
    body = models.TextField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="webhooks_event_created")]

    def __str__(self):
        return f"{self.type} {self.id}"


class Delivery(models.Model):
    """One event to one endpoint, leased to one worker at a time."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERING = "delivering", _("Delivering")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When a PENDING delivery is due (its first attempt, or the next after a failure).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Who holds a DELIVERING row, and until when; an expired lease is taken over.
    lease_owner = models.CharField(max_length=80, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="webhooks_delivery_due"),
            models.Index(fields=["state", "lease_until"], name="webhooks_delivery_lease"),
            models.Index(fields=["endpoint", "-created_at"], name="webhooks_delivery_endpoint"),
        ]

    def __str__(self):
        return f"{self.event_id} -> {self.endpoint_id} ({self.state})"


class Attempt(models.Model):
    """One HTTP request of a delivery and what came back (or why nothing did)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_set")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    request_headers = models.JSONField(default=dict)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_headers = models.JSONField(default=dict)
    # The start of the response body (see delivery.STORED_BODY_BYTES).
    response_body = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self):
        return f"attempt {self.number} of {self.delivery_id}"

    @property
    def succeeded(self) -> bool:
        return self.response_status is not None and 200 <= self.response_status < 300

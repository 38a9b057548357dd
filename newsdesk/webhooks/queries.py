"""Reads for the webhooks pages and the API."""

from django.db.models import Count, Prefetch, Q

from newsdesk.webhooks.models import Attempt, Delivery, Endpoint


def endpoints_with_counts():
    """Every endpoint with its count of deliveries waiting and failed."""
    return Endpoint.objects.annotate(
        waiting=Count("deliveries", filter=Q(deliveries__state__in=["pending", "delivering"])),
        failed=Count("deliveries", filter=Q(deliveries__state="failed")),
    ).order_by("pk")


def deliveries_of(endpoint: Endpoint):
    """The endpoint's deliveries, newest first, with their event and attempts in two queries
    per page."""
    return (
        Delivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related(Prefetch("attempt_set", queryset=Attempt.objects.order_by("number")))
        .order_by("-created_at", "-pk")
    )


def next_retry_before(delivery_ids: list[int], limit):
    """The earliest time one of these deliveries waits for, if before `limit`."""
    return (
        Delivery.objects.filter(
            pk__in=delivery_ids, state=Delivery.State.PENDING, next_attempt_at__lt=limit
        )
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )

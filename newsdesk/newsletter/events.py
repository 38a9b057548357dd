"""What events about newsletters say (core.events: newsletter.sent, subscriber.confirmed,
subscriber.unsubscribed).

Subscriber events carry the address: they go only to endpoints an admin registered, as the
subscriber list goes only to admins' `subscribers:read` tokens (a CRM or mailing tool needs it).
"""

from django.conf import settings
from django.urls import reverse

from newsdesk.core.events import iso
from newsdesk.newsletter import queries
from newsdesk.newsletter.models import Issue, Subscriber, Subscription


def issue_data(issue: Issue) -> dict:
    counts = queries.progress(issue)
    return {
        "id": issue.pk,
        "newsletter": {"id": issue.newsletter_id, "slug": issue.newsletter.slug},
        "subject": issue.subject,
        "status": issue.status,
        "started_at": iso(issue.started_at),
        "sent_at": iso(issue.sent_at),
        "recipients": counts["total"],
        "sent": counts["sent"],
        "failed": counts["failed"],
        "api_url": settings.SITE_URL
        + reverse("api:desk-newsletter-issue", args=[issue.newsletter_id, issue.pk]),
    }


def subscriber_data(subscriber: Subscriber, *, newsletters: list[str]) -> dict:
    """`newsletters`: the slugs the event is about (confirmed or left); `subscribed`: every
    newsletter the address receives now."""
    subscribed = Subscription.objects.filter(
        subscriber=subscriber, status=Subscription.Status.CONFIRMED
    ).values_list("newsletter__slug", flat=True)
    return {
        "id": subscriber.pk,
        "email": subscriber.email,
        "language": subscriber.language,
        "newsletters": sorted(newsletters),
        "subscribed": sorted(subscribed),
    }

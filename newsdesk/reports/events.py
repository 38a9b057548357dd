"""What an event about a report says about it (core.events: report.received, report.decided).

The case, not the people: no reporter's or author's name, address or statement leaves the site
in an event (a receiver that needs them reads the case with a `reports:read` token).
"""

from django.conf import settings
from django.urls import reverse

from newsdesk.core.events import iso
from newsdesk.reports.models import Report


def report_data(report: Report) -> dict:
    site = settings.SITE_URL
    return {
        "case_number": report.case_number,
        "state": report.state,
        "ground": report.ground,
        "source": report.source,
        "language": report.language,
        "article": report.article_id,
        "api_url": site + reverse("api:report", args=[report.case_number]),
        "created_at": iso(report.created_at),
        "decided_at": iso(report.decided_at),
        "restored_at": iso(report.restored_at),
    }

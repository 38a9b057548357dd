"""What the report tests share: a complete copyright notice, filing it through the form, and
reading the mails that were really sent."""

import re

from django.core import mail

from newsdesk.reports.models import Report

COPYRIGHT = {
    "work": "Die Stadtwerke erhöhen die Preise, by Rita Rechte, example.net, October 2026",
    "passage": "Der Rat hat getagt.",
    "original_url": "https://example.net/stadtwerke-preise",
    "original_text": "",
    "reporter_name": "Rita Rechte",
    "reporter_email": "rights@example.net",
    "reporter_address": "Musterweg 1, 12345 Berlin",
    "reporter_phone": "+49 30 1234567",
    "good_faith": "on",
    "accurate": "on",
    "signature": "Rita Rechte",
}
STATUS_LINK = re.compile(r"https://news\.example\.org(/\w\w/reports/status/[^/\s]+/[^/\s]+/)")


def form_url(article, ground: str = "copyright") -> str:
    return f"/en/reports/new/?article={article.slug}&ground={ground}"


def file_copyright(client, article, **overrides):
    # Followed: a filed report is answered with a redirect to the confirmation page.
    return client.post(form_url(article), {**COPYRIGHT, **overrides}, follow=True)


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def status_path(message) -> str:
    return STATUS_LINK.search(message.body).group(1)


def only_report() -> Report:
    return Report.objects.get()

"""Mail to the admins when the system disabled an endpoint (410, or failing for a whole retry
schedule). Plain text, in the site's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from newsdesk.accounts.models import User
from newsdesk.webhooks.models import Endpoint


def admin_addresses() -> list[str]:
    admins = User.objects.filter(is_active=True).filter(
        Q(role=User.Role.ADMIN) | Q(is_superuser=True)
    )
    return sorted(admins.values_list("email", flat=True))


def endpoint_disabled(*, endpoint_id: int) -> None:
    endpoint = Endpoint.objects.filter(pk=endpoint_id).first()
    recipients = admin_addresses()
    if endpoint is None or not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Webhook endpoint disabled: %(url)s") % {"url": endpoint.url[:120]}
        body = render_to_string(
            "webhooks/email/endpoint_disabled.txt",
            {
                "endpoint": endpoint,
                "page_url": settings.SITE_URL + reverse("webhooks:endpoint", args=[endpoint.pk]),
            },
        )
    # One line: a URL with a newline must not add headers.
    send_mail(" ".join(subject.split())[:200], body, None, recipients)

"""Mail to contributors about editors' decisions, in the article's language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


def _subjects() -> dict[str, str]:
    return {
        "request_changes": _("Changes requested: %(title)s"),
        "approve": _("Approved: %(title)s"),
        "schedule": _("Scheduled: %(title)s"),
        "publish": _("Published: %(title)s"),
        "reject": _("Not accepted: %(title)s"),
        "unpublish": _("Unpublished: %(title)s"),
    }


def notify_author(*, article, action: str, note: str) -> None:
    with translation.override(article.ui_language):
        subject = _subjects()[action] % {"title": article.title[:120]}
        body = render_to_string(
            "editorial/email/decision.txt",
            {
                "article": article,
                "action": action,
                "note": note,
                "edit_url": settings.SITE_URL + reverse("editorial:edit", args=[article.pk]),
                "public_url": settings.SITE_URL + article.get_absolute_url(),
                "dashboard_url": settings.SITE_URL + reverse("editorial:dashboard"),
            },
        )
    # Subjects are one line: a title with a newline must not add headers.
    send_mail(" ".join(subject.split()), body, None, [article.author.email])

"""Mail about reports: to the reporter in the language they filed in, to the author in their
article's language. Plain text only, so nothing a reporter wrote is ever rendered as HTML.

The author's takedown notice carries what the notice says (ground, work, passage, the
original's location), never who sent it or how to reach them.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from newsdesk.reports import tokens
from newsdesk.reports.queries import versions_taken_down_with


def status_url(report) -> str:
    with translation.override(report.language):
        path = reverse(
            "reports:status", args=[report.case_number, tokens.token_for(report.token_nonce)]
        )
    return settings.SITE_URL + path


def counter_notice_url(report) -> str:
    with translation.override(report.article.ui_language):
        return settings.SITE_URL + reverse("reports:counter_notice", args=[report.case_number])


def _send(*, to: str, language: str, subject: str, template: str, context: dict) -> None:
    if not to:
        return  # a mailed report without a usable sender address
    with translation.override(language):
        body = render_to_string(f"reports/email/{template}.txt", context)
        subject = subject % context
    # Subjects are one line: a title with a newline must not add headers.
    send_mail(" ".join(subject.split())[:200], body, None, [to])


def _reporter_context(report) -> dict:
    return {
        "report": report,
        "case": report.case_number,
        "article": report.article,
        "status_url": status_url(report),
        "wait_days": settings.REPORTS_COUNTER_NOTICE_WAIT_DAYS,
    }


def confirm_filing(report) -> None:
    with translation.override(report.language):
        subject = _("Your report %(case)s has been received")
    _send(
        to=report.reporter_email,
        language=report.language,
        subject=subject,
        template="filed",
        context=_reporter_context(report),
    )


def _reporter_subjects() -> dict[str, str]:
    return {
        "info_requested": _("Your report %(case)s: we need more information"),
        "rejected": _("Your report %(case)s: decision"),
        "taken_down": _("Your report %(case)s: the article has been taken down"),
        "counter_notice": _("Your report %(case)s: the author has filed a counter-notice"),
        "restored": _("Your report %(case)s: the article has been restored"),
    }


def tell_reporter(report, kind: str) -> None:
    with translation.override(report.language):
        subject = _reporter_subjects()[kind]
    _send(
        to=report.reporter_email,
        language=report.language,
        subject=subject,
        template=kind,
        context=_reporter_context(report),
    )


def _author_context(report, article) -> dict:
    return {
        "report": report,
        "case": report.case_number,
        "article": article,
        "title": article.title[:120],
        "counter_notice_url": counter_notice_url(report),
    }


def _authors_articles(report) -> list:
    """The reported article and the language versions taken down with it, one per author
    (each author is told once, about their own article)."""
    seen, articles = set(), []
    for article in [report.article, *versions_taken_down_with(report)]:
        if article.author_id not in seen:
            seen.add(article.author_id)
            articles.append(article)
    return articles


def _tell_authors(report, subject: str, template: str) -> None:
    for article in _authors_articles(report):
        language = article.ui_language
        with translation.override(language):
            translated = _(subject)
        _send(
            to=article.author.email,
            language=language,
            subject=translated,
            template=template,
            context=_author_context(report, article),
        )


def tell_author_of_takedown(report) -> None:
    _tell_authors(report, gettext_noop("Taken down: %(title)s"), "author_takedown")


def tell_author_of_restore(report) -> None:
    _tell_authors(report, gettext_noop("Restored: %(title)s"), "author_restored")


def send(report, what: str) -> None:
    """The mail `what` ("filed", "author_takedown", "author_restored" or a ReportEvent kind told
    to the reporter) about `report`."""
    if what == "filed":
        confirm_filing(report)
    elif what == "author_takedown":
        tell_author_of_takedown(report)
    elif what == "author_restored":
        tell_author_of_restore(report)
    else:
        tell_reporter(report, what)

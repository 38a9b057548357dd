"""How an issue looks: its HTML and plain text, rendered once for all its recipients.

Each recipient's own links are placeholders here (`placeholders_for`); mime.py puts every
recipient's links into the already encoded message by substitution, so that sending 100,000
copies never renders a template again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import salted_hmac

from newsdesk.articles.images import DEFAULT_RENDITION_WIDTH
from newsdesk.articles.models import Article
from newsdesk.articles.reading_time import reading_time_label
from newsdesk.newsletter import queries
from newsdesk.newsletter.models import Issue, Newsletter

# The mail's column: what every common client shows without horizontal scrolling.
EMAIL_WIDTH = 600

NEWLINES = re.compile(r"\r\n|\r|\n")


def ui_language(newsletter: Newsletter) -> str:
    """The interface language an issue is written in: the newsletter's, or English."""
    primary = (newsletter.language or "").split("-")[0].lower()
    return primary if primary in dict(settings.LANGUAGES) else "en"


@dataclass(frozen=True)
class Placeholders:
    """Markers for each recipient's links in the rendered issue.

    Derived from the secret key and the issue, so no contributor can type them into a title.
    They contain nothing HTML escaping or quoted-printable encoding would change.
    """

    unsubscribe_url: str
    manage_url: str


def placeholders_for(issue: Issue) -> Placeholders:
    nonce = salted_hmac("newsdesk.newsletter.placeholder", str(issue.pk)).hexdigest()[:16]
    return Placeholders(f"%%unsubscribe-{nonce}%%", f"%%manage-{nonce}%%")


def absolute(url: str) -> str:
    return url if "://" in url else settings.SITE_URL + url


def _cover(image) -> dict | None:
    """The cover as a mail client shows it: one absolute JPEG (or the re-encoded original while
    the renditions are not made yet), sized for the mail's column."""
    if image is None or not image.file or not image.width:
        return None
    jpegs = [r for r in image.renditions or [] if r.get("format") == "jpeg"]
    if jpegs:
        best = min(jpegs, key=lambda r: abs(r["width"] - DEFAULT_RENDITION_WIDTH))
        src, width, height = image.url_for(best["name"]), best["width"], best["height"]
    else:
        src, width, height = image.file.url, image.width, image.height
    shown_width = min(EMAIL_WIDTH, width)
    return {
        "src": absolute(src),
        "width": shown_width,
        "height": max(1, round(height * shown_width / width)),
        "alt": image.alt,
        "computer_generated": image.generated or image.ai_generated,
    }


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", NEWLINES.sub("\n", text or "")) if p.strip()]


def render_issue(issue: Issue) -> tuple[str, str, str]:
    """(subject, HTML, plain text) of an issue, rendered once for all its recipients.

    The HTML and text contain `placeholders_for(issue)` where each recipient's unsubscribe and
    manage links go. Everything contributors wrote is escaped by the templates.
    """
    newsletter = issue.newsletter
    placeholders = placeholders_for(issue)
    with translation.override(ui_language(newsletter)):
        articles = [
            {
                "title": article.title,
                "url": absolute(article.get_absolute_url()),
                "lead": article.lead,
                "author": article.author.display_name,
                "reading_time": reading_time_label(article.reading_minutes, newsletter.language),
                "opinion": article.kind == Article.Kind.OPINION,
                "kind": article.get_kind_display(),
                "cover": _cover(article.cover),
            }
            for article in queries.visible_issue_articles(issue)
        ]
        context = {
            "issue": issue,
            "newsletter": newsletter,
            "subject": issue.subject,
            "intro_paragraphs": _paragraphs(issue.intro),
            "articles": articles,
            "language": ui_language(newsletter),
            "site_name": getattr(settings, "SITE_NAME", "newsdesk"),
            "site_url": settings.SITE_URL,
            "archive_url": absolute(issue.get_absolute_url()),
            "unsubscribe_url": placeholders.unsubscribe_url,
            "manage_url": placeholders.manage_url,
            "width": EMAIL_WIDTH,
        }
        html_part = render_to_string("newsletter/email/issue.html", context)
        text_part = render_to_string("newsletter/email/issue.txt", context)
    return " ".join(issue.subject.split()), html_part, _tidy_text(text_part)


def _tidy_text(text: str) -> str:
    """Template whitespace out of the plain-text part: no trailing spaces, at most one blank line."""
    lines = [line.rstrip() for line in NEWLINES.split(text)]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def fill_in(body: str, issue: Issue, *, unsubscribe_url: str, manage_url: str) -> str:
    """A rendered part with one recipient's links in place (the preview and the tests; sending
    substitutes into the encoded message instead, see mime.IssueMessage)."""
    placeholders = placeholders_for(issue)
    return body.replace(placeholders.unsubscribe_url, unsubscribe_url).replace(
        placeholders.manage_url, manage_url
    )

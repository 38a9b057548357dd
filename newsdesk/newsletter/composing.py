"""What an issue says and how it looks in a mail client: suggestions, saving a draft, the weekly
digest, rendering, and the MIME message every recipient gets.

An issue is rendered once (`render_issue`). Each recipient's own parts (To, Message-ID, the
unsubscribe and manage links) are then put into the already encoded message by substitution
(`IssueMessage.build`), so that sending 100,000 copies never renders a template again.
"""

from __future__ import annotations

import binascii
import datetime as dt
import html
import re
from dataclasses import dataclass
from email import policy
from email.header import Header
from email.utils import formataddr, formatdate

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from newsdesk.articles.images import DEFAULT_RENDITION_WIDTH
from newsdesk.articles.models import Article
from newsdesk.articles.queries import for_language, visible_articles
from newsdesk.articles.reading_time import reading_time_label
from newsdesk.core.errors import ActionRefused
from newsdesk.newsletter import queries
from newsdesk.newsletter.models import Issue, IssueArticle, Newsletter

# The compose screen offers this many suggestions; more would be a list nobody reads.
SUGGESTION_LIMIT = 30
# A digest that composes itself takes at most this many of the newest articles.
DIGEST_MAX_ARTICLES = 10
# The mail's column: what every common client shows without horizontal scrolling.
EMAIL_WIDTH = 600
# Issues whose content may still change; from SENDING on, what was sent is what the archive shows.
EDITABLE = {Issue.Status.DRAFT, Issue.Status.AWAITING_APPROVAL, Issue.Status.SCHEDULED}

_NEWLINES = re.compile(r"\r\n|\r|\n")


# --- suggestions and drafts -------------------------------------------------------------------


def last_issue_started_at(newsletter: Newsletter) -> dt.datetime | None:
    """When the recipients of the newsletter's latest sent issue were fixed (its content was
    final then), or None if nothing was sent yet."""
    issue = (
        newsletter.issues.filter(status__in=[Issue.Status.SENDING, Issue.Status.SENT])
        .order_by("-started_at")
        .only("started_at", "sent_at")
        .first()
    )
    return None if issue is None else issue.started_at or issue.sent_at


def suggested_articles(
    newsletter: Newsletter, since: dt.datetime | None = None, *, limit: int = SUGGESTION_LIMIT
) -> list[Article]:
    """Visible articles in the newsletter's language and section (any section if it has none),
    most recent first, published after `since` (default: since the last issue went out)."""
    if since is None:
        since = last_issue_started_at(newsletter)
    articles = for_language(visible_articles(), newsletter.language)
    if newsletter.section_id:
        articles = articles.filter(section_id=newsletter.section_id)
    if since is not None:
        articles = articles.filter(published_at__gt=since)
    return list(articles.order_by("-published_at", "-pk")[:limit])


def article_choices(newsletter: Newsletter, issue: Issue | None) -> tuple[list[Article], dict]:
    """The compose screen's checklist: the issue's own (still visible) articles first, then the
    suggestions; and {article pk: position} of the ticked ones (all suggestions for a new issue).
    """
    suggestions = suggested_articles(newsletter)
    if issue is None:
        return suggestions, {a.pk: n for n, a in enumerate(suggestions, start=1)}
    chosen = queries.visible_issue_articles(issue)
    positions = dict(IssueArticle.objects.filter(issue=issue).values_list("article_id", "position"))
    seen = {a.pk for a in chosen}
    return chosen + [a for a in suggestions if a.pk not in seen], {
        a.pk: positions.get(a.pk, n) for n, a in enumerate(chosen, start=1)
    }


@transaction.atomic
def save_issue(
    *,
    newsletter: Newsletter,
    subject: str,
    intro: str,
    articles: list[Article],
    by,
    issue: Issue | None = None,
) -> Issue:
    """Creates or updates a draft: subject, intro and the articles in the order given.

    Only issues that have not started sending can change. Articles the public may not see are
    dropped (an issue only ever shows what visible_articles() shows).
    """
    if issue is not None:
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status not in EDITABLE:
            raise ActionRefused(_("This issue is being sent or was sent; it can't change now."))
    else:
        issue = Issue(newsletter=newsletter, created_by=by)
    issue.subject = " ".join(subject.split())
    issue.intro = intro.strip()
    issue.full_clean(exclude=["articles"])
    issue.save()
    visible = set(
        visible_articles().filter(pk__in=[a.pk for a in articles]).values_list("pk", flat=True)
    )
    IssueArticle.objects.filter(issue=issue).delete()
    IssueArticle.objects.bulk_create(
        IssueArticle(issue=issue, article_id=article.pk, position=position)
        for position, article in enumerate((a for a in articles if a.pk in visible), start=1)
    )
    return issue


def compose_digest(*, newsletter: Newsletter, now: dt.datetime | None = None) -> Issue | None:
    """The weekly digest: the newest suggestions as a new issue that waits for an editor's
    approval or is scheduled at once, as the newsletter is configured. None when there is
    nothing new, or an earlier digest still waits for approval."""
    from newsdesk.newsletter.sending import schedule_issue  # sending.py imports this module

    now = now or timezone.now()
    if newsletter.issues.filter(status=Issue.Status.AWAITING_APPROVAL).exists():
        return None
    articles = suggested_articles(newsletter, limit=DIGEST_MAX_ARTICLES)
    if not articles:
        return None
    with translation.override(ui_language(newsletter)):
        subject = _("%(newsletter)s: the week to %(date)s") % {
            "newsletter": newsletter.name,
            "date": date_format(timezone.localtime(now), "DATE_FORMAT"),
        }
    with transaction.atomic():
        issue = save_issue(
            newsletter=newsletter, subject=subject, intro="", articles=articles, by=None
        )
        if newsletter.digest_needs_approval:
            issue.status = Issue.Status.AWAITING_APPROVAL
            issue.save(update_fields=["status", "updated_at"])
        else:
            issue = schedule_issue(issue=issue)
    return issue


# --- rendering --------------------------------------------------------------------------------


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
    return [p.strip() for p in re.split(r"\n\s*\n", _NEWLINES.sub("\n", text or "")) if p.strip()]


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
    lines = [line.rstrip() for line in _NEWLINES.split(text)]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def fill_in(body: str, issue: Issue, *, unsubscribe_url: str, manage_url: str) -> str:
    """A rendered part with one recipient's links in place (the preview and the tests; sending
    substitutes into the encoded message instead, see IssueMessage)."""
    placeholders = placeholders_for(issue)
    return body.replace(placeholders.unsubscribe_url, unsubscribe_url).replace(
        placeholders.manage_url, manage_url
    )


# --- the MIME message -------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    token: str
    message_id: str


def _qp(text: str) -> bytes:
    """Quoted-printable with CRLF line ends and lines of at most 76 characters (RFC 2045).

    A piece that does not end with a line break ends with a soft one, so pieces encoded apart
    can be put side by side and still decode to the text they were cut from.
    """
    encoded = binascii.b2a_qp(text.encode("utf-8"), istext=True)
    # b2a_qp keeps the input's line ends and uses "\n" for soft breaks when it saw none.
    encoded = encoded.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if encoded and not encoded.endswith(b"\r\n"):
        encoded += b"=\r\n"
    return encoded


def _crlf(text: str) -> str:
    text = _NEWLINES.sub("\r\n", text)
    return text if text.endswith("\r\n") else text + "\r\n"


_UNSAFE_IN_ADDRESS = re.compile(r"[\x00-\x20<>,;\"()\\\x7f]")


def ascii_address(email: str) -> str | None:
    """The address as SMTP and the To header take it (an IDNA domain), or None if it can't be
    one: nothing in it may start a new header or a second address."""
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or not domain or _UNSAFE_IN_ADDRESS.search(email.strip()):
        return None
    if not email.isascii():
        try:
            local.encode("ascii")
            domain = domain.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return f"{local}@{domain}"


def dot_stuff(data: bytes) -> bytes:
    """SMTP's transparency (RFC 5321 4.5.2) for a piece that starts at the start of a line:
    a line that starts with "." gets another one."""
    data = data.replace(b"\r\n.", b"\r\n..")
    return b"." + data if data.startswith(b".") else data


class _EncodedBody:
    """One quoted-printable part, encoded once, split where the recipient's links go."""

    def __init__(self, text: str, markers: dict[str, str]):
        pattern = re.compile("|".join(re.escape(m) for m in markers))
        self.pieces: list[bytes] = []
        self.slots: list[str] = []  # the name of the link between pieces[i] and pieces[i + 1]
        start = 0
        text = _crlf(text)
        for match in pattern.finditer(text):
            self.pieces.append(_qp(text[start : match.start()]))
            self.slots.append(markers[match.group()])
            start = match.end()
        self.pieces.append(_qp(text[start:]))

        self.stuffed = [dot_stuff(piece) for piece in self.pieces]

    def parts(self, values: dict[str, bytes], *, smtp: bool) -> list[bytes]:
        pieces = self.stuffed if smtp else self.pieces
        out = [pieces[0]]
        for slot, piece in zip(self.slots, pieces[1:], strict=True):
            out.append(values[slot])
            out.append(piece)
        return out


def _header(name: str, value: str) -> bytes:
    """A header line whose value is already ASCII (an address or a phrase encoded by us).

    Not through the email package's folding, which re-parses and can change the meaning (an
    encoded display name with a comma came out as two addresses)."""
    return f"{name}: {value}\r\n".encode("ascii")


def _subject_header(subject: str) -> bytes:
    """Subject as RFC 2047 encoded words where needed, folded at 78 (unstructured text)."""
    folded = policy.SMTP.header_factory("Subject", subject).fold(policy=policy.SMTP)
    return folded.encode("ascii")


def _list_id(newsletter: Newsletter) -> str:
    """RFC 2919: a phrase (quoted, or an encoded word) and <slug.site-host>."""
    label = " ".join(newsletter.name.split())
    if label.isascii():
        phrase = '"' + label.replace("\\", "").replace('"', "") + '"'
    else:
        phrase = Header(label, "utf-8").encode()
    return f"{phrase} <{newsletter.slug}.{settings.SITE_HOST}>"


def mail_domain(newsletter: Newsletter) -> str:
    """Where the mailto unsubscribe address lives: the sending address's domain, whose mail
    server pipes to `newsdesk ingest_mail` (settings.NEWSLETTER_MAIL_DOMAIN overrides it)."""
    return (
        getattr(settings, "NEWSLETTER_MAIL_DOMAIN", "") or newsletter.from_email.rsplit("@", 1)[-1]
    )


# Stands for the token while the URLs are reversed once per issue.
_RECIPIENT_SLOT = "newsdesk-recipient-token"


class IssueMessage:
    """An issue's message, encoded once; `build(recipient)` returns one recipient's bytes.

    Headers (RFC 5322, ASCII, CRLF): From, To, Subject, Date, Message-ID, List-Id,
    List-Unsubscribe (HTTPS and mailto) with List-Unsubscribe-Post (RFC 8058), Precedence: bulk;
    then multipart/alternative with a plain-text and an HTML part, both quoted-printable UTF-8.
    """

    def __init__(self, issue: Issue, rendered: tuple[str, str, str] | None = None):
        newsletter = issue.newsletter
        subject, html_part, text_part = rendered or render_issue(issue)
        placeholders = placeholders_for(issue)
        self.issue_id = issue.pk
        self.subject = subject
        self.html = html_part
        self.text = text_part
        self.envelope_from = getattr(settings, "NEWSLETTER_BOUNCE_ADDRESS", "") or (
            newsletter.from_email
        )
        self.from_header = formataddr(
            (newsletter.from_name or newsletter.name, newsletter.from_email), charset="utf-8"
        )
        with translation.override(ui_language(newsletter)):
            one_click = reverse("newsletter:one_click", args=[_RECIPIENT_SLOT, newsletter.slug])
            manage = reverse("newsletter:manage", args=[_RECIPIENT_SLOT])
        self._one_click = absolute(one_click).split(_RECIPIENT_SLOT, 1)
        self._manage = absolute(manage).split(_RECIPIENT_SLOT, 1)
        # unsubscribe+TOKEN.NEWSLETTER_ID@: the newsletter's id, not its slug, keeps the local
        # part within SMTP's 64 characters (bounces.py reads it).
        self._mailto = ("unsubscribe+", f".{newsletter.pk}@{mail_domain(newsletter)}")
        # "=_" never occurs in quoted-printable text, so it cannot collide with the content.
        self.boundary = "=_newsdesk_" + salted_hmac("boundary", str(issue.pk)).hexdigest()[:24]
        part_head = (
            '--{b}\r\nContent-Type: text/{sub}; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
        # Everything that is the same for all recipients, encoded once.
        self._static = {
            "from": _header("From", self.from_header),
            "subject": _subject_header(subject),
            "fixed": b"MIME-Version: 1.0\r\n" + _header("List-Id", _list_id(newsletter)),
            "after_unsubscribe": (
                b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
                b"Precedence: bulk\r\n"
                + f'Content-Type: multipart/alternative; boundary="{self.boundary}"\r\n\r\n'.encode()
            ),
            "text_head": part_head.format(b=self.boundary, sub="plain").encode(),
            "html_head": ("\r\n" + part_head.format(b=self.boundary, sub="html")).encode(),
            "tail": f"\r\n--{self.boundary}--\r\n".encode(),
        }
        self._stuffed = {name: dot_stuff(piece) for name, piece in self._static.items()}
        markers = {placeholders.unsubscribe_url: "unsubscribe", placeholders.manage_url: "manage"}
        self._text_body = _EncodedBody(text_part, markers)
        self._html_body = _EncodedBody(html_part, markers)

    def unsubscribe_url(self, token: str) -> str:
        return token.join(self._one_click)

    def manage_url(self, token: str) -> str:
        return token.join(self._manage)

    def unsubscribe_mailto(self, token: str) -> str:
        return token.join(self._mailto)

    def list_unsubscribe(self, token: str) -> str:
        """The header's value: folded between its two URLs, never inside one (RFC 2369)."""
        return f"<{self.unsubscribe_url(token)}>,\r\n <mailto:{self.unsubscribe_mailto(token)}>"

    def build(self, recipient: Recipient, *, date: str | None = None, smtp: bool = False) -> bytes:
        """The message for one recipient. With `smtp`, ready to follow DATA: dot-stuffed and
        ending with the "." line (every piece starts at the start of a line, so each is stuffed
        once here or at init, never the whole message with a regex)."""
        token = recipient.token
        unsubscribe, manage = self.unsubscribe_url(token), self.manage_url(token)
        text_values = {"unsubscribe": _qp(unsubscribe), "manage": _qp(manage)}
        html_values = {
            "unsubscribe": _qp(html.escape(unsubscribe)),
            "manage": _qp(html.escape(manage)),
        }
        if smtp:
            text_values = {k: dot_stuff(v) for k, v in text_values.items()}
            html_values = {k: dot_stuff(v) for k, v in html_values.items()}
        static = self._stuffed if smtp else self._static
        return b"".join(
            [
                static["from"],
                f"To: {recipient.email}\r\n".encode("ascii"),
                static["subject"],
                f"Date: {date or formatdate()}\r\n".encode("ascii"),
                f"Message-ID: {recipient.message_id}\r\n".encode("ascii"),
                static["fixed"],
                f"List-Unsubscribe: {self.list_unsubscribe(token)}\r\n".encode("ascii"),
                static["after_unsubscribe"],
                static["text_head"],
                *self._text_body.parts(text_values, smtp=smtp),
                static["html_head"],
                *self._html_body.parts(html_values, smtp=smtp),
                static["tail"],
                b".\r\n" if smtp else b"",
            ]
        )

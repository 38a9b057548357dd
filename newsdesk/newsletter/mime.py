"""The MIME message every recipient gets, encoded once per issue.

`IssueMessage` encodes what is the same for all recipients once (headers, the quoted-printable
parts of rendering.render_issue); `build(recipient)` puts one recipient's parts (To,
Message-ID, the List-Unsubscribe pair, the unsubscribe and manage links) into it by
substitution. Headers are written here as ASCII lines with CRLF, not through the email
package's folding.
"""

from __future__ import annotations

import binascii
import html
import re
from dataclasses import dataclass
from email import policy
from email.header import Header
from email.utils import formataddr, formatdate

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac

from newsdesk.newsletter.models import Issue, Newsletter
from newsdesk.newsletter.rendering import (
    NEWLINES,
    absolute,
    placeholders_for,
    render_issue,
    ui_language,
)


def message_id_for(*, issue_id: int, subscriber_id: int) -> str:
    """Deterministic for one recipient of one issue, and unguessable: a bounce that quotes it
    proves it answers a message newsdesk sent (see bounces.py)."""
    digest = salted_hmac("newsdesk.newsletter.message-id", f"{issue_id}:{subscriber_id}")
    return f"<issue-{issue_id}.{digest.hexdigest()[:24]}@{settings.SITE_HOST}>"


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
    text = NEWLINES.sub("\r\n", text)
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

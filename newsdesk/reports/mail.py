"""Reports by email (an inbound handler, see core/inbound.py): a message to
settings.REPORTS_EMAIL (or reports+anything@ the same domain) is filed as a report.

The article is the first one of this site named by URL (https://<SITE_HOST>/<lang>/articles/
<slug>/) in the text or the HTML links; a message naming none goes to the unassigned queue, where
an editor assigns it. Mailed reports are filed as copyright reports (the address is the one the
article pages give for copyright complaints); the editors read the whole text. Attachments are
kept under attachments.py's limits. The sender gets the case number and status link, unless the
message is automatic (a bounce, an auto-reply, a list).
"""

from __future__ import annotations

import html
import logging
import re
from email.message import Message
from email.utils import getaddresses, parseaddr

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django_ratelimit.core import get_usage

from newsdesk.articles.models import Article
from newsdesk.core.inbound import Refused
from newsdesk.editorial.grounds import Ground
from newsdesk.reports import actions, attachments
from newsdesk.reports.models import LINE_MAX, ORIGINAL_TEXT_MAX, Report

logger = logging.getLogger(__name__)

RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")
# A rights holder files a few reports at a time; more from one address in an hour is a loop
# (an auto-responder answering our confirmations) or a flood.
SENDER_LIMIT_PER_HOUR = 5
# All senders together: far above a newsroom's real report volume, low enough that forged
# From addresses cannot bury the queue or mail hundreds of confirmations an hour.
OVERALL_LIMIT_PER_HOUR = 200
_URL = re.compile(
    r"https?://(?P<host>[A-Za-z0-9.\-\[\]:]+)/(?P<lang>[a-z]{2})/articles/(?P<slug>[-\w]+)/?",
    re.ASCII,
)


def handle(message: Message) -> bool:
    """True if the message was for the reports address (then it is filed, whatever it holds)."""
    if not addressed_to_reports(message):
        return False
    name, email = sender(message)
    check_rate(email)
    text, html_part, files = read_parts(message)
    files = [*original_message(message), *files]
    article = find_article(text + "\n" + html_part)
    body = text.strip() or html_to_text(html_part)
    with transaction.atomic():
        report, _token = actions.file_report(
            article=article,
            ground=Ground.COPYRIGHT,
            source=Report.Source.EMAIL,
            language=article.ui_language if article else settings.LANGUAGE_CODE,
            fields={
                "reporter_name": name[:LINE_MAX],
                "reporter_email": email if wants_reply(message) else "",
                "mail_subject": " ".join(_header(message, "Subject").split())[:LINE_MAX],
                "explanation": body[:ORIGINAL_TEXT_MAX],
            },
        )
        skipped = attachments.store(report, files)
        if skipped:
            actions.note_skipped_attachments(report=report, lines=skipped)
    logger.info("report %s filed by mail (article %s)", report.case_number, report.article_id)
    return True


def _over(group: str, key: str, per_hour: int) -> bool:
    # django-ratelimit's counter, in the cache its decorators use (RATELIMIT_USE_CACHE).
    usage = get_usage(
        None, group=group, key=lambda _g, _r: key, rate=f"{per_hour}/h", increment=True
    )
    return bool(usage and usage["should_limit"])


def check_rate(email: str) -> None:
    """Counts one mailed report; raises Refused (the message is kept, not filed) past
    SENDER_LIMIT_PER_HOUR for the sender or OVERALL_LIMIT_PER_HOUR for everyone. A sender
    over its own limit does not use up the overall one."""
    who = email or "senders without a valid address"
    if _over("reports-mail-sender", email, SENDER_LIMIT_PER_HOUR):
        raise Refused(f"over {SENDER_LIMIT_PER_HOUR} mailed reports an hour from {who}, not filed")
    if _over("reports-mail-all", "all", OVERALL_LIMIT_PER_HOUR):
        raise Refused(f"over {OVERALL_LIMIT_PER_HOUR} mailed reports an hour in all, not filed")


def original_message(message: Message) -> list[attachments.IncomingFile]:
    """The message as received, kept with the report: what the parser could not decode
    (a broken charset or encoding) is still there for an editor."""
    try:
        data = message.as_bytes()
    except Exception:  # too broken to serialise again
        logger.info("report mail could not be kept as a whole")
        return []
    return [attachments.IncomingFile("message.eml", "message/rfc822", data)]


def _header(message: Message, name: str) -> str:
    try:
        return str(message.get(name, "") or "")
    except Exception:  # a header too broken to decode
        return ""


def _addresses(message: Message, names) -> list[str]:
    values = []
    for name in names:
        try:
            values.extend(str(v) for v in message.get_all(name, []))
        except Exception:  # a header too broken to decode is no address of ours
            logger.info("undecodable %s header skipped", name)
            continue
    return [address.strip().lower() for _n, address in getaddresses(values) if address]


def addressed_to_reports(message: Message) -> bool:
    local, _at, domain = settings.REPORTS_EMAIL.lower().partition("@")
    for address in _addresses(message, RECIPIENT_HEADERS):
        their_local, _at, their_domain = address.partition("@")
        if their_domain == domain and their_local.split("+", 1)[0] == local:
            return True
    return False


def sender(message: Message) -> tuple[str, str]:
    name, address = parseaddr(_header(message, "Reply-To") or _header(message, "From"))
    try:
        validate_email(address)
    except ValidationError:
        address = ""
    return " ".join(name.split()), address.lower()[:254]


def wants_reply(message: Message) -> bool:
    """No confirmation to bounces, auto-replies and lists (RFC 3834)."""
    if _header(message, "Auto-Submitted").strip().lower() not in ("", "no"):
        return False
    if _header(message, "Precedence").strip().lower() in ("bulk", "junk", "list"):
        return False
    _name, address = parseaddr(_header(message, "From"))
    return not address.lower().startswith(("mailer-daemon@", "postmaster@"))


def _decoded(part: Message) -> str:
    try:
        content = part.get_content()
    except Exception:  # unknown charset, broken transfer encoding
        content = None
    if isinstance(content, str):
        return content
    payload = part.get_payload(decode=True) or b""
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)


def _is_attachment(part: Message) -> bool:
    if part.get_filename() or part.get_content_disposition() == "attachment":
        return True
    return part.get_content_maintype() not in ("text", "multipart", "message")


def read_parts(message: Message) -> tuple[str, str, list[attachments.IncomingFile]]:
    """The plain text, the HTML and the attached files of a message, however it is built."""
    texts, htmls, files = [], [], []
    for part in message.walk():
        if part.is_multipart():
            continue
        if _is_attachment(part):
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            files.append(
                attachments.IncomingFile(
                    name=part.get_filename() or "",
                    declared_type=part.get_content_type(),
                    data=data,
                )
            )
        elif part.get_content_type() == "text/html":
            htmls.append(_decoded(part))
        elif part.get_content_maintype() == "text":
            texts.append(_decoded(part))
    return "\n\n".join(texts), "\n".join(htmls), files


def html_to_text(markup: str) -> str:
    # nh3 drops script and style with their content; what is left is escaped text.
    text = html.unescape(nh3.clean(markup, tags=set()))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def find_article(text: str) -> Article | None:
    """The first article of this site named by URL in `text`, or None."""
    languages = {code for code, _name in settings.LANGUAGES}
    slugs = []
    for match in _URL.finditer(html.unescape(text)):
        host = match["host"].lower().rsplit(":", 1)[0] if "]" not in match["host"] else ""
        if host == settings.SITE_HOST.lower() and match["lang"] in languages:
            slugs.append(match["slug"])
    if not slugs:
        return None
    # Public or taken-down articles only: a draft's title must not go back to whoever guessed its
    # slug (editors can still assign such a report by hand).
    reportable = Article.objects.filter(
        status__in=[Article.Status.PUBLISHED, Article.Status.TAKEN_DOWN]
    )
    found = {a.slug: a for a in reportable.filter(slug__in=slugs[:20])}
    return next((found[s] for s in slugs if s in found), None)

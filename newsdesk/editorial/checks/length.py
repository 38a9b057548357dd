"""Lengths of the title, lead and body, and whether the body is divided into paragraphs."""

from django.utils.translation import gettext as _

from newsdesk.articles.models import BODY_MAX_BYTES, LEAD_MAX, TITLE_MAX
from newsdesk.editorial.checks.base import Check, CheckResult
from newsdesk.editorial.checks.body import Body

# Shorter titles rarely say what happened ("Update", "Wichtig!").
TITLE_MIN_CHARS = 10
# The lead is optional, but one of fewer characters cannot say what the article is about.
LEAD_MIN_CHARS = 40
# Below this a text is a note, not an article.
BODY_MIN_WORDS = 120
# Welcome, but worth a warning: past this an editor needs an hour, and readers split it anyway.
BODY_MAX_WORDS = 5000
# Two blocks at least once a body has more words than fit on a phone screen without a break.
MIN_PARAGRAPHS = 2
STRUCTURE_MIN_WORDS = 120
# A paragraph this long is a wall of text on a phone; a warning, since quotes can run long.
LONG_PARAGRAPH_WORDS = 300


def _chars(text: str) -> int:
    return len(" ".join(text.split()))


def check_title_length(title: str) -> CheckResult:
    check, count = Check("title.length", "title"), _chars(title)
    if not count:
        return check.failure(_("Add a title."), count=0)
    if count < TITLE_MIN_CHARS:
        message = _(
            "The title is too short (%(count)d of at least %(min)d characters). Say what happened."
        )
        return check.failure(message, count=count, min=TITLE_MIN_CHARS)
    if count > TITLE_MAX:
        message = _("The title is too long (%(count)d of at most %(max)d characters). Shorten it.")
        return check.failure(message, count=count, max=TITLE_MAX)
    return check.passed(_("The title has a good length (%(count)d characters)."), count=count)


def check_lead_length(lead: str) -> CheckResult:
    check, count = Check("lead.length", "lead"), _chars(lead)
    if not count:
        message = _("Add a lead: one or two sentences that say what the article is about.")
        return check.warning(message, count=0)
    if count < LEAD_MIN_CHARS:
        message = _(
            "The lead is short (%(count)d of at least %(min)d characters). Say in one or two sentences what the article is about."
        )
        return check.warning(message, count=count, min=LEAD_MIN_CHARS)
    if count > LEAD_MAX:
        message = _(
            "The lead is too long (%(count)d of at most %(max)d characters). Shorten it to one or two sentences."
        )
        return check.failure(message, count=count, max=LEAD_MAX)
    return check.passed(_("The lead has a good length (%(count)d characters)."), count=count)


def check_body_length(body: str, doc: Body) -> CheckResult:
    check, words = Check("body.length", "body"), doc.words
    size = len(body.encode("utf-8"))
    if size > BODY_MAX_BYTES:
        message = _("The body is larger than 1 MB. Split it into several articles.")
        return check.failure(message, bytes=size, count=words)
    if words < BODY_MIN_WORDS:
        message = _(
            "The body is too short (%(count)d of at least %(min)d words). Add what readers need to know."
        )
        return check.failure(message, count=words, min=BODY_MIN_WORDS)
    if words > BODY_MAX_WORDS:
        message = _(
            "The body is very long (%(count)d words, more than %(max)d). Consider splitting it into several articles."
        )
        return check.warning(message, count=words, max=BODY_MAX_WORDS)
    return check.passed(_("The body has %(count)d words."), count=words)


def check_body_structure(doc: Body) -> CheckResult:
    check = Check("body.structure", "body")
    paragraphs = [words for words in doc.paragraphs if words]
    longest = max(paragraphs, default=0)
    if doc.words > STRUCTURE_MIN_WORDS and len(paragraphs) < MIN_PARAGRAPHS:
        message = _(
            "The body is one block of %(count)d words. Leave an empty line between paragraphs."
        )
        return check.failure(message, count=doc.words, paragraphs=len(paragraphs))
    if longest > LONG_PARAGRAPH_WORDS:
        message = _(
            "One paragraph has %(count)d words. Split paragraphs longer than %(max)d words."
        )
        return check.warning(message, count=longest, max=LONG_PARAGRAPH_WORDS)
    message = _("The body is divided into paragraphs.")
    return check.passed(message, paragraphs=len(paragraphs), longest=longest)

"""Automated checks of a submission against the guidelines, before an editor looks at it.

Pure functions: they read the text (and, for near-duplicates, the index) and write nothing.
`run_checks` gives one CheckResult per check, always the same codes in the same order: a pass,
a warning (shown to the editor) or a failure (blocks submission), with a sentence the contributor
understands. Messages are translated when the checks run, so run them in the contributor's
language; `code` and `details` let a screen say it again in another language.

One module per family: `length` (and paragraphs), `language`, `links`, `style` (capitals,
punctuation, advertising), `cover`, `duplicates`; `base` has the result types and `body` reads
the Markdown body once for all of them. Every public name is importable from here.
"""

import logging
from collections.abc import Iterable

from django.utils.translation import gettext as _

from newsdesk.articles.models import BODY_MAX_BYTES, LEAD_MAX, TITLE_MAX
from newsdesk.editorial.checks.base import FIELDS, Check, CheckResult, Status
from newsdesk.editorial.checks.body import MENTION, Body, bare_urls, parse_body, plain_body
from newsdesk.editorial.checks.cover import ALT_MIN_CHARS, check_cover_alt, check_cover_label
from newsdesk.editorial.checks.duplicates import check_duplicates
from newsdesk.editorial.checks.language import (
    LANGUAGE_CHUNK_CONFIDENT,
    LANGUAGE_CHUNK_LETTERS,
    LANGUAGE_MIN_LETTERS,
    LANGUAGE_MIN_SHARE,
    LANGUAGE_MISMATCH_SHARE,
    LANGUAGE_SAMPLE_LETTERS,
    check_language,
)
from newsdesk.editorial.checks.length import (
    BODY_MAX_WORDS,
    BODY_MIN_WORDS,
    LEAD_MIN_CHARS,
    LONG_PARAGRAPH_WORDS,
    MIN_PARAGRAPHS,
    STRUCTURE_MIN_WORDS,
    TITLE_MIN_CHARS,
    check_body_length,
    check_body_structure,
    check_lead_length,
    check_title_length,
)
from newsdesk.editorial.checks.links import (
    DEFAULT_BLOCKED_DOMAINS,
    LINK_SHORTENERS,
    MAX_LINKS,
    MAX_LINKS_BLOCKING,
    UNSAFE_SCHEMES,
    check_blocked_domains,
    check_link_count,
    check_link_schemes,
    check_link_shorteners,
)
from newsdesk.editorial.checks.style import (
    BODY_SHOUTING_MIN_WORDS,
    BODY_SHOUTING_RATIO,
    REPEATED_PUNCTUATION,
    SHOUTING_WORD_MIN_LETTERS,
    SPAM_PHRASES_BLOCKING,
    TITLE_SHOUTING_MIN_LETTERS,
    TITLE_SHOUTING_RATIO,
    check_body_shouting,
    check_heading_shouting,
    check_punctuation,
    check_spam_phrases,
)

__all__ = [
    # the entry point and what callers do with its results
    "run_checks", "blocking", "summary", "CheckResult", "Status", "FIELDS",
    # the checks
    "check_title_length", "check_lead_length", "check_body_length", "check_body_structure",
    "check_heading_shouting", "check_punctuation", "check_body_shouting", "check_spam_phrases",
    "check_language", "check_link_count", "check_link_shorteners", "check_blocked_domains",
    "check_link_schemes", "check_cover_alt", "check_cover_label", "check_duplicates",
    # their bounds, with the article's own limits they also enforce
    "TITLE_MIN_CHARS", "TITLE_MAX", "LEAD_MIN_CHARS", "LEAD_MAX", "BODY_MIN_WORDS",
    "BODY_MAX_WORDS", "BODY_MAX_BYTES", "MIN_PARAGRAPHS", "STRUCTURE_MIN_WORDS",
    "LONG_PARAGRAPH_WORDS", "MAX_LINKS", "MAX_LINKS_BLOCKING", "LINK_SHORTENERS",
    "DEFAULT_BLOCKED_DOMAINS", "UNSAFE_SCHEMES", "TITLE_SHOUTING_RATIO",
    "TITLE_SHOUTING_MIN_LETTERS", "BODY_SHOUTING_RATIO", "SHOUTING_WORD_MIN_LETTERS",
    "BODY_SHOUTING_MIN_WORDS", "REPEATED_PUNCTUATION", "SPAM_PHRASES_BLOCKING",
    "LANGUAGE_MIN_LETTERS", "LANGUAGE_CHUNK_LETTERS", "LANGUAGE_CHUNK_CONFIDENT",
    "LANGUAGE_MIN_SHARE", "LANGUAGE_MISMATCH_SHARE", "LANGUAGE_SAMPLE_LETTERS", "ALT_MIN_CHARS",
]  # fmt: skip

logger = logging.getLogger(__name__)


def _as_text(value) -> str:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates (JSON's "\ud800" decodes to one) can't be encoded: make them U+FFFD.
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _read_body(body: str) -> Body:
    # Past the size limit only the start is read: the length check fails the body anyway.
    limited = body[:BODY_MAX_BYTES]
    try:
        return parse_body(limited)
    except Exception:
        logger.exception("The automated checks could not parse a body; reading it as plain text.")
        return plain_body(limited)


def run_checks(
    *, title: str, lead: str, body: str, language: str, cover=None, exclude_ids: Iterable[int] = ()
) -> list[CheckResult]:
    """Every check, one result each, in a fixed order. Never raises: a check that breaks gives
    a warning for the editor instead."""
    title, lead, body, language = map(_as_text, (title, lead, body, language))
    doc = _read_body(body)
    urls = [*bare_urls(title), *bare_urls(lead), *doc.urls]
    # Shortened or blocked addresses count even unlinked: readers copy them.
    addresses = [*urls, *bare_urls(f"{title}\n{lead}", MENTION), *doc.mentions]
    # The checks are looked up here when they run, so that a test can replace one.
    checks = {
        "title.length": lambda: check_title_length(title),
        "title.shouting": lambda: check_heading_shouting(title, "title"),
        "title.punctuation": lambda: check_punctuation(title, "title"),
        "lead.length": lambda: check_lead_length(lead),
        "lead.shouting": lambda: check_heading_shouting(lead, "lead"),
        "lead.punctuation": lambda: check_punctuation(lead, "lead"),
        "body.length": lambda: check_body_length(body, doc),
        "body.structure": lambda: check_body_structure(doc),
        "body.shouting": lambda: check_body_shouting(doc.text),
        "body.punctuation": lambda: check_punctuation(doc.text, "body"),
        "spam.phrases": lambda: check_spam_phrases(title=title, lead=lead, body_text=doc.text),
        "language.match": lambda: check_language(language, [title, lead, *doc.text.split("\n\n")]),
        "links.count": lambda: check_link_count(urls),
        "links.shorteners": lambda: check_link_shorteners(addresses),
        "links.blocked": lambda: check_blocked_domains(addresses),
        "links.schemes": lambda: check_link_schemes(title, lead, body[:BODY_MAX_BYTES]),
        "cover.alt": lambda: check_cover_alt(cover),
        "cover.label": lambda: check_cover_label(cover),
        "duplicates": lambda: check_duplicates(body, exclude_ids),
    }
    results = []
    for code, check in checks.items():
        try:
            results.append(check())
        except Exception:
            logger.exception("The automated check %s failed.", code)
            where = code.split(".")[0] if code.split(".")[0] in FIELDS else "body"
            message = _("This check could not run. An editor will look at it.")
            results.append(Check(code, where).warning(message, error=True))
    return results


def blocking(results: Iterable[CheckResult]) -> bool:
    """Whether any result stops the submission."""
    return any(result.status == Status.FAILURE for result in results)


def summary(results: Iterable[CheckResult]) -> dict[str, int]:
    """How many results of each status: {"pass": 15, "warning": 3, "failure": 1}."""
    counts = dict.fromkeys(map(str, Status), 0)
    for result in results:
        counts[str(result.status)] += 1
    return counts

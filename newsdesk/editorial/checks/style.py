"""Style that marks shouting or advertising: capitals, repeated punctuation, spam phrases."""

import re
import unicodedata

from django.utils.translation import gettext as _

from newsdesk.editorial.checks.base import Check, CheckResult
from newsdesk.editorial.spam_phrases import SPAM_PHRASES

# All-caps titles shout; eight letters at least, so "NATO-Gipfel" or "EU" stay fine.
TITLE_SHOUTING_RATIO = 0.6
TITLE_SHOUTING_MIN_LETTERS = 8
# In a body, words of four letters or more; acronyms (NATO, COVID) stay well below 30%.
BODY_SHOUTING_RATIO = 0.3
SHOUTING_WORD_MIN_LETTERS = 4
BODY_SHOUTING_MIN_WORDS = 20
# "!!!" and "???" are the punctuation of advertising, not of news.
REPEATED_PUNCTUATION = re.compile(r"[!?！？‼⁇⁈⁉]{3,}")
# One or two phrases can be a quote; three are an advertisement.
SPAM_PHRASES_BLOCKING = 3

_LETTER_RUN = re.compile(r"[^\W\d_]+")


def _phrase_pattern(phrase: str) -> str:
    words = re.split(r"[\s\-]+", unicodedata.normalize("NFKC", phrase).casefold())
    return r"[\s\-]*".join(re.escape(word) for word in words)


def _spam_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "", unicodedata.normalize("NFKC", text).casefold())


_SPAM = re.compile(r"(?<!\w)(?:" + "|".join(map(_phrase_pattern, SPAM_PHRASES)) + r")(?!\w)")
# What was found, with its spacing and hyphens, back to the phrase as listed.
_SPAM_CANONICAL = {_spam_key(phrase): phrase for phrase in SPAM_PHRASES}


def check_heading_shouting(text: str, field_name: str) -> CheckResult:
    """Title and lead: mostly capital letters. Scripts without capitals never shout."""
    check = Check(f"{field_name}.shouting", field_name)
    upper = sum(1 for char in text if char.isupper())
    letters = upper + sum(1 for char in text if char.islower())
    percent = round(100 * upper / letters) if letters else 0
    if letters >= TITLE_SHOUTING_MIN_LETTERS and upper > TITLE_SHOUTING_RATIO * letters:
        if field_name == "title":
            message = _(
                "The title is mostly in capitals (%(percent)d%% of letters). Write it in normal case."
            )
        else:
            message = _(
                "The lead is mostly in capitals (%(percent)d%% of letters). Write it in normal case."
            )
        return check.warning(message, percent=percent)
    if field_name == "title":
        return check.passed(_("The title is in normal case."), percent=percent)
    return check.passed(_("The lead is in normal case."), percent=percent)


def check_body_shouting(text: str) -> CheckResult:
    check = Check("body.shouting", "body")
    words = [w for w in _LETTER_RUN.findall(text) if len(w) >= SHOUTING_WORD_MIN_LETTERS]
    words = [w for w in words if w.upper() != w.lower()]  # scripts without capitals don't count
    capitals = sum(1 for w in words if w.isupper())
    percent = round(100 * capitals / len(words)) if words else 0
    if len(words) >= BODY_SHOUTING_MIN_WORDS and capitals > BODY_SHOUTING_RATIO * len(words):
        message = _(
            "%(percent)d%% of the longer words in the body are in capitals. Write in normal case; use bold for emphasis."
        )
        return check.warning(message, percent=percent)
    return check.passed(_("The body is in normal case."), percent=percent)


def check_punctuation(text: str, field_name: str) -> CheckResult:
    check = Check(f"{field_name}.punctuation", field_name)
    found = REPEATED_PUNCTUATION.findall(text)
    if not found:
        return check.passed(_("No repeated exclamation or question marks."), count=0)
    if field_name == "title":
        message = _(
            "The title contains “%(example)s”. Use one exclamation or question mark at most."
        )
    elif field_name == "lead":
        message = _(
            "The lead contains “%(example)s”. Use one exclamation or question mark at most."
        )
    else:
        message = _(
            "The body contains “%(example)s” (%(count)d found). Use one exclamation or question mark at most."
        )
    return check.warning(message, example=found[0][:10], count=len(found))


def check_spam_phrases(*, title: str, lead: str, body_text: str) -> CheckResult:
    phrases, where = [], "body"
    for field_name, text in (("body", body_text), ("lead", lead), ("title", title)):
        for found in _SPAM.findall(unicodedata.normalize("NFKC", text).casefold()):
            phrase = _SPAM_CANONICAL[_spam_key(found)]
            if phrase not in phrases:
                phrases.append(phrase)
                where = field_name if len(phrases) == 1 else where
    check = Check("spam.phrases", where)
    values = {
        "count": len(phrases),
        "phrases": phrases,
        "quoted": ", ".join(f"“{p}”" for p in phrases),
    }
    if len(phrases) >= SPAM_PHRASES_BLOCKING:
        message = _(
            "The text contains %(count)d phrases typical of advertising or scams (%(quoted)s). Remove them: newsdesk publishes news, not advertising."
        )
        return check.failure(message, **values)
    if phrases:
        message = _(
            "The text contains wording typical of advertising or scams (%(quoted)s). Remove it, or make clear that you are quoting it."
        )
        return check.warning(message, **values)
    return check.passed(_("No advertising or scam phrases."), **values)

"""Automated checks of a submission against the guidelines, before an editor looks at it.

Pure functions: they read the text (and, for near-duplicates, the index) and write nothing.
`run_checks` gives one CheckResult per check, always the same codes in the same order: a pass,
a warning (shown to the editor) or a failure (blocks submission), with a sentence the contributor
understands. Messages are translated when the checks run, so run them in the contributor's
language; `code` and `details` let a screen say it again in another language.
"""

import functools
import html
import logging
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from newsdesk.articles.models import BODY_MAX_BYTES, LEAD_MAX, TITLE_MAX
from newsdesk.articles.reading_time import count_words
from newsdesk.editorial.spam_phrases import SPAM_PHRASES

logger = logging.getLogger(__name__)

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
# More links than this read like a link list: a warning; past the second, link spam: a failure.
MAX_LINKS = 15
MAX_LINKS_BLOCKING = 30
# Shortened links hide where they lead, and their targets can be changed after publication.
LINK_SHORTENERS = frozenset({
    "bit.ly", "bitly.com", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly",
    "rebrand.ly", "cutt.ly", "shorturl.at", "tiny.cc", "t.ly", "v.gd", "rb.gy", "s.id",
    "lnkd.in", "trib.al", "dlvr.it", "soo.gd", "bl.ink", "short.io", "urlz.fr", "kurzelinks.de",
})  # fmt: skip
# IP loggers record the address of every reader who clicks; sites add theirs in settings.
DEFAULT_BLOCKED_DOMAINS = ("grabify.link", "iplogger.org", "iplogger.com", "2no.co", "yip.su")
# Never rendered as links (the sanitiser allows http, https and mailto only), so a link with one
# is broken at best and an attack at worst.
UNSAFE_SCHEMES = ("javascript", "vbscript", "data", "file")
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
# py3langid is unreliable on less text (about 20 words); the length check covers such bodies.
LANGUAGE_MIN_LETTERS = 100
# The text is judged in pieces of about this size (paragraphs joined), so that a long quote in
# another language is outvoted by the rest instead of tipping the whole text.
LANGUAGE_CHUNK_LETTERS = 80
# A piece counts for the language it is detected as only this likely; others count for none.
LANGUAGE_CHUNK_CONFIDENT = 0.8
# Share of the recognised text in the declared language from which the declaration holds.
LANGUAGE_MIN_SHARE = 0.5
# Share in one other language from which the declaration is wrong (a failure, not a warning).
LANGUAGE_MISMATCH_SHARE = 0.8
# The first thousand words or so decide; more cost time and rarely change the answer.
LANGUAGE_SAMPLE_LETTERS = 6_000
# Shorter alt texts ("Foto", "Bild 1") describe nothing.
ALT_MIN_CHARS = 10

# Languages py3langid tells apart that are declared as one (macrolanguages, near-identical
# written standards, dialects it has no model for): detecting any member matches the group.
_LANGUAGE_GROUP = {
    "ary": "ar", "arz": "ar", "wuu": "zh", "yue": "zh", "cmn": "zh", "nb": "no", "nn": "no",
    "hr": "sh", "sr": "sh", "bs": "sh", "id": "ms", "uzs": "uz", "sdh": "ku", "ckb": "ku",
    "kmr": "ku", "hbo": "he", "grc": "el", "gug": "gn", "fil": "tl", "gom": "kok", "ltg": "lv",
    "gsw": "de", "bar": "de",
}  # fmt: skip
_GROUPED = frozenset(_LANGUAGE_GROUP) | frozenset(_LANGUAGE_GROUP.values())
# Where a result is shown next to.
FIELDS = ("title", "lead", "body", "language", "cover", "links")
# py3langid's label for text without language (numbers, symbols, links).
_NO_LANGUAGE = "zxx"


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 (not a password)
    WARNING = "warning"
    FAILURE = "failure"


@dataclass(frozen=True)
class CheckResult:
    code: str
    status: Status
    field: str  # where to show it: title, lead, body, language, cover or links
    message: str
    details: dict = field(default_factory=dict)  # JSON-serialisable

    def as_dict(self) -> dict:
        return {**asdict(self), "status": str(self.status)}


@dataclass(frozen=True)
class _Check:
    """Makes one check's results; the values fill in the message and become the details."""

    code: str
    field: str

    def passed(self, message: str, **values) -> CheckResult:
        return self._result(Status.PASS, message, values)

    def warning(self, message: str, **values) -> CheckResult:
        return self._result(Status.WARNING, message, values)

    def failure(self, message: str, **values) -> CheckResult:
        return self._result(Status.FAILURE, message, values)

    def _result(self, status: Status, message: str, values: dict) -> CheckResult:
        text = message % values if values else message
        return CheckResult(self.code, status, self.field, text, values)


@dataclass(frozen=True)
class _Body:
    """What the checks need from a Markdown body, read in one pass over markdown-it's tokens."""

    text: str  # prose: paragraphs, headings, list items and table cells, without code
    words: int
    paragraphs: list[int]  # words per paragraph (list items included, headings not)
    urls: list[str]  # link targets, image sources and bare web addresses in the prose
    mentions: list[str]  # addresses without a scheme in the prose ("bit.ly/x")


_md = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")
_BARE_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"'`]+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w.@/-])(?:[a-z0-9-]+\.)+[a-z]{2,24}/[^\s<>\"'`]*", re.IGNORECASE)
_URL_TRAILER = ".,;:!?)]}»”’\"'"
# Link targets as written: Markdown links and reference definitions, autolinks, HTML attributes.
_LINK_TARGET = re.compile(
    r"\]\(\s*<?([^\s)>]+)|<([a-z][a-z0-9+.\-]{1,31}:[^\s<>]*)>"
    r"|\b(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?\s*([^\"'\s>]+)"
    r"|^ {0,3}\[[^\]]+\]:\s*<?(\S+)",
    re.IGNORECASE | re.MULTILINE,
)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_FILENAME = re.compile(
    r"[\w\-. ()]+\.(?:jpe?g|png|gif|webp|avif|heic|heif|tiff?|bmp)"
    r"|(?:img|dsc[nf]?|pxl|mvimg|photo|image|bild|foto|screenshot|bildschirmfoto)[_\- ]?\d[\d_\- .]*",
    re.IGNORECASE,
)


def _phrase_pattern(phrase: str) -> str:
    words = re.split(r"[\s\-]+", unicodedata.normalize("NFKC", phrase).casefold())
    return r"[\s\-]*".join(re.escape(word) for word in words)


def _spam_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "", unicodedata.normalize("NFKC", text).casefold())


_SPAM = re.compile(r"(?<!\w)(?:" + "|".join(map(_phrase_pattern, SPAM_PHRASES)) + r")(?!\w)")
# What was found, with its spacing and hyphens, back to the phrase as listed.
_SPAM_CANONICAL = {_spam_key(phrase): phrase for phrase in SPAM_PHRASES}


def _chars(text: str) -> int:
    return len(" ".join(text.split()))


def _without_urls(text: str) -> str:
    return _MENTION.sub(" ", _BARE_URL.sub(" ", text))


def _bare_urls(text: str, pattern: re.Pattern = _BARE_URL) -> list[str]:
    return [url.rstrip(_URL_TRAILER) for url in pattern.findall(text)]


def _parse_body(body: str) -> _Body:
    texts, words, paragraphs, urls, mentions = [], 0, [], [], []
    tokens = _md.parse(body)
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        parts, in_link = [], 0
        for child in token.children or ():
            if child.type == "link_open":
                in_link += 1
                urls.append(str(child.attrs.get("href", "")))
            elif child.type == "link_close":
                in_link = max(0, in_link - 1)
            elif child.type == "image":
                urls.append(str(child.attrs.get("src", "")))
                parts.append(child.content)
            elif child.type == "text":
                parts.append(child.content)
                if not in_link:
                    urls.extend(_bare_urls(child.content))
                    mentions.extend(_bare_urls(child.content, _MENTION))
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        text = "".join(parts)
        count = count_words(_without_urls(text))
        words += count
        if index and tokens[index - 1].type == "paragraph_open":
            paragraphs.append(count)
        texts.append(text)
    return _Body("\n\n".join(texts), words, paragraphs, urls, mentions)


def _host(url: str) -> str | None:
    url = url.strip()
    if url.startswith("//"):
        url = "http:" + url
    elif not re.match(r"[a-z][a-z0-9+.\-]*://", url, re.IGNORECASE):
        if re.match(r"[a-z][a-z0-9+.\-]*:", url, re.IGNORECASE) or url.startswith(("/", "#")):
            return None  # mailto:, tel:, or a link within newsdesk
        url = "http://" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    # Longer is no host name (RFC 1035), and would make the parent-domain walk quadratic.
    return _normal_domain(host) if host and len(host) <= 253 else None


def _normal_domain(domain: str) -> str:
    domain = domain.strip().lower().rstrip(".")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def _listed_links(urls: list[str], domains: frozenset[str]) -> tuple[list[str], list[str]]:
    """The links whose host is one of `domains` or below one, and those domains."""
    found, listed = [], []
    for url in urls:
        labels = (_host(url) or "").split(".")
        parents = (".".join(labels[start:]) for start in range(len(labels) - 1))
        domain = next((parent for parent in parents if parent in domains), None)
        if domain:
            found.append(url[:200])
            if domain not in listed:
                listed.append(domain)
    return found, listed


def _blocked_domains() -> frozenset[str]:
    configured = getattr(settings, "NEWSDESK_BLOCKED_DOMAINS", None) or []
    return frozenset(_normal_domain(d) for d in (*DEFAULT_BLOCKED_DOMAINS, *configured) if d)


# Lengths


def check_title_length(title: str) -> CheckResult:
    check, count = _Check("title.length", "title"), _chars(title)
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
    check, count = _Check("lead.length", "lead"), _chars(lead)
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


def check_body_length(body: str, doc: _Body) -> CheckResult:
    check, words = _Check("body.length", "body"), doc.words
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


def check_body_structure(doc: _Body) -> CheckResult:
    check = _Check("body.structure", "body")
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


# Language


@functools.cache
def _language_identifier():
    # Loaded on first use (about 0.7 s); the model ships inside the package, nothing is fetched.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@functools.cache
def _detectable_groups() -> frozenset[str]:
    return frozenset(_LANGUAGE_GROUP.get(label, label) for label in _language_identifier().labels)


def _language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def _letters(text: str) -> int:
    return sum(map(str.isalpha, text))


def _language_chunks(texts: Iterable[str]):
    """(text, letters) pieces of at least LANGUAGE_CHUNK_LETTERS, up to the sample size."""
    pieces, letters, total = [], 0, 0
    for text in texts:
        text = _without_urls(text[: 2 * LANGUAGE_SAMPLE_LETTERS])
        count = _letters(text)
        if not count:
            continue
        pieces.append(text)
        letters += count
        total += count
        if letters >= LANGUAGE_CHUNK_LETTERS or total >= LANGUAGE_SAMPLE_LETTERS:
            yield " ".join(pieces), letters
            pieces, letters = [], 0
        if total >= LANGUAGE_SAMPLE_LETTERS:
            return
    if pieces:
        yield " ".join(pieces), letters


def _detect_chunk(text: str) -> tuple[str, str, float]:
    """The likeliest language group of a piece of text, its likeliest member, and how likely."""
    identifier = _language_identifier()
    label, probability = identifier.classify(text)
    group = _LANGUAGE_GROUP.get(label, label)
    if probability >= LANGUAGE_CHUNK_CONFIDENT or label not in _GROUPED:
        return group, label, probability
    # Close relatives split the probability (Arabic and its dialects): add them up.
    probabilities, best = {}, {}
    for label, probability in identifier.rank(text):
        group = _LANGUAGE_GROUP.get(label, label)
        probabilities[group] = probabilities.get(group, 0.0) + probability
        best.setdefault(group, label)
    group = max(probabilities, key=probabilities.__getitem__)
    return group, best[group], probabilities[group]


def _language_shares(chunks) -> tuple[int, dict[str, int], dict[str, str]]:
    """All letters, the letters per confidently detected group, and each group's likeliest
    member (to name it)."""
    total, shares, names = 0, {}, {}
    for text, letters in chunks:
        total += letters
        group, label, probability = _detect_chunk(text)
        if probability >= LANGUAGE_CHUNK_CONFIDENT and group != _NO_LANGUAGE:
            shares[group] = shares.get(group, 0) + letters
            names.setdefault(group, label)
    return total, shares, names


def check_language(language: str, texts: Iterable[str]) -> CheckResult:
    """Whether the texts (title, lead, paragraphs, in order) are in the declared language."""
    check = _Check("language.match", "language")
    declared = language.strip().replace("_", "-").split("-")[0].lower()
    if not declared:
        return check.failure(_("Choose the language the article is written in."))
    name = _language_name(declared)
    group = _LANGUAGE_GROUP.get(declared, declared)
    if group not in _detectable_groups():
        message = _("newsdesk cannot check texts in %(language)s automatically.")
        return check.passed(message, language=name, declared=declared)
    total, shares, names = _language_shares(_language_chunks(texts))
    if total < LANGUAGE_MIN_LETTERS:
        message = _(
            "The text is too short to check its language (%(count)d of at least %(min)d letters)."
        )
        return check.passed(message, count=total, min=LANGUAGE_MIN_LETTERS)
    recognised = sum(shares.values())
    if not recognised:
        message = _(
            "newsdesk could not recognise the language of the text. Check that it is written in %(language)s."
        )
        return check.warning(message, language=name, declared=declared)
    share = shares.get(group, 0) / recognised
    other = max((g for g in shares if g != group), key=shares.__getitem__, default=None)
    values = {
        "language": name,
        "declared": declared,
        "declared_percent": round(100 * share),
        "detected": names.get(other, ""),
        "detected_name": _language_name(names[other]) if other else "",
        "percent": round(100 * shares[other] / recognised) if other else 0,
    }
    if share >= LANGUAGE_MIN_SHARE or other is None:
        return check.passed(_("The text looks like %(language)s, as declared."), **values)
    if shares[other] / recognised >= LANGUAGE_MISMATCH_SHARE:
        message = _(
            "You declared %(language)s, but %(percent)d%% of the text looks %(detected_name)s. Choose the right language or correct the text."
        )
        return check.failure(message, **values)
    message = _(
        "Only %(declared_percent)d%% of the text looks %(language)s, %(percent)d%% looks %(detected_name)s. Check the language you chose."
    )
    return check.warning(message, **values)


# Links


def check_link_count(urls: list[str]) -> CheckResult:
    check, count = _Check("links.count", "links"), len(urls)
    if count > MAX_LINKS_BLOCKING:
        message = _(
            "The text has %(count)d links (at most %(max)d are allowed). Keep only the ones readers need."
        )
        return check.failure(message, count=count, max=MAX_LINKS_BLOCKING)
    if count > MAX_LINKS:
        message = _(
            "The text has %(count)d links (more than %(max)d). Keep only the ones readers need."
        )
        return check.warning(message, count=count, max=MAX_LINKS)
    return check.passed(_("Links in the text: %(count)d."), count=count)


def check_link_shorteners(urls: list[str]) -> CheckResult:
    check = _Check("links.shorteners", "links")
    found, domains = _listed_links(urls, LINK_SHORTENERS)
    if found:
        message = _(
            "Replace shortened links (%(domains)s, %(count)d found) with the full addresses, so readers can see where they lead."
        )
        return check.failure(message, domains=", ".join(domains), count=len(found), urls=found)
    return check.passed(_("No shortened links."))


def check_blocked_domains(urls: list[str]) -> CheckResult:
    check = _Check("links.blocked", "links")
    found, domains = _listed_links(urls, _blocked_domains())
    if found:
        message = _(
            "Remove links to %(domains)s (%(count)d found): links to these sites are not allowed."
        )
        return check.failure(message, domains=", ".join(domains), count=len(found), urls=found)
    return check.passed(_("No links to blocked sites."))


def check_link_schemes(*sources: str) -> CheckResult:
    """Links as written in the source, since markdown-it already drops these from its tokens."""
    check = _Check("links.schemes", "links")
    found, schemes = [], []
    for source in sources:
        for match in _LINK_TARGET.finditer(source):
            target = next(group for group in match.groups() if group is not None)
            cleaned = _CONTROL.sub("", html.unescape(target)).lower()
            scheme = next((s + ":" for s in UNSAFE_SCHEMES if cleaned.startswith(s + ":")), None)
            if scheme:
                found.append(target[:80])
                if scheme not in schemes:
                    schemes.append(scheme)
    if found:
        message = _(
            "Remove links starting with %(schemes)s (%(count)d found): they are removed when the article is shown, so they would not work."
        )
        return check.failure(message, schemes=", ".join(schemes), count=len(found), links=found)
    return check.passed(_("No links with unsafe schemes such as javascript:."))


# Style


def check_heading_shouting(text: str, field_name: str) -> CheckResult:
    """Title and lead: mostly capital letters. Scripts without capitals never shout."""
    check = _Check(f"{field_name}.shouting", field_name)
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
    check = _Check("body.shouting", "body")
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
    check = _Check(f"{field_name}.punctuation", field_name)
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
    check = _Check("spam.phrases", where)
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


# Cover


def check_cover_alt(cover) -> CheckResult:
    check = _Check("cover.alt", "cover")
    if cover is None:
        return check.passed(_("No cover uploaded: newsdesk will make one from the article."))
    if getattr(cover, "generated", False):
        return check.passed(_("The cover is made by newsdesk, with its own alt text."))
    alt = " ".join(str(getattr(cover, "alt", "") or "").split())
    if not alt:
        message = _("Describe the cover image in the alt text, for readers who cannot see it.")
        return check.failure(message, count=0)
    if _FILENAME.fullmatch(alt):
        message = _("The alt text “%(alt)s” is a file name. Describe what the image shows.")
        return check.failure(message, alt=alt[:60], count=len(alt))
    if len(alt) < ALT_MIN_CHARS:
        message = _(
            "The alt text is too short (%(count)d of at least %(min)d characters). Describe what the image shows."
        )
        return check.failure(message, count=len(alt), min=ALT_MIN_CHARS)
    return check.passed(_("The cover has an alt text."), count=len(alt))


def check_cover_label(cover) -> CheckResult:
    """Always a pass: no detector is reliable enough to accuse a contributor, so this confirms
    the label or reminds the uploader of it, next to the cover. As a warning it would reach the
    editor for nearly every uploaded photo and teach editors to skip warnings."""
    check = _Check("cover.label", "cover")
    if cover is None or getattr(cover, "generated", False):
        return check.passed(_("The generated cover will be labelled as computer-generated."))
    if getattr(cover, "ai_generated", False):
        return check.passed(_("The cover is marked as AI-generated and will be labelled as such."))
    return check.passed(_("If this image was made by an image model, tick “AI-generated”."))


# Near-duplicates


def check_duplicates(text: str, exclude_ids: Iterable[int] = ()) -> CheckResult:
    """The body against every published article and open submission in the discovery index.

    Judged by containment, the share of this text found in the other, as the index's thresholds
    are: a copy with paragraphs added, or an excerpt of a longer article, counts as a copy."""
    from newsdesk.discovery.near_duplicates import (
        DUPLICATE_THRESHOLD,
        WARNING_THRESHOLD,
        find_near_duplicates,
    )

    check = _Check("duplicates", "body")
    found = find_near_duplicates(text, exclude_ids=tuple(exclude_ids))
    found = sorted((m for m in found if m.containment >= WARNING_THRESHOLD), key=_by_containment)
    matches = [
        {
            "article_id": match.article.pk,
            "title": match.article.title,
            "url": match.article.get_absolute_url(),
            # Another contributor's unpublished submission is named to editors only.
            "public": match.article.status == match.article.Status.PUBLISHED,
            "similarity": round(float(match.similarity), 3),
            "containment": round(float(match.containment), 3),
            "passages": [str(passage) for passage in match.passages],
        }
        for match in found
    ]
    if not found:
        return check.passed(_("No similar articles found."), matches=[])
    closest = found[0]
    percent = round(closest.containment * 100)
    title = matches[0]["title"] if matches[0]["public"] else _("an article under review")
    values = {"title": title, "percent": percent, "matches": matches}
    if closest.containment >= DUPLICATE_THRESHOLD:
        message = _(
            "%(percent)d%% of the text also appears in “%(title)s”. Write it in your own words; quote briefly and link to the source."
        )
        return check.failure(message, **values)
    message = _(
        "Part of the text (%(percent)d%%) also appears in “%(title)s”. Quote briefly and link to the source."
    )
    return check.warning(message, **values)


def _by_containment(match) -> tuple:
    return (-match.containment, -match.similarity, match.article.pk)


# Entry point


def _as_text(value) -> str:
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # Lone surrogates (JSON's "\ud800" decodes to one) can't be encoded: make them U+FFFD.
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def _parse_safely(body: str) -> _Body:
    # Past the size limit only the start is read: the length check fails the body anyway.
    limited = body[:BODY_MAX_BYTES]
    try:
        return _parse_body(limited)
    except Exception:
        logger.exception("The automated checks could not parse a body; reading it as plain text.")
        words = count_words(_without_urls(limited))
        return _Body(limited, words, [words], _bare_urls(limited), _bare_urls(limited, _MENTION))


def run_checks(
    *, title: str, lead: str, body: str, language: str, cover=None, exclude_ids: Iterable[int] = ()
) -> list[CheckResult]:
    """Every check, one result each, in a fixed order. Never raises: a check that breaks gives
    a warning for the editor instead."""
    title, lead, body, language = map(_as_text, (title, lead, body, language))
    doc = _parse_safely(body)
    urls = [*_bare_urls(title), *_bare_urls(lead), *doc.urls]
    # Shortened or blocked addresses count even unlinked: readers copy them.
    addresses = [*urls, *_bare_urls(f"{title}\n{lead}", _MENTION), *doc.mentions]
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
            results.append(_Check(code, where).warning(message, error=True))
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

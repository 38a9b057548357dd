"""Highlighted excerpts: contributor text escaped piece by piece, then wrapped in <mark>.

Titles and bodies are contributor text, so nothing here is ever marked safe before it has been
escaped: the text is cut into pieces at word boundaries, every piece goes through `escape`, and
only our own `<mark>` tags are added between them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from newsdesk.discovery.search.text import MAX_WORD_CHARS, fold, snowball_name, stemmer_for

# Characters of an excerpt, about two lines of a result.
EXCERPT_CHARS = 240
# Only the start of a body is searched for the best passage (the rest rarely wins, and the
# page must stay fast).
SCAN_CHARS = 20_000
# ... a piece of this many characters at a time, until a passage has every word.
SCAN_STEP = 1_500
_WORD = re.compile(r"\w+")


def _hits(
    text: str, wanted: set[str], language: str, start: int = 0, end: int | None = None
) -> list[tuple[int, int, str]]:
    """(start, end, stem) of every word of `text[start:end]` whose stem is wanted.

    Stemming every word of 20 bodies would cost more than the search itself: a regular
    expression first picks the words that begin like a wanted stem (with or without
    diacritics), and only those are stemmed.
    """
    if not wanted:
        return []
    candidates = _starting_like(frozenset(stem[:2] for stem in wanted))
    hits = []
    for match in candidates.finditer(text, start, len(text) if end is None else end):
        first, last = match.span()
        key = _key(text[first:last], language)
        if key in wanted:
            hits.append((first, last, key))
    return hits


@lru_cache(maxsize=256)
def _starting_like(prefixes: frozenset[str]) -> re.Pattern:
    alternatives = "|".join(
        "".join(_letter(c) for c in p) for p in sorted(prefixes, key=len, reverse=True)
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.IGNORECASE)


def _letter(c: str) -> str:
    """A regular expression for `c` and its letters with diacritics ("a" -> "[aäáà...]")."""
    variants = _WITH_DIACRITICS.get(c)
    return f"[{re.escape(c)}{variants}]" if variants else re.escape(c)


@lru_cache(maxsize=50_000)
def _key(word: str, language: str) -> str:
    """A word as the index compares it: case-folded, stemmed for `language`, folded."""
    lowered = word.casefold()[:MAX_WORD_CHARS]
    name = snowball_name(language)
    return fold(stemmer_for(name).stemWord(lowered) if name else lowered)


def _with_diacritics() -> dict[str, str]:
    """Base Latin letter -> its lower-case letters with diacritics (case is ignored anyway)."""
    variants: dict[str, str] = {"s": "ß"}
    for code in range(0xC0, 0x250):
        letter = chr(code)
        base = unicodedata.normalize("NFKD", letter)[0]
        if base != letter and base.isascii() and letter.islower():
            variants[base] = variants.get(base, "") + letter
    return variants


_WITH_DIACRITICS = _with_diacritics()


def _marked(text: str, hits: list[tuple[int, int, str]]) -> str:
    pieces, position = [], 0
    for start, end, _key in hits:
        pieces += [escape(text[position:start]), "<mark>", escape(text[start:end]), "</mark>"]
        position = end
    pieces.append(escape(text[position:]))
    return "".join(pieces)


def highlight(text: str, wanted: set[str], language: str) -> SafeString:
    """All of `text`, escaped, with the wanted words marked (for titles)."""
    return mark_safe(_marked(text, _hits(text, wanted, language)))  # noqa: S308 - escaped above


def excerpt(text: str, wanted: set[str], language: str, *, size: int = EXCERPT_CHARS) -> SafeString:
    """The passage of `text` of about `size` characters with the most distinct wanted words
    (the first one that has all of them), escaped, with those words marked; the start of the
    text when no word is in it."""
    text = " ".join(text[:SCAN_CHARS].split())
    hits = _leading_hits(text, wanted, language, size)
    start = _passage_start(text, hits, size)
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start + size // 2, end)
        end = space if space > 0 else end
    window = [(s - start, e - start, k) for s, e, k in hits if s >= start and e <= end]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    body = _marked(text[start:end], window)
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 - every piece escaped in _marked


def _leading_hits(
    text: str, wanted: set[str], language: str, size: int
) -> list[tuple[int, int, str]]:
    """The hits of `text` from its start on, read a piece at a time until a passage of `size`
    characters holds every wanted word: no later passage could hold more distinct words (one
    repeating them more often is not looked for). Most results have such a passage near the
    top, so most of a long body is never scanned."""
    hits: list[tuple[int, int, str]] = []
    position = 0
    while position < len(text):
        # A piece ends at a space, so no word is cut in two.
        end = text.find(" ", position + SCAN_STEP)
        end = len(text) if end < 0 else end
        hits += _hits(text, wanted, language, position, end)
        position = end
        if hits and _distinct_in_best(hits, size) == len(wanted):
            break
    return hits


def _distinct_in_best(hits: list[tuple[int, int, str]], size: int) -> int:
    first = _best_start(hits, size)
    return len({key for start, end, key in hits if start >= first and end <= first + size})


def _passage_start(text: str, hits: list[tuple[int, int, str]], size: int) -> int:
    """Where the excerpt starts: a quarter of it before the best passage's first hit (less
    near the end of the text), at a word boundary; 0 when the text is short or not hit."""
    if not hits or len(text) <= size:
        return 0
    first = _best_start(hits, size)
    start = max(0, min(first - size // 4, len(text) - size))
    if start == 0:
        return 0
    space = text.find(" ", start, first)
    return space + 1 if space >= 0 else first


def _best_start(hits: list[tuple[int, int, str]], size: int) -> int:
    """The start of the hit from which `size` characters hold the most distinct wanted words,
    then the most hits; the earliest such passage wins. A sliding window: linear in hits."""
    best, best_score = 0, (-1, -1)
    counts: dict[str, int] = {}
    j = 0
    for i, (start, _end, key) in enumerate(hits):
        while j < len(hits) and (j <= i or hits[j][1] <= start + size):
            counts[hits[j][2]] = counts.get(hits[j][2], 0) + 1
            j += 1
        score = (len(counts), j - i)
        if score > best_score:
            best, best_score = start, score
        counts[key] -= 1
        if not counts[key]:
            del counts[key]
    return best

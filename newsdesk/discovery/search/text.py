"""Words for the search index and for queries: one tokenisation, Snowball stemming per language.

Documents are stemmed in their own language; a query's language is unknown, so each query word
is stemmed for every candidate language (see `Query.variants`). The same functions feed the
SQLite index and the highlighting of excerpts on both backends, so what is found is what is
marked.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import Stemmer

# A query is cut to this many words: longer ones are pasted text, not searches, and every word
# costs index lookups (the page says that the query was shortened).
MAX_QUERY_WORDS = 12
# Only this much of what was typed is read at all (10 KB of pasted text must stay cheap).
MAX_QUERY_CHARS = 400
# Longer "words" are hashes, URLs without separators or base64: cut, not indexed whole.
MAX_WORD_CHARS = 40

_WORD = re.compile(r"\w+")
# ISO 639-1 -> Snowball algorithm, for the languages PyStemmer and PostgreSQL both stem.
SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}


def primary_language(tag: str) -> str:
    """`de-AT` -> `de`."""
    return (tag or "").split("-")[0].lower()


def snowball_name(language: str) -> str | None:
    """The Snowball algorithm for a BCP 47 tag, or None (words are then only folded)."""
    return SNOWBALL.get(primary_language(language))


@lru_cache(maxsize=64)
def stemmer_for(name: str):
    return Stemmer.Stemmer(name)


def fold(text: str) -> str:
    """Without diacritics, as FTS5's `remove_diacritics 2` compares words ("Café" -> "Cafe";
    "ß" stays, every stemmer reads it). Fast enough for whole bodies: ASCII text is returned
    as it is, the rest decomposed and its combining marks dropped by one str.translate."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_combining_marks())


@cache
def _combining_marks() -> dict[int, None]:
    """Every combining character (about 2,000 of them), mapped to nothing."""
    return {c: None for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c))}


def words(text: str) -> list[str]:
    """The words of a text, case-folded, as the index and queries see them."""
    text = unicodedata.normalize("NFC", text).casefold()
    return [w[:MAX_WORD_CHARS] for w in _WORD.findall(text) if _indexable(w)]


def _indexable(word: str) -> bool:
    # `\w` also matches "_" and combining marks alone, which no index tokenizer keeps.
    return any(c.isalnum() for c in word)


def stems(tokens: list[str], language: str) -> list[str]:
    """`tokens` (from `words`) stemmed for `language`; unchanged where it has no stemmer."""
    name = snowball_name(language)
    if name is None:
        return list(tokens)
    return stemmer_for(name).stemWords(tokens)


def stem(token: str, language: str) -> str:
    name = snowball_name(language)
    return stemmer_for(name).stemWord(token) if name else token


def clean(text: str) -> str:
    """Lone surrogates and NUL bytes out: neither database nor stemmer takes them."""
    text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text.replace("\x00", " ")


@dataclass(frozen=True)
class Query:
    """What a reader typed, as words. `shortened` says the text was cut."""

    text: str
    words: tuple[str, ...]
    shortened: bool

    def variants(self, languages) -> list[set[str]]:
        """For each word, its stems in every candidate language (deduplicated)."""
        return [{stem(word, language) for language in languages} for word in self.words]

    def stems_for(self, language: str) -> set[str]:
        """The words as a document in `language` stores them (for highlighting)."""
        return {fold(s) for s in stems(list(self.words), language)}


def parse_query(raw: str | None) -> Query:
    """Any text becomes a Query; its words are never passed on as query syntax."""
    text = clean(raw or "").strip()
    shortened = len(text) > MAX_QUERY_CHARS
    found = words(text[:MAX_QUERY_CHARS])
    unique = list(dict.fromkeys(found))
    shortened = shortened or len(unique) > MAX_QUERY_WORDS
    return Query(
        text=text[:MAX_QUERY_CHARS], words=tuple(unique[:MAX_QUERY_WORDS]), shortened=shortened
    )

"""Deterministic synthetic article texts for the benchmarks: German- and English-like word soup.

A vocabulary of made-up words per language is built from syllables; words are drawn with
Zipf-like frequencies (a few very common words, a long tail), so texts share common words the way
real articles do while sharing almost no five-word sequence by chance. Text `i` depends only on
the seed and `i`, so any process can regenerate any text.
"""

from __future__ import annotations

import numpy as np

SEED = 20261126
WORDS_PER_LANGUAGE = 2500
ZIPF_EXPONENT = 1.05
MIN_WORDS, MAX_WORDS = 300, 600

_SYLLABLES = {
    "de": (
        "ge ver be ent zer an auf aus ein un ab mit vor nach über unter der die das und "
        "stadt rat haus land bahn markt schaft heit keit ung lich isch ig bar sam los zeit "
        "wer werk kraft strom wind wasser feld berg burg dorf bach gart en er el chen ler "
        "sch tz ck st ein sei wo hin her spiel kunst schul klar ruh frei wand lung bild"
    ).split(),
    "en": (
        "the a in on at to of and for with over under re pre de dis un mis out up "
        "town coun cil port land rail mar ket ship ness ment tion sion able ful less ly ing "
        "ed er est work power stream wind water field hill ford wood brook gar den ton ville "
        "son ham wick shire light sound play art school clear rest free wall form build"
    ).split(),
}


def _vocabulary(language: str, rng: np.random.Generator) -> list[str]:
    syllables = _SYLLABLES[language]
    words: dict[str, None] = {}
    while len(words) < WORDS_PER_LANGUAGE:
        n = int(rng.choice([1, 2, 2, 3, 3, 4]))
        word = "".join(syllables[int(k)] for k in rng.integers(0, len(syllables), n))
        if len(word) >= 2:
            words.setdefault(word)
    return list(words)


class TextGenerator:
    def __init__(self, seed: int = SEED):
        self.seed = seed
        rng = np.random.default_rng(seed)
        self.vocabularies = {lang: np.array(_vocabulary(lang, rng)) for lang in ("de", "en")}
        ranks = np.arange(1, WORDS_PER_LANGUAGE + 1)
        weights = 1.0 / (ranks + 2.7) ** ZIPF_EXPONENT  # Zipf-Mandelbrot
        self.cdf = np.cumsum(weights / weights.sum())

    def _rng(self, *key: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, *key])

    def _words(self, rng: np.random.Generator, language: str, n: int) -> list[str]:
        ids = np.minimum(np.searchsorted(self.cdf, rng.random(n)), WORDS_PER_LANGUAGE - 1)
        return self.vocabularies[language][ids].tolist()

    def language(self, i: int) -> str:
        return "de" if i % 2 == 0 else "en"

    def paragraphs(self, i: int) -> list[list[str]]:
        """Text `i` as paragraphs of words (sentences end in a full stop)."""
        rng = self._rng(0, i)
        language = self.language(i)
        words = self._words(rng, language, int(rng.integers(MIN_WORDS, MAX_WORDS + 1)))
        # Sentences of 8 to 20 words, capitalised, ending in a full stop.
        pos = 0
        while pos < len(words):
            end = min(pos + int(rng.integers(8, 21)), len(words))
            words[pos] = words[pos].capitalize()
            words[end - 1] += "."
            pos = end
        paragraphs, pos = [], 0
        while pos < len(words):
            end = min(pos + int(rng.integers(40, 121)), len(words))
            paragraphs.append(words[pos:end])
            pos = end
        return paragraphs

    def text(self, i: int) -> str:
        return join(self.paragraphs(i))

    def near_copy(self, i: int, *, changed: float = 0.10, key: int = 0) -> str:
        """Text `i` with `changed` of its words replaced at random and one paragraph moved."""
        rng = self._rng(1, i, key)
        paragraphs = self.paragraphs(i)
        language = self.language(i)
        flat = [(p, w) for p, paragraph in enumerate(paragraphs) for w in range(len(paragraph))]
        picks = rng.choice(len(flat), size=round(len(flat) * changed), replace=False)
        for pick in picks.tolist():
            p, w = flat[pick]
            old = paragraphs[p][w]
            while (word := self._words(rng, language, 1)[0]) == old.rstrip(".").lower():
                pass  # a common word may be drawn again: the word must really change
            paragraphs[p][w] = word + ("." if old.endswith(".") else "")
        if len(paragraphs) > 1:
            moved = paragraphs.pop(int(rng.integers(0, len(paragraphs))))
            paragraphs.insert(int(rng.integers(0, len(paragraphs) + 1)), moved)
        return join(paragraphs)


def join(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(words) for words in paragraphs) + "\n"

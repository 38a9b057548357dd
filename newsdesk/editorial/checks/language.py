"""Whether the text is in the language the contributor declared, judged piece by piece."""

import functools
from collections.abc import Iterable

from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from newsdesk.editorial.checks.base import Check, CheckResult
from newsdesk.editorial.checks.body import without_urls

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

# Languages py3langid tells apart that are declared as one (macrolanguages, near-identical
# written standards, dialects it has no model for): detecting any member matches the group.
_LANGUAGE_GROUP = {
    "ary": "ar", "arz": "ar", "wuu": "zh", "yue": "zh", "cmn": "zh", "nb": "no", "nn": "no",
    "hr": "sh", "sr": "sh", "bs": "sh", "id": "ms", "uzs": "uz", "sdh": "ku", "ckb": "ku",
    "kmr": "ku", "hbo": "he", "grc": "el", "gug": "gn", "fil": "tl", "gom": "kok", "ltg": "lv",
    "gsw": "de", "bar": "de",
}  # fmt: skip
_GROUPED = frozenset(_LANGUAGE_GROUP) | frozenset(_LANGUAGE_GROUP.values())
# py3langid's label for text without language (numbers, symbols, links).
_NO_LANGUAGE = "zxx"


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
        text = without_urls(text[: 2 * LANGUAGE_SAMPLE_LETTERS])
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
    check = Check("language.match", "language")
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

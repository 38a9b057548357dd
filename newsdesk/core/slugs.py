"""Slugs for addresses made from names and titles, German letters spelt out as Germans do."""

from django.utils.text import slugify as ascii_slugify

# Django's slugify drops what has no ASCII form: "Fußball" would become "fuball".
_SPELT_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"})  # fmt: skip


def slugify(text: str) -> str:
    """ "Fußball in Köln" -> "fussball-in-koeln"; other letters with diacritics lose them
    ("Café" -> "cafe"), anything else not a letter or digit becomes a hyphen or goes."""
    return ascii_slugify(str(text).translate(_SPELT_OUT))


def slugs_for_lookup(text: str) -> set[str]:
    """The slug `text` gets now and the one it got before German letters were spelt out
    ("fuball" for "Fußball"): things made earlier are still found by either."""
    return {slug for slug in (slugify(text), ascii_slugify(str(text))) if slug}

"""The German interface translation is complete, and its compiled catalogue matches it."""

import gettext
import re
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "de" / "LC_MESSAGES"
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def po_entries(path: Path) -> dict[str, list[str]]:
    """msgid -> its msgstr values, for every active entry of a .po file (obsolete #~ skipped).
    A message with a context is keyed as gettext compiles it: "context\x04msgid"."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            keyword, _, rest = line.partition(" ")
            if keyword.startswith(("msgctxt", "msgid", "msgstr")):
                current = keyword
                fields[current] = ""
                line = rest
            if current:
                fields[current] += "".join(QUOTED.findall(line))
        if fields.get("msgid"):
            key = fields["msgid"]
            if "msgctxt" in fields:
                key = f"{fields['msgctxt']}\x04{key}"
            entries[key] = [v for k, v in fields.items() if k.startswith("msgstr")]
    return entries


def test_every_german_message_is_translated():
    entries = po_entries(CATALOGUE / "django.po")
    assert len(entries) > 200
    assert [msgid for msgid, values in entries.items() if not all(values)] == []


def test_compiled_catalogue_matches_the_po_file():
    with open(CATALOGUE / "django.mo", "rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    compiled_ids = {key[0] if isinstance(key, tuple) else key for key in compiled} - {""}
    po_ids = {
        bytes(i, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        for i in po_entries(CATALOGUE / "django.po")
    }
    assert compiled_ids == po_ids
    assert compiled["You might also like"] == "Das könnte Ihnen auch gefallen"

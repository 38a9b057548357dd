"""Validating BCP 47 language tags (the subset newsdesk needs: language[-Script][-REGION])."""

import re

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:-([a-zA-Z]{4}))?(?:-([a-zA-Z]{2}|[0-9]{3}))?$")
KNOWN_LANGUAGES = {code for code in LANG_INFO if "-" not in code and len(code) <= 3}


def normalize_language(value: str) -> str:
    """`de-at` becomes `de-AT`; an unknown or malformed tag raises ValidationError."""
    tag = (value or "").strip().replace("_", "-")
    match = _TAG.match(tag)
    if not match:
        raise ValidationError(
            _("“%(tag)s” is not a language tag. Use a BCP 47 tag such as de, en or de-AT.")
            % {"tag": value}
        )
    language, script, region = match.groups()
    language = language.lower()
    if language not in KNOWN_LANGUAGES:
        raise ValidationError(
            _("Unknown language “%(tag)s”. Use a BCP 47 tag such as de, en or de-AT.")
            % {"tag": value}
        )
    parts = [language]
    if script:
        parts.append(script.title())
    if region:
        parts.append(region.upper())
    return "-".join(parts)


def language_name(tag: str) -> str:
    info = LANG_INFO.get(tag.split("-")[0].lower())
    return info["name_local"] if info else tag

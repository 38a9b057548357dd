"""Markdown files with YAML front matter in and out (the format in DESIGN.md's contract)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from newsdesk.accounts.models import User
from newsdesk.articles.actions import get_or_create_section, get_or_create_tags, save_article
from newsdesk.articles.images import ImageRejected, save_uploaded_image
from newsdesk.articles.models import BODY_MAX_BYTES, Article
from newsdesk.core.slugs import slugify, slugs_for_lookup

FIELDS = {
    "title", "author", "language", "kind", "section", "tags", "lead", "slug", "cover",
    "cover_alt", "cover_credit", "cover_generated", "published_at", "translation_of",
    "machine_translated",
}  # fmt: skip
# Front matter plus a body of at most 1 MB; larger files are refused before parsing.
MAX_FILE_BYTES = BODY_MAX_BYTES + 64 * 1024
DEFAULT_SECTION = "Allgemein"
# Dates outside these years are typing mistakes (0001-01-01 is YAML's "no date"), and the far
# ends do not survive a conversion to local time.
PUBLISHED_YEARS = range(1900, 2101)


class ImportError_(Exception):
    """A file that cannot be imported; the message names the problem (the caller the file)."""


@dataclass
class ImportResult:
    article: Article
    published: bool


def split_front_matter(text: str) -> tuple[dict, str]:
    text = text.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ImportError_("it does not start with YAML front matter (a line “---”).")
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            raw, body = "".join(lines[1:i]), "".join(lines[i + 1 :])
            break
    else:
        raise ImportError_("its front matter is not closed by a line “---”.")
    try:
        meta = yaml.safe_load(raw) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise ImportError_(f"its front matter is not valid YAML{where}.") from None
    if not isinstance(meta, dict):
        raise ImportError_("its front matter is not a set of “field: value” lines.")
    return meta, body.lstrip("\n")


def _plain(value: object, field: str) -> str:
    """A front matter value as text: a string or a number; anything else names the field."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ImportError_(f"“{field}” must be a single text value.")
    text = str(value).strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # YAML's "\ud800" escapes give lone surrogates, which no database or page can hold.
        raise ImportError_(f"“{field}” contains an invalid character (a lone surrogate).") from None
    return text


def _text(meta: dict, field: str, *, required: bool = False) -> str:
    value = meta.get(field)
    if value is None or value == "":
        if required:
            raise ImportError_(f"the front matter has no “{field}”, which is required.")
        return ""
    return _plain(value, field)


def _tags(meta: dict) -> list[str]:
    value = meta.get("tags") or []
    if isinstance(value, str):
        return [t for t in (s.strip() for s in _plain(value, "tags").split(",")) if t]
    if not isinstance(value, list):
        raise ImportError_("“tags” must be a list of names.")
    if any(isinstance(tag, (dict, list)) for tag in value):
        raise ImportError_("“tags” must be a list of names, not of lists or fields.")
    return [t for t in (_plain(tag, "tags") for tag in value) if t]


def _bool(meta: dict, field: str) -> bool:
    value = meta.get(field, False)
    if isinstance(value, bool):
        return value
    if str(value).lower() in {"true", "yes", "1"}:
        return True
    if str(value).lower() in {"false", "no", "0", ""}:
        return False
    raise ImportError_(f"“{field}” must be true or false, not “{value}”.")


def _datetime(meta: dict, field: str) -> dt.datetime | None:
    value = meta.get(field)
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time(0, 0))
    else:
        try:
            parsed = parse_datetime(str(value))
        except ValueError:
            parsed = None
        if parsed is None:
            raise ImportError_(f"“{field}” is not an ISO 8601 date-time: “{value}”.")
    if parsed.year not in PUBLISHED_YEARS:
        raise ImportError_(
            f"“{field}” must be a date between {PUBLISHED_YEARS[0]} and {PUBLISHED_YEARS[-1]}, "
            f"not “{value}”."
        )
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _author(value: str) -> User:
    if not value:
        raise ImportError_("the front matter has no “author”.")
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ImportError_(
                f"“author” has an “@” but is not a valid email: “{value}”."
            ) from None
        user = User.objects.filter(email__iexact=value).first()
        if user is None:
            user = User.objects.create_user(value, None, display_name=value.split("@")[0][:80])
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user
    user = User.objects.filter(display_name__iexact=value).first()
    if user is None:
        email = f"{slugify(value) or 'author'}@authors.invalid"
        n = 1
        while User.objects.filter(email=email).exists():
            n += 1
            email = f"{slugify(value) or 'author'}-{n}@authors.invalid"
        # An imported byline with no account behind it: it cannot log in until an admin
        # gives it a real address.
        user = User.objects.create_user(email, None, display_name=value[:80])
    return user


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


@dataclass
class SavedFile:
    article: Article
    author: User  # the file's, which an updated article does not take over
    published_at: dt.datetime | None


def save_imported_file(path: Path, *, by: User | None = None) -> SavedFile:
    """Saves one file's article, not yet checked or published; an article with the same slug is
    updated, not copied. Checking and publishing it are the editorial app's
    (editorial.importing.import_file), which calls this inside `files_removed_on_failure()`."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ImportError_("the file is larger than 1 MB.")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ImportError_("it is not UTF-8 text.") from None
    except OSError as exc:
        raise ImportError_(f"it cannot be read ({exc.strerror}).") from None
    meta, body = split_front_matter(text)
    unknown = set(meta) - FIELDS
    if unknown:
        raise ImportError_(
            f"unknown front matter field(s): {', '.join(sorted(map(str, unknown)))}."
        )
    title = _text(meta, "title", required=True)
    language = _text(meta, "language", required=True)
    kind = _text(meta, "kind") or Article.Kind.NEWS
    if kind not in Article.Kind.values:
        raise ImportError_(f"“kind” must be news, analysis or opinion, not “{kind}”.")
    tags = _tags(meta)
    published_at = _datetime(meta, "published_at")
    slug = slugify(_text(meta, "slug")) or None
    # An article imported before German letters were spelt out in slugs is updated, not copied.
    known = slugs_for_lookup(_text(meta, "slug"))
    translation_of = None
    if original := _text(meta, "translation_of"):
        translation_of = Article.objects.filter(slug=original).first()
        if translation_of is None:
            raise ImportError_(f"“translation_of” names “{original}”, which is not imported yet.")
    cover_path = _text(meta, "cover")
    cover_alt = _text(meta, "cover_alt")
    if cover_path and not cover_alt:
        raise ImportError_("“cover” needs “cover_alt”, a description of the image.")

    author = _author(_text(meta, "author"))
    existing = Article.objects.filter(slug__in=known).order_by("pk").first() if slug else None
    cover = None
    if cover_path:
        cover_file = (path.parent / cover_path).resolve()
        try:
            data = cover_file.read_bytes()
        except OSError:
            raise ImportError_(f"the cover “{cover_path}” cannot be read.") from None
        try:
            cover = save_uploaded_image(
                data=data,
                alt=cover_alt,
                credit=_text(meta, "cover_credit"),
                ai_generated=_bool(meta, "cover_generated"),
            )
        except ImageRejected as exc:
            raise ImportError_(f"the cover “{cover_path}”: {' '.join(exc.messages)}") from None
    try:
        article = save_article(
            article=existing,
            author=author,
            editor=by or author,
            title=title,
            lead=_text(meta, "lead"),
            body=body,
            language=language,
            kind=kind,
            section=get_or_create_section(_text(meta, "section") or DEFAULT_SECTION),
            tags=get_or_create_tags(tags),
            slug=existing.slug if existing else slug,  # its address stays
            cover=cover,
            translation_of=translation_of,
            machine_translated=_bool(meta, "machine_translated"),
            note=f"imported from {path.name}",
        )
    except ValidationError as exc:
        raise ImportError_(_error_text(exc)) from None
    return SavedFile(article=article, author=author, published_at=published_at)


def export_article(article: Article, directory: Path, *, prefix: str = "") -> Path:
    """Writes an article back in the import format; a cover is copied beside it."""
    meta: dict = {
        "title": article.title,
        "author": article.author.email,
        "language": article.language,
        "kind": article.kind,
        "section": article.section.name,
        "tags": [t.name for t in article.tags.all()],
        "slug": article.slug,
    }
    if article.lead:
        meta["lead"] = article.lead
    if article.published_at:
        meta["published_at"] = article.published_at.isoformat()
    if article.translation_of_id:
        meta["translation_of"] = article.translation_of.slug
        meta["machine_translated"] = article.machine_translated
    if article.cover and not article.cover.generated:
        suffix = Path(article.cover.file.name).suffix
        cover_name = f"{article.slug}-cover{suffix}"
        with article.cover.file.open("rb") as src:
            (directory / cover_name).write_bytes(src.read())
        meta["cover"] = cover_name
        meta["cover_alt"] = article.cover.alt
        if article.cover.credit:
            meta["cover_credit"] = article.cover.credit
        if article.cover.ai_generated:
            meta["cover_generated"] = True
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    target = directory / f"{prefix}{article.slug}.md"
    target.write_text(f"---\n{front}---\n\n{article.body.rstrip()}\n", encoding="utf-8")
    return target

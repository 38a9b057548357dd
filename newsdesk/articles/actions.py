"""Writes to articles' content. State changes (publish, unpublish, ...) are in editorial.actions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from newsdesk.articles import cache_tags
from newsdesk.articles.cover_art import generate_cover_art, palette_for
from newsdesk.articles.events import article_data
from newsdesk.articles.images import make_renditions, replace_cover, save_generated_image
from newsdesk.articles.languages import normalize_language
from newsdesk.articles.markdown import clean_text, plain_text, render_markdown
from newsdesk.articles.models import (
    BODY_MAX_BYTES,
    LEAD_MAX,
    TITLE_MAX,
    Article,
    Image,
    Revision,
    Section,
    Tag,
)
from newsdesk.articles.reading_time import count_words, reading_minutes
from newsdesk.articles.signals import article_changed
from newsdesk.core import events
from newsdesk.core.slugs import slugify, slugs_for_lookup


def validate_content(*, title: str, lead: str, body: str, language: str) -> dict:
    """Checks what a writer typed; returns it cleaned or raises one ValidationError per field."""
    errors: dict[str, list[str]] = {}
    title, lead, body = (clean_text(t or "") for t in (title, lead, body))
    title = title.strip()
    if not title:
        errors["title"] = [_("An article needs a title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("The title is longer than %(n)d characters.") % {"n": TITLE_MAX}]
    lead = lead.strip()
    if len(lead) > LEAD_MAX:
        errors["lead"] = [_("The lead is longer than %(n)d characters.") % {"n": LEAD_MAX}]
    if len(body.encode("utf-8", "surrogatepass")) > BODY_MAX_BYTES:
        errors["body"] = [_("The body is larger than 1 MB. Split it into several articles.")]
    elif not body.strip():
        errors["body"] = [_("The body is empty.")]
    if "\x00" in title + lead + body:
        errors.setdefault("body", []).append(_("The text contains a NUL character."))
    try:
        language = normalize_language(language)
    except ValidationError as exc:
        errors["language"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return {"title": title, "lead": lead, "body": body, "language": language}


def unique_article_slug(title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:100] or "article"
    slug, n = base, 1
    while Article.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def get_or_create_section(name: str) -> Section:
    name = name.strip()[: Section._meta.get_field("name").max_length]
    slug = slugify(name)[: Section._meta.get_field("slug").max_length] or "section"
    section = (
        Section.objects.filter(name__iexact=name).first()
        or Section.objects.filter(slug=slug).first()
    )
    if section is None:
        section = Section.objects.create(name=name, slug=slug)
    return section


def get_or_create_tags(names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        name = str(name).strip()[:60]
        if not name:
            continue
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            # By slug too: "über" is the tag "Über" (SQLite's iexact ignores ASCII case only),
            # also one made before German letters were spelt out in slugs.
            tag = Tag.objects.filter(slug__in=slugs_for_lookup(name)).order_by("pk").first()
        if tag is None:
            slug = slugify(name) or f"tag-{Tag.objects.count() + 1}"
            tag = Tag.objects.create(name=name, slug=slug)
        tags.append(tag)
    return tags


@transaction.atomic
def save_article(
    *,
    author,
    editor,
    title: str,
    body: str,
    language: str,
    section: Section,
    lead: str = "",
    kind: str = Article.Kind.NEWS,
    tags: list[Tag] | None = None,
    article: Article | None = None,
    slug: str | None = None,
    cover: Image | None = None,
    translation_of: Article | None = None,
    machine_translated: bool = False,
    note: str = "",
) -> Article:
    """Creates or updates an article's content, keeping every state as a Revision.

    The body is rendered once here and stored. An article without a cover gets generated cover
    art; its renditions are made in the background after commit. Cached pages that show the
    article are purged after commit.
    """
    clean = validate_content(title=title, lead=lead, body=body, language=language)
    if kind not in Article.Kind.values:
        raise ValidationError({"kind": [_("Unknown kind “%(kind)s”.") % {"kind": kind}]})
    # A public article's change is announced (article.updated) with how it was before.
    before = None
    if article is None:
        article = Article(author=author)
        old = {}
    else:
        if article.status == Article.Status.PUBLISHED:
            before = article_data(article)
        old = {
            "old_section_id": article.section_id,
            "old_tag_ids": list(article.tags.values_list("id", flat=True)),
            "old_language": article.ui_language,
        }
    content_changed = article.pk is None or (article.title, article.lead, article.body) != (
        clean["title"],
        clean["lead"],
        clean["body"],
    )
    article.title = clean["title"]
    article.lead = clean["lead"]
    article.language = clean["language"]
    article.kind = kind
    article.section = section
    article.translation_of = translation_of
    article.machine_translated = machine_translated
    if slug:
        slug = slugify(slug)[:120]
    article.slug = slug or article.slug or unique_article_slug(clean["title"])
    if content_changed:
        article.body = clean["body"]
        article.body_html = render_markdown(clean["body"])
        article.word_count = count_words(plain_text(clean["body"]))
        article.reading_minutes = reading_minutes(article.word_count, article.language)
    old_cover_id = article.cover_id
    if cover is not None:
        article.cover = cover
    article.full_clean(exclude=["cover", "translation_of", "author", "section", "body_html"])
    article.save()
    if tags is not None:
        article.tags.set(tags)
    if content_changed:
        number = article.revisions.count() + 1
        Revision.objects.create(
            article=article,
            number=number,
            title=article.title,
            lead=article.lead,
            body=article.body,
            created_by=editor,
            note=note[:300],
        )
    if article.cover_id is None:
        article.cover = _generate_cover(article)
        article.save(update_fields=["cover"])
    cover_id = article.cover_id
    if cover_id and not article.cover.renditions:
        transaction.on_commit(lambda: enqueue_renditions(cover_id))
    if cover_id != old_cover_id:
        # The new cover public if the article is, the replaced one deleted with its files.
        replace_cover(old_image_id=old_cover_id, new_image_id=cover_id)
    if article.status == Article.Status.PUBLISHED:
        transaction.on_commit(lambda: cache_tags.purge_article(article, **old))
    if before is not None:
        _announce_update(article, before, changed=content_changed or cover_id != old_cover_id)
    if old:
        # Not only the text: section, tags, kind and language are search filters too.
        transaction.on_commit(lambda: _reindex(article.pk))
    return article


def _announce_update(article: Article, before: dict, *, changed: bool) -> None:
    """article.updated when the save changed the text, the cover or anything the event shows
    (a save of the same text, tags and section announces nothing)."""
    current = article_data(article)
    if not changed and {**current, "updated_at": None} == {**before, "updated_at": None}:
        return
    events.emit("article.updated", current=current, previous=before)


def _reindex(article_id: int) -> None:
    article_changed.send(sender=Article, article_id=article_id)


def _generate_cover(article: Article) -> Image:
    png = generate_cover_art(
        seed=f"{article.slug}\n{article.title}",
        palette=palette_for(article.section.slug, article.section.palette),
    )
    with translation.override(article.ui_language):
        alt = _("Abstract illustration generated for “%(title)s”") % {"title": article.title}
    return save_generated_image(png=png, alt=alt[:300])


def enqueue_renditions(image_id: int) -> None:
    from newsdesk.articles.tasks import make_renditions_task  # tasks.py imports this module

    make_renditions_task(image_id)


def make_renditions_now(image_id: int) -> None:
    image = Image.objects.filter(pk=image_id).first()
    if image is not None:
        make_renditions(image)
        for article in image.article_set.filter(status=Article.Status.PUBLISHED):
            cache_tags.purge_article(article)

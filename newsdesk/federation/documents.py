"""The JSON-LD documents of our actors and their collections (ActivityStreams 2.0)."""

from datetime import UTC

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, linebreaks

from newsdesk.articles.alternates import absolute_url
from newsdesk.articles.models import Article, Image
from newsdesk.federation import queries
from newsdesk.federation.actions import actor_key
from newsdesk.federation.models import Actor
from newsdesk.federation.queries import LocalActor, site_actor

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]
# Articles per outbox page: about what Mastodon shows of a profile at first.
PAGE_SIZE = 20
# The cover rendition a remote server gets: JPEG (every server decodes it, AVIF not yet), the
# largest up to this width (a timeline card is narrower; the 1600 px one is for wide screens).
IMAGE_FORMAT, IMAGE_MEDIA_TYPE, IMAGE_MAX_WIDTH = "jpeg", "image/jpeg", 960


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def actor_id(local: LocalActor) -> str:
    if local.kind == Actor.Kind.SITE:
        return absolute(reverse("federation:site_actor"))
    if local.kind == Actor.Kind.INSTANCE:
        return absolute(reverse("federation:instance_actor"))
    name = "section_actor" if local.kind == Actor.Kind.SECTION else "author_actor"
    return absolute(reverse(f"federation:{name}", kwargs={"slug": local.handle}))


def html_url(local: LocalActor) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        if local.kind == Actor.Kind.SECTION:
            return absolute(local.section.get_absolute_url())
        if local.kind == Actor.Kind.AUTHOR:
            return absolute(local.author.get_absolute_url())
        return absolute(reverse("articles:home"))


def key_id(local: LocalActor) -> str:
    return f"{actor_id(local)}#main-key"


def public_key(local: LocalActor) -> dict:
    key = actor_key(kind=local.kind, object_id=local.object_id)
    return {"id": key_id(local), "owner": actor_id(local), "publicKeyPem": key.public_key_pem}


def instance_document() -> dict:
    """The instance actor: no outbox, no followers; its inbox is the shared one."""
    local = queries.instance_actor()
    ident = actor_id(local)
    shared = absolute(reverse("federation:shared_inbox"))
    return {
        "@context": CONTEXT,
        "id": ident,
        "type": "Application",
        "preferredUsername": local.handle,
        "name": getattr(settings, "SITE_NAME", "newsdesk"),
        "url": html_url(local),
        "inbox": shared,
        "endpoints": {"sharedInbox": shared},
        "manuallyApprovesFollowers": True,
        "discoverable": False,
        "publicKey": public_key(local),
    }


def actor_document(local: LocalActor) -> dict:
    ident = actor_id(local)
    if local.kind == Actor.Kind.SECTION:
        kind, name, summary = "Group", local.section.display_name(settings.LANGUAGE_CODE), ""
    elif local.kind == Actor.Kind.AUTHOR:
        kind, name = "Person", local.author.display_name
        summary = linebreaks(escape(local.author.bio))  # plain text; AS2 summaries are HTML
    else:
        kind, name, summary = "Group", getattr(settings, "SITE_NAME", "newsdesk"), ""
    return {
        "@context": CONTEXT,
        "id": ident,
        "type": kind,
        "preferredUsername": local.handle,
        "name": name,
        "summary": summary,
        "url": html_url(local),
        "inbox": f"{ident}/inbox",
        "outbox": f"{ident}/outbox",
        "followers": f"{ident}/followers",
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "endpoints": {"sharedInbox": absolute(reverse("federation:shared_inbox"))},
        "publicKey": public_key(local),
    }


def followers_document(local: LocalActor, *, count: int) -> dict:
    # The count only: who follows whom is the followers' business.
    return {
        "@context": CONTEXT[0],
        "id": f"{actor_id(local)}/followers",
        "type": "OrderedCollection",
        "totalItems": count,
    }


def outbox_document(local: LocalActor, *, total: int) -> dict:
    ident = f"{actor_id(local)}/outbox"
    last = max(1, -(-total // PAGE_SIZE))
    return {
        "@context": CONTEXT[0],
        "id": ident,
        "type": "OrderedCollection",
        "totalItems": total,
        "first": f"{ident}?page=1",
        "last": f"{ident}?page={last}",
    }


def outbox_page(
    local: LocalActor, *, page: int, articles: list[Article], has_next: bool, authors: dict
) -> dict:
    """`authors`: author pk -> their LocalActor, for the opted-in authors among `articles`;
    an article by anyone else is attributed to the site."""
    ident = f"{actor_id(local)}/outbox"
    doc = {
        "@context": CONTEXT[0],
        "id": f"{ident}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": ident,
        "orderedItems": [
            create_activity(local, article, attributed=authors.get(article.author_id))
            for article in articles
        ],
    }
    if has_next:
        doc["next"] = f"{ident}?page={page + 1}"
    if page > 1:
        doc["prev"] = f"{ident}?page={page - 1}"
    return doc


def create_activity(local: LocalActor, article: Article, *, attributed: LocalActor | None) -> dict:
    obj = article_object(article, attributed=attributed)
    return {
        "id": f"{obj['id']}#create",
        "type": "Create",
        "actor": actor_id(local),
        "published": obj["published"],
        "to": [PUBLIC],
        "cc": [f"{actor_id(local)}/followers"],
        "object": obj,
    }


def article_object(article: Article, *, attributed: LocalActor | None) -> dict:
    """The Article as remote servers get it. Mastodon shows `name`, `summary` and a link to
    `url` for an Article (not its `content`); servers reading FEP-b2b8 show `preview`."""
    author_id = actor_id(attributed or site_actor())
    url = absolute(article.get_absolute_url())
    summary = escape(article.lead)  # plain text; AS2 summaries are HTML
    obj = {
        "id": article_id(article),
        "type": "Article",
        "name": article.title,
        "summary": summary,
        "content": article.body_html,  # sanitised when it was rendered (articles/markdown.py)
        "mediaType": "text/html",
        "url": url,
        "attributedTo": author_id,
        "published": _iso(article.published_at),
        "updated": _iso(max(article.updated_at, article.published_at)),
        "to": [PUBLIC],
        "cc": [f"{author_id}/followers"],
        "sensitive": False,
        "tag": [
            {
                "type": "Hashtag",
                "href": absolute(tag.get_absolute_url()),
                "name": "#" + "".join(tag.name.split()),
            }
            for tag in article.tags.all()
        ],
    }
    if article.language:
        obj["nameMap"] = {article.language: article.title}
        obj["contentMap"] = {article.language: article.body_html}
    image = cover_image(article.cover) if article.cover_id else None
    if image is not None:
        obj["image"] = image
    link = f'<a href="{escape(url)}">{escape(url)}</a>'
    obj["preview"] = {
        "type": "Note",
        "attributedTo": author_id,
        "content": f"<p>{summary}</p><p>{link}</p>" if summary else f"<p>{link}</p>",
        "mediaType": "text/html",
    }
    if image is not None:
        obj["preview"]["attachment"] = [{**image, "type": "Image"}]
    return obj


def article_id(article: Article) -> str:
    return absolute(reverse("federation:article", kwargs={"pk": article.pk}))


def cover_image(image: Image) -> dict | None:
    """The cover as an AS2 Image (its alt text as `name`): the JPEG rendition up to
    IMAGE_MAX_WIDTH wide if there is one, else the master. Only while the cover is public (a
    private URL would be refused to everyone but the author and editors)."""
    if not image.file or not image.public_key:
        return None
    jpegs = [r for r in image.renditions or [] if r.get("format") == IMAGE_FORMAT]
    fitting = [r for r in jpegs if r["width"] <= IMAGE_MAX_WIDTH] or jpegs
    if fitting:
        best = max(fitting, key=lambda r: r["width"])
        url, width, height = image.url_for(best["name"]), best["width"], best["height"]
        media_type = IMAGE_MEDIA_TYPE
    else:
        url, width, height, media_type = image.file.url, image.width, image.height, None
    doc = {"type": "Image", "url": absolute_url(url), "name": image.alt}
    if media_type:
        doc["mediaType"] = media_type
    if width and height:
        doc["width"], doc["height"] = width, height
    return doc


def tombstone(article: Article) -> dict:
    """What a withdrawn or taken-down article's object becomes (and what a Delete carries)."""
    return {
        "id": article_id(article),
        "type": "Tombstone",
        "formerType": "Article",
        "deleted": _iso(article.updated_at),
    }


def iso(value) -> str:
    return _iso(value)


def _iso(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

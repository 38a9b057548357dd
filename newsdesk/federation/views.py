"""Discovery (WebFinger, NodeInfo) and the actors' JSON-LD documents. Every view answers 404
while settings.FEDERATION_ENABLED is off. Nothing here goes into the page cache."""

import functools
import importlib.metadata
import json

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from newsdesk.accounts.models import User
from newsdesk.articles.models import Article
from newsdesk.articles.queries import visible_articles
from newsdesk.federation import documents, outbound, queries
from newsdesk.federation import inbox as inbox_

ACTIVITY_JSON = "application/activity+json"
JRD_JSON = "application/jrd+json"
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/2.1"
# A resource longer than this is no acct: or actor URL of ours; refused before any parsing.
RESOURCE_MAX = 500
PAGE_MAX = 10_000


def _json(data: dict, *, content_type: str, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type=content_type, status=status
    )
    # RFC 7033 4.5: WebFinger (and the documents it points to) may be read from any origin.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _error(message: str, *, status: int, content_type: str = "application/json") -> HttpResponse:
    return _json({"error": message}, content_type=content_type, status=status)


def enabled(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.FEDERATION_ENABLED:
            raise Http404("Federation is off")
        return view(request, *args, **kwargs)

    return wrapper


@enabled
@require_safe
def webfinger(request):
    resource = request.GET.get("resource", "").strip()
    if not resource:
        return _error("resource is required", status=400, content_type=JRD_JSON)
    if len(resource) > RESOURCE_MAX:
        return _error("resource is too long", status=400, content_type=JRD_JSON)
    if resource.startswith("acct:"):
        name, at, host = resource[5:].lstrip("@").rpartition("@")
        if not at or not name or not host:
            return _error("resource must be acct:name@host", status=400, content_type=JRD_JSON)
        if host.lower() not in _our_hosts():
            raise Http404("Not one of ours")
        local = queries.actor_for_handle(name)
    elif resource.startswith(("https://", "http://")):
        local = _actor_for_url(resource)
    else:
        return _error("resource must be an acct: or https: URI", status=400, content_type=JRD_JSON)
    if local is None:
        raise Http404("No such actor")
    ident = documents.actor_id(local)
    page = documents.html_url(local)
    return _json(
        {
            "subject": f"acct:{local.handle}@{settings.SITE_HOST}",
            "aliases": [ident, page],
            "links": [
                {"rel": "self", "type": ACTIVITY_JSON, "href": ident},
                {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": page},
            ],
        },
        content_type=JRD_JSON,
    )


def _our_hosts() -> set[str]:
    return queries.our_hosts()


def _actor_for_url(url: str):
    return queries.actor_for_url(url)


@enabled
@require_safe
def nodeinfo_links(request):
    href = documents.absolute(reverse("federation:nodeinfo"))
    return _json(
        {"links": [{"rel": NODEINFO_SCHEMA, "href": href}]}, content_type="application/json"
    )


@enabled
@require_safe
def nodeinfo(request):
    return _json(
        {
            "version": "2.1",
            "software": {"name": "newsdesk", "version": importlib.metadata.version("newsdesk")},
            "protocols": ["activitypub"],
            "services": {"inbound": [], "outbound": []},
            "openRegistrations": bool(get_adapter(request).is_open_for_signup(request)),
            "usage": {
                "users": {"total": User.objects.filter(is_active=True).count()},
                "localPosts": visible_articles().count(),
            },
            "metadata": {"nodeName": getattr(settings, "SITE_NAME", "newsdesk")},
        },
        content_type=f'application/json; profile="{NODEINFO_SCHEMA}#"',
    )


def _local(kind: str, slug: str | None):
    if kind == "site":
        return queries.site_actor()
    local = queries.section_actor(slug) if kind == "section" else queries.author_actor(slug)
    if local is None:
        raise Http404("No such actor")
    return local


@enabled
@require_safe
def actor(request, kind, slug=None):
    return _json(documents.actor_document(_local(kind, slug)), content_type=ACTIVITY_JSON)


@enabled
@require_safe
def instance_actor(request):
    return _json(documents.instance_document(), content_type=ACTIVITY_JSON)


@enabled
@require_safe
def followers(request, kind, slug=None):
    local = _local(kind, slug)
    doc = documents.followers_document(local, count=queries.follower_count(local))
    return _json(doc, content_type=ACTIVITY_JSON)


@enabled
@require_safe
def outbox(request, kind, slug=None):
    local = _local(kind, slug)
    articles = queries.outbox_articles(local)
    raw = request.GET.get("page")
    if raw is None:
        doc = documents.outbox_document(local, total=articles.count())
        return _json(doc, content_type=ACTIVITY_JSON)
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= PAGE_MAX:
        return _error(f"page must be a number from 1 to {PAGE_MAX}", status=400)
    page = int(raw)
    start = (page - 1) * documents.PAGE_SIZE
    rows = list(articles[start : start + documents.PAGE_SIZE + 1])
    shown = rows[: documents.PAGE_SIZE]
    # One look-up per opted-in author on the page, not per article.
    opted_in = queries.opted_in_author_ids({a.author_id for a in shown})
    slugs = {a.author_id: a.author.slug for a in shown if a.author_id in opted_in}
    authors = {pk: queries.author_actor(slug) for pk, slug in slugs.items()}
    doc = documents.outbox_page(
        local,
        page=page,
        articles=shown,
        has_next=len(rows) > documents.PAGE_SIZE,
        authors={pk: found for pk, found in authors.items() if found},
    )
    return _json(doc, content_type=ACTIVITY_JSON)


@enabled
@require_safe
def article(request, pk):
    """The Article object an outbox item carries, while the article is visible. Once public
    and now withdrawn, a Tombstone: 451 if it was taken down on a report, else 410 (the Delete
    sent to followers says the same). Never public: 404."""
    found = visible_articles().prefetch_related("tags").filter(pk=pk).first()
    if found is None:
        gone = outbound.withdrawn_article(pk)
        if gone is None:
            raise Http404("No such article")
        doc = {"@context": documents.CONTEXT[0], **documents.tombstone(gone)}
        status = 451 if gone.status == Article.Status.TAKEN_DOWN else 410
        return _json(doc, content_type=ACTIVITY_JSON, status=status)
    opted_in = queries.opted_in_author_ids([found.author_id])
    attributed = queries.author_actor(found.author.slug) if opted_in else None
    doc = {"@context": documents.CONTEXT[0]}
    doc |= documents.article_object(found, attributed=attributed)
    return _json(doc, content_type=ACTIVITY_JSON)


@csrf_exempt
@enabled
def inbox(request, kind=None, slug=None):
    """An actor's inbox, or the shared one (kind None). What is acted on and what is
    dropped is in inbox.py (docs/federation.md); 202 either way, since the Accept goes out
    after the answer. Every refusal says why, and nothing is stored before the signature and the
    actor check pass."""
    target = _local(kind, slug) if kind is not None else None
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    raw_length = request.META.get("CONTENT_LENGTH") or "0"
    length = int(raw_length) if raw_length.isascii() and raw_length.isdigit() else 0
    if length > inbox_.MAX_BODY:
        return _error("The activity is too large.", status=413)
    body = request.body
    if len(body) > inbox_.MAX_BODY:
        return _error("The activity is too large.", status=413)
    try:
        activity = inbox_.parse(body, request.META.get("CONTENT_TYPE", ""))
        signer = inbox_.verify(request, body, activity)
        inbox_.handle(activity, signer=signer, target=target)
    except inbox_.InboxRefused as refused:
        return _error(refused.reason, status=refused.status)
    return HttpResponse(status=202)

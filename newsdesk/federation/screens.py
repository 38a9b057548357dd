"""The Fediverse pages of the desk: editors see follower counts, reactions and the replies
waiting for them (approve or reject); an author opts in or out of having an actor. Never cached:
they are personal."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from newsdesk.accounts.roles import ADMIN, CONTRIBUTOR, EDITOR, PermissionTable
from newsdesk.articles import queries as article_queries
from newsdesk.federation import actions, moderation, queries
from newsdesk.federation.models import Reply

PERMISSIONS = PermissionTable(
    {"moderate_fediverse": {EDITOR, ADMIN}, "opt_in": {CONTRIBUTOR, EDITOR, ADMIN}}
)
RECENT_ARTICLES = 20


def _enabled() -> None:
    if not settings.FEDERATION_ENABLED:
        raise Http404("Federation is off")


def _page(request, template, context):
    response = render(request, template, context)
    add_never_cache_headers(response)
    return response


def _handle(local) -> str:
    return f"@{local.handle}@{settings.SITE_HOST}"


@login_required
def desk(request):
    _enabled()
    if not PERMISSIONS.can(request.user, "moderate_fediverse"):
        raise Http404("No such page")
    recent = list(
        article_queries.visible_articles().order_by("-published_at", "-pk")[:RECENT_ARTICLES]
    )
    counts = queries.reaction_counts(a.pk for a in recent)
    return _page(
        request,
        "federation/desk.html",
        {
            "followers": [(local, _handle(local), n) for local, n in queries.follower_counts()],
            "replies": queries.pending_replies(),
            "recent": [(a, counts.get(a.pk, {})) for a in recent],
        },
    )


@login_required
@require_POST
def decide(request, reply_id, decision):
    _enabled()
    if not PERMISSIONS.can(request.user, "moderate_fediverse"):
        raise Http404("No such page")
    if decision not in moderation.DECISIONS:
        raise Http404("No such decision")
    reply = get_object_or_404(Reply, pk=reply_id, state=Reply.State.PENDING)
    moderation.decide_reply(reply=reply, decision=decision, editor=request.user)
    if decision == "approve":
        messages.success(request, _("The reply is shown under the article now."))
    else:
        messages.success(request, _("The reply was rejected; it is not shown."))
    return redirect("federation_screens:desk")


@login_required
def opt_in(request):
    _enabled()
    user = request.user
    if not PERMISSIONS.can(user, "opt_in"):
        raise Http404("No such page")
    if request.method == "POST":
        if request.POST.get("choice") == "in":
            actions.opt_in_author(author=user)
            messages.success(request, _("You are on the Fediverse now."))
        elif request.POST.get("choice") == "out":
            actions.opt_out_author(author=user)
            messages.success(request, _("You are no longer on the Fediverse."))
        return redirect("federation_screens:opt_in")
    opted_in = hasattr(user, "fediverse_opt_in")
    local = queries.author_actor(user.slug) if opted_in else None
    return _page(
        request,
        "federation/opt_in.html",
        {
            "opted_in": opted_in,
            "handle": f"@{user.slug}@{settings.SITE_HOST}",
            # None: opted in, but without a public article there is no actor yet.
            "local": local,
            "followers": queries.follower_count(local) if local else 0,
        },
    )

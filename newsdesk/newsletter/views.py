"""Public newsletter pages: the list, subscribing, confirming, the subscriber's page, one-click
unsubscribe and the archive of sent issues.

The signup form sits on cached pages, so it carries no CSRF token and the subscribe endpoint is
csrf_exempt (a forged request can do no more than the form itself, and rate limits and the
confirmation mail bound that). The subscriber's pages are opened by a secret token in the URL,
which also stands in for a CSRF token; RFC 8058 requires that one-click POSTs work without one.
"""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from newsdesk.articles.cache_tags import article_tag
from newsdesk.core.client_ip import client_ip
from newsdesk.core.page_cache import cache_page_with
from newsdesk.core.pagination import paginate
from newsdesk.newsletter import actions, queries
from newsdesk.newsletter.forms import ManageForm, SubscribeForm
from newsdesk.newsletter.models import Newsletter, Subscription
from newsdesk.newsletter.permissions import (
    access_issue_for_reading,
    access_newsletter_for_reading,
    access_subscriber_by_token,
)

# Per IP: a person subscribes once or twice; more is a script.
SUBSCRIBE_RATE_MINUTE = "5/m"
SUBSCRIBE_RATE_HOUR = "30/h"
# Per IP, for pages opened by a token. Not for one-click unsubscribes: mail providers send those
# from a few addresses for all their users, and a refused unsubscribe is worse than a busy server.
LINK_RATE = "30/m"
# Issues per archive page.
PAGE_SIZE = 20
GET_OR_POST = ["GET", "HEAD", "POST"]


def _ip(request) -> str | None:
    return client_ip(request) or None


def _list_context(form=None) -> dict:
    newsletters = list(queries.active_newsletters().select_related("section"))
    chosen = set()
    if form is not None:
        chosen = {int(v) for v in form.data.getlist("newsletters") if v.isdigit()}
    return {
        "newsletters": newsletters,
        "form": form,
        "chosen": chosen,
        "typed_email": form.data.get("email", "") if form is not None else "",
    }


@require_safe
def newsletter_list(request):
    context = _list_context()
    response = render(request, "newsletter/list.html", context)
    tags = {queries.LIST_TAG} | {queries.archive_tag(n.pk) for n in context["newsletters"]}
    return cache_page_with(response, tags)


@csrf_exempt
@require_POST
@ratelimit(key="ip", rate=SUBSCRIBE_RATE_MINUTE, group="newsletter-subscribe")
@ratelimit(key="ip", rate=SUBSCRIBE_RATE_HOUR, group="newsletter-subscribe")
def subscribe(request):
    """Answers "check your inbox" alike for new, pending, subscribed and suppressed addresses
    (and for bots that filled in the honeypot); only a form error is answered differently."""
    form = SubscribeForm(request.POST)
    if form.is_bot():
        return _check_inbox(request)
    if not form.is_valid():
        return render(request, "newsletter/list.html", _list_context(form))
    actions.subscribe(
        email=form.cleaned_data["email"],
        newsletters=form.cleaned_data["newsletters"],
        language=request.LANGUAGE_CODE,
        ip=_ip(request),
    )
    return _check_inbox(request)


def _check_inbox(request):
    return render(
        request,
        "newsletter/check_inbox.html",
        {
            "hours": int(actions.CONFIRMATION_TTL.total_seconds() // 3600),
            "minutes": int(actions.CONFIRMATION_WINDOW.total_seconds() // 60),
        },
    )


def _link_invalid(request):
    return render(
        request,
        "newsletter/link_invalid.html",
        {"hours": int(actions.CONFIRMATION_TTL.total_seconds() // 3600)},
        status=410,
    )


@csrf_exempt
@never_cache
@require_http_methods(GET_OR_POST)
@ratelimit(key="ip", rate=LINK_RATE, method="POST", group="newsletter-token")
def confirm(request, token):
    """GET only shows a button: mail scanners open links, and must not confirm anything."""
    if request.method == "POST":
        subscriber = actions.confirm(token=token, ip=_ip(request))
        if subscriber is None:
            return _link_invalid(request)
        confirmed = [
            s.newsletter
            for s in subscriber.subscriptions.filter(
                status=Subscription.Status.CONFIRMED
            ).select_related("newsletter")
        ]
        return render(
            request,
            "newsletter/confirmed.html",
            {"subscriber": subscriber, "newsletters": confirmed},
        )
    pending = queries.pending_subscriptions(token_hash=actions.hash_token(token))
    newsletters = [s.newsletter for s in pending.select_related("newsletter")]
    if not newsletters:
        return _link_invalid(request)
    return render(request, "newsletter/confirm.html", {"newsletters": newsletters})


@csrf_exempt
@never_cache
@require_http_methods(GET_OR_POST)
@ratelimit(key="ip", rate=LINK_RATE, method="POST", group="newsletter-token")
def manage(request, token):
    subscriber = access_subscriber_by_token(token)
    outcome = ""
    if request.method == "POST":
        if request.POST.get("intent") == "leave_all":
            actions.unsubscribe(subscriber=subscriber)
            outcome = "left"
        else:
            form = ManageForm(request.POST)
            if form.is_valid():
                actions.update_subscriptions(
                    subscriber=subscriber,
                    newsletters=form.cleaned_data["newsletters"],
                    ip=_ip(request),
                )
                outcome = "saved"
    subscriptions = queries.subscriptions_by_newsletter(subscriber)
    rows = [
        {"newsletter": n, "status": getattr(subscriptions.get(n.pk), "status", "")}
        for n in queries.active_newsletters()
    ]
    return render(
        request,
        "newsletter/manage.html",
        {"subscriber": subscriber, "rows": rows, "outcome": outcome},
    )


@csrf_exempt
@never_cache
@require_http_methods(GET_OR_POST)
def one_click(request, token, slug):
    """RFC 8058: any POST unsubscribes at once and answers 200, with no cookie, login, CSRF
    token or redirect; a GET only asks."""
    subscriber = access_subscriber_by_token(token)
    newsletter = get_object_or_404(Newsletter, slug=slug)
    context = {"subscriber": subscriber, "newsletter": newsletter}
    if request.method == "POST":
        actions.unsubscribe(subscriber=subscriber, newsletter=newsletter)
        return render(request, "newsletter/unsubscribed.html", context)
    return render(request, "newsletter/unsubscribe.html", context)


@require_safe
def archive(request, slug):
    newsletter = access_newsletter_for_reading(request.user, slug)
    page = paginate(request, queries.sent_issues(newsletter), per_page=PAGE_SIZE)
    if isinstance(page, HttpResponse):  # a redirect to the page's canonical URL
        return page
    response = render(request, "newsletter/archive.html", {"newsletter": newsletter, "page": page})
    return cache_page_with(response, {queries.archive_tag(newsletter.pk)})


@require_safe
def issue(request, slug, pk):
    newsletter = access_newsletter_for_reading(request.user, slug)
    issue = access_issue_for_reading(request.user, newsletter, pk)
    articles = queries.visible_issue_articles(issue)
    response = render(
        request,
        "newsletter/issue.html",
        {"newsletter": newsletter, "issue": issue, "articles": articles},
    )
    # Every article of the issue, shown or not: restoring a taken-down one purges the page.
    tags = {queries.archive_tag(newsletter.pk)}
    tags |= {article_tag(article_id) for article_id in queries.issue_article_ids(issue)}
    return cache_page_with(response, tags)

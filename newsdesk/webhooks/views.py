"""The admins' webhook pages: the endpoints, one endpoint with its secret and deliveries, and
the buttons (rotate, enable/disable, delete, send test, redeliver). Never cached: they show
secrets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from newsdesk.webhooks import actions, queries
from newsdesk.webhooks.forms import EndpointForm
from newsdesk.webhooks.permissions import (
    access_delivery_for_managing,
    access_endpoint_for_managing,
    access_endpoints_for_managing,
)

DELIVERIES_PER_PAGE = 25


def _refused(form, exc: ValidationError) -> None:
    for message in exc.messages:
        form.add_error("url" if "url" in form.fields else None, message)


def _page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    add_never_cache_headers(response)
    return response


@login_required
def endpoints(request):
    access_endpoints_for_managing(request.user)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = actions.create_endpoint(created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The endpoint was added. Its secret is below."))
            return redirect(endpoint)
    return _page(
        request,
        "webhooks/endpoints.html",
        {"endpoints": queries.endpoints_with_counts(), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def endpoint(request, endpoint_id):
    endpoint = access_endpoint_for_managing(request.user, endpoint_id)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_endpoint(endpoint=endpoint, **form.cleaned_data)
        except ValidationError as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The endpoint was saved."))
            return redirect(endpoint)
    page = Paginator(queries.deliveries_of(endpoint), DELIVERIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    for delivery in page:
        attempts = list(delivery.attempt_set.all())  # prefetched
        delivery.last_attempt = attempts[-1] if attempts else None
    return _page(
        request,
        "webhooks/endpoint.html",
        {
            "endpoint": endpoint,
            "form": form,
            "page": page,
            "secrets": actions.secrets_in_use(endpoint),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def rotate(request, endpoint_id):
    endpoint = access_endpoint_for_managing(request.user, endpoint_id)
    actions.rotate_secret(endpoint=endpoint)
    messages.success(
        request,
        _("A new secret was made. The old one signs too for the next 24 hours."),
    )
    return redirect(endpoint)


@login_required
@require_POST
def change_state(request, endpoint_id):
    endpoint = access_endpoint_for_managing(request.user, endpoint_id)
    if request.POST.get("enabled") == "1":
        try:
            actions.enable_endpoint(endpoint=endpoint)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The endpoint is enabled."))
    else:
        actions.disable_endpoint(
            endpoint_id=endpoint.pk, reason=f"Disabled by {request.user}.", notify=False
        )
        messages.success(request, _("The endpoint is disabled."))
    return redirect(endpoint)


@login_required
@require_POST
def delete(request, endpoint_id):
    endpoint = access_endpoint_for_managing(request.user, endpoint_id)
    actions.delete_endpoint(endpoint=endpoint)
    messages.success(request, _("The endpoint was deleted."))
    return redirect("webhooks:endpoints")


@login_required
@require_POST
def send_test(request, endpoint_id):
    endpoint = access_endpoint_for_managing(request.user, endpoint_id)
    try:
        actions.send_test(endpoint=endpoint, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("A test event is on its way."))
    return redirect(endpoint)


@login_required
@require_POST
def redeliver(request, endpoint_id, delivery_id):
    delivery = access_delivery_for_managing(request.user, endpoint_id, delivery_id)
    try:
        actions.redeliver(delivery=delivery)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The event is being delivered again."))
    return redirect(delivery.endpoint)

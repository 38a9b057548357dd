from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from newsdesk.accounts.actions import create_token, revoke_token, update_profile
from newsdesk.accounts.forms import ApiTokenForm, ProfileForm
from newsdesk.accounts.models import ApiToken
from newsdesk.accounts.permissions import access_outbox_for_reading, access_profile_for_editing
from newsdesk.articles.queries import public_authors
from newsdesk.core import outbox as outbox_store

# New tokens a user may make per hour: enough for any honest setup, not for a script.
TOKEN_CREATE_RATE = "20/h"  # noqa: S105 - a rate, not a secret
# Session key holding a token just made, until the profile page shows it (once).
NEW_TOKEN_SESSION_KEY = "accounts:new_api_token"  # noqa: S105 - a key name


@login_required
def profile(request):
    user = access_profile_for_editing(request.user)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    return _profile_page(request, form=form)


def _profile_page(request, *, form=None, token_form=None, status=200):
    user = request.user
    new_token = request.session.pop(NEW_TOKEN_SESSION_KEY, None)
    # The link to the public page only once there is one (see articles.queries.public_authors).
    has_page = public_authors().filter(pk=user.pk).exists()
    now = timezone.now()
    response = render(
        request,
        "accounts/profile.html",
        {
            "form": form or ProfileForm(instance=user),
            "has_public_page": has_page,
            "token_form": token_form or ApiTokenForm(user=user),
            "api_tokens": [(row, _token_state(row, now)) for row in user.api_tokens.all()],
            "new_token": new_token,
        },
        status=status,
    )
    # The page is the user's own, and may carry a secret: never kept by a browser or proxy.
    add_never_cache_headers(response)
    return response


def _token_state(row: ApiToken, now) -> str:
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"
    return "active"


@login_required
@require_POST
def token_create(request):
    user = access_profile_for_editing(request.user)
    form = ApiTokenForm(request.POST, user=user)
    if is_ratelimited(
        request, group="accounts-token-create", key="user", rate=TOKEN_CREATE_RATE, increment=True
    ):
        messages.error(
            request, _("You have made too many tokens in the last hour. Please try again later.")
        )
        return _profile_page(request, token_form=form, status=429)
    if form.is_valid():
        try:
            row, token = create_token(user=user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = {"name": row.name, "token": token}
            messages.success(request, _("The token “%(name)s” was created.") % {"name": row.name})
            return redirect("accounts:profile")
    messages.error(request, _("The token was not created: please correct the marked fields."))
    return _profile_page(request, token_form=form)


@login_required
@require_POST
def token_revoke(request, token_id):
    user = access_profile_for_editing(request.user)
    # Someone else's token answers like one that does not exist.
    row = user.api_tokens.filter(pk=token_id).first()
    if row is None:
        raise Http404("No such token")
    if revoke_token(user=user, token_id=row.pk):
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": row.name})
    else:
        messages.info(request, _("The token “%(name)s” was already revoked.") % {"name": row.name})
    return redirect("accounts:profile")


@login_required
def outbox(request):
    access_outbox_for_reading(request.user)
    return render(request, "accounts/outbox.html", {"mails": outbox_store.list_messages()})


@login_required
def outbox_message(request, name):
    access_outbox_for_reading(request.user)
    mail = outbox_store.read_message(name)
    if mail is None:
        raise Http404
    return render(request, "accounts/outbox_message.html", {"mail": mail})

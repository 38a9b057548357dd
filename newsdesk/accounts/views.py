from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from newsdesk.accounts.actions import update_profile
from newsdesk.accounts.forms import ProfileForm
from newsdesk.accounts.permissions import access_outbox_for_reading, access_profile_for_editing
from newsdesk.articles.queries import public_authors
from newsdesk.core import outbox as outbox_store


@login_required
def profile(request):
    user = access_profile_for_editing(request.user)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    # The link to the public page only once there is one (see articles.queries.public_authors).
    has_page = public_authors().filter(pk=user.pk).exists()
    return render(request, "accounts/profile.html", {"form": form, "has_public_page": has_page})


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

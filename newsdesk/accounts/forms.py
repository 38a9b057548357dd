from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsdesk.accounts import tokens
from newsdesk.accounts.models import BIO_MAX, DISPLAY_NAME_MAX, ApiToken, User
from newsdesk.accounts.slugs import unique_author_slug


class SignupForm(forms.Form):
    """Extra fields for allauth's sign-up: the name shown in bylines."""

    display_name = forms.CharField(label=_("Display name"), max_length=DISPLAY_NAME_MAX)

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"].strip()
        user.slug = unique_author_slug(user.display_name)
        user.save(update_fields=["display_name", "slug"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6, "maxlength": BIO_MAX})}


# Lifetimes offered on the account page (days); the longest is actions.TOKEN_MAX_DAYS.
TOKEN_LIFETIMES = (7, 30, 90, 366)
TOKEN_DEFAULT_LIFETIME = 90


class ApiTokenForm(forms.Form):
    """A new personal access token: the scopes offered are only those `user` may hold."""

    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, e.g. “laptop script” or “CI”."),
        error_messages={"required": _("Give the token a name.")},
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope.")},
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Lifetime"),
        coerce=int,
        initial=TOKEN_DEFAULT_LIFETIME,
    )

    def __init__(self, *args, user, **kwargs):
        # Its own ids: it shares the page with the profile form.
        kwargs.setdefault("auto_id", "id_token_%s")
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [
            (scope, f"{scope} – {tokens.SCOPES[scope]}") for scope in tokens.scopes_for(user)
        ]
        # Built per request, in the request's language.
        self.fields["expires_in_days"].choices = [
            (days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
            for days in TOKEN_LIFETIMES
        ]

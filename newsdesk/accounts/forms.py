from django import forms
from django.utils.translation import gettext_lazy as _

from newsdesk.accounts.models import BIO_MAX, DISPLAY_NAME_MAX, User
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

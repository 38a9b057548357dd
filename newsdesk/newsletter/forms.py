from django import forms
from django.utils.translation import gettext_lazy as _

from newsdesk.newsletter.queries import active_newsletters


class NewsletterChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class SubscribeForm(forms.Form):
    """The public signup form. The templates write its HTML by hand (the box on cached pages
    must carry nothing per visitor); the field names here are the contract."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _(
                "This is not a valid email address. Please check it, e.g. name@example.org."
            ),
        },
    )
    newsletters = NewsletterChoiceField(
        queryset=active_newsletters(),
        label=_("Newsletters"),
        error_messages={"required": _("Please choose at least one newsletter.")},
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Please agree to receive the newsletter by email.")},
    )
    # The honeypot: hidden by CSS from people, filled in by bots that fill in every field.
    website = forms.CharField(required=False)

    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class ManageForm(forms.Form):
    newsletters = NewsletterChoiceField(
        queryset=active_newsletters(), label=_("Your newsletters"), required=False
    )

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from newsdesk.core.events import EVENT_TYPES
from newsdesk.webhooks.models import Endpoint


class EndpointForm(forms.Form):
    """An endpoint's URL, what it is for, and the events it receives."""

    url = forms.CharField(
        label=_("URL"),
        max_length=Endpoint._meta.get_field("url").max_length,
        help_text=_("Where the events are posted, http:// or https://."),
        widget=forms.URLInput(attrs={"size": 60}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=Endpoint._meta.get_field("description").max_length,
        required=False,
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        widget=forms.CheckboxSelectMultiple,
        # Lazy, so each page shows the descriptions in its own language.
        choices=[
            (name, format_lazy("{} – {}", name, meaning)) for name, meaning in EVENT_TYPES.items()
        ],
        error_messages={"required": _("Choose at least one event.")},
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from newsdesk.articles.languages import normalize_language
from newsdesk.articles.models import BODY_MAX_BYTES, LEAD_MAX, TITLE_MAX, Article, Section

# Tags per article: enough to describe, too few to stuff keywords.
MAX_TAGS = 8


class CoverForm(forms.Form):
    """A cover image and what the writer says about it: part of ArticleForm, and alone what
    the API's cover upload takes (so both doors ask the same)."""

    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG or WebP. Without one, newsdesk generates an illustration."),
    )
    cover_alt = forms.CharField(label=_("Alt text"), max_length=300, required=False)
    cover_credit = forms.CharField(label=_("Credit"), max_length=200, required=False)
    cover_ai_generated = forms.BooleanField(
        label=_("This image was made by an image model (AI)"), required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("cover") and not (data.get("cover_alt") or "").strip():
            self.add_error("cover_alt", _("Describe the image in the alt text."))
        return data


class ArticleForm(CoverForm):
    """What a contributor writes. Nothing here is lost: the view saves or re-shows it all."""

    field_order = ["title", "lead", "body", "language", "kind", "section", "tags"]

    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    lead = forms.CharField(
        label=_("Lead"),
        max_length=LEAD_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "markdown-input"}),
    )
    language = forms.CharField(
        label=_("Language"),
        max_length=35,
        initial="de",
        help_text=_("A BCP 47 tag: de, en, de-AT, fr …"),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Article.Kind.choices)
    section = forms.ModelChoiceField(label=_("Section"), queryset=Section.objects.all())
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas."), max_length=500
    )

    def clean_language(self):
        return normalize_language(self.cleaned_data["language"])

    def clean_body(self):
        body = self.cleaned_data["body"]
        if len(body.encode("utf-8", "surrogatepass")) > BODY_MAX_BYTES:
            raise forms.ValidationError(
                _("The body is larger than 1 MB. Split it into several articles.")
            )
        return body

    def clean_tags(self):
        names = [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(_("Use at most %(n)d tags.") % {"n": MAX_TAGS})
        return names


class SubmitForm(forms.Form):
    accept_guidelines = forms.IntegerField(widget=forms.HiddenInput)
    accepted = forms.BooleanField(
        label=_("I have read the guidelines and my article follows them."), required=True
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class ScheduleForm(NoteForm):
    at = forms.DateTimeField(
        label=_("Publish at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class QueueFilterForm(forms.Form):
    section = forms.ModelChoiceField(
        queryset=Section.objects.all(), required=False, label=_("Section")
    )
    language = forms.CharField(required=False, max_length=35, label=_("Language"))
    kind = forms.ChoiceField(
        choices=[("", "—"), *Article.Kind.choices], required=False, label=_("Kind")
    )
    older_than_days = forms.IntegerField(
        required=False, min_value=0, max_value=3650, label=_("Waiting at least (days)")
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from newsdesk.editorial.grounds import Ground
from newsdesk.reports.models import LINE_MAX, ORIGINAL_TEXT_MAX, TEXT_MAX, URL_MAX, Report

G = Ground
# What each ground asks for: field -> required. A copyright report asks for the elements of a
# proper notice (17 U.S.C. § 512(c)(3), Art. 16 DSA); the others for what an editor needs to
# judge them and to answer.
GROUND_FIELDS: dict[str, dict[str, bool]] = {
    G.COPYRIGHT: {
        "work": True,
        "passage": True,
        "original_url": False,
        "original_text": False,
        "reporter_name": True,
        "reporter_email": True,
        "reporter_address": False,
        "reporter_phone": False,
        "good_faith": True,
        "accurate": True,
        "signature": True,
    },
    G.DEFAMATION: {
        "passage": True,
        "explanation": True,
        "reporter_name": True,
        "relationship": False,
        "reporter_email": True,
        "reporter_phone": False,
        "good_faith": True,
    },
    G.PRIVACY: {
        "passage": True,
        "explanation": True,
        "relationship": True,
        "reporter_name": False,
        "reporter_email": True,
        "good_faith": True,
    },
    G.HATE: {"passage": False, "explanation": True, "reporter_email": True, "reporter_name": False},
    G.SPAM: {"explanation": True, "reporter_email": True},
}
# Label changes per ground (the default labels fit a copyright notice).
GROUND_LABELS = {
    G.DEFAMATION: {
        "passage": _("Which statements in the article are untrue, word for word"),
        "explanation": _("What is untrue about them, and what is true instead"),
        "relationship": _("If you act for the person concerned: your relationship to them"),
    },
    G.PRIVACY: {
        "passage": _("Where the article shows private information, word for word"),
        "explanation": _("What is private about it, and why it should not be public"),
        "relationship": _("Your relationship to the person concerned (yourself, parent, lawyer…)"),
    },
    G.HATE: {
        "passage": _("The passage, word for word (optional)"),
        "explanation": _("What in the article incites hatred or violence, and against whom"),
    },
    G.SPAM: {"explanation": _("Why this article is spam or advertising")},
}


def _required(message):
    return {"required": message}


class ReportForm(forms.Form):
    """The report for one ground; fields the ground does not ask for are removed."""

    work = forms.CharField(
        label=_("The work you believe is infringed (title, author, where it was published)"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required(_("Please describe the work you believe is infringed.")),
    )
    passage = forms.CharField(
        label=_("Where it appears in the article: quote the passage"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_required(_("Please quote the passage of the article you mean.")),
    )
    original_url = forms.URLField(
        label=_("The original's address (URL)"),
        max_length=URL_MAX,
        assume_scheme="https",
        error_messages={"invalid": _("This is not a web address; it should start with https://.")},
    )
    original_text = forms.CharField(
        label=_("Or the original's text (paste it; we compare it with the article)"),
        max_length=ORIGINAL_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages=_required(_("Please tell us what is wrong with the article.")),
    )
    relationship = forms.CharField(
        label=_("Your relationship to the person concerned"),
        max_length=LINE_MAX,
        error_messages=_required(_("Please tell us how you are related to the person concerned.")),
    )
    reporter_name = forms.CharField(
        label=_("Your full name"),
        max_length=LINE_MAX,
        error_messages=_required(_("Please give your full name.")),
    )
    reporter_email = forms.EmailField(
        label=_("Your email address (we send your case number and status link to it)"),
        max_length=254,
        error_messages={
            "required": _("Please give your email address."),
            "invalid": _("This is not a valid email address, e.g. name@example.org."),
        },
    )
    reporter_address = forms.CharField(
        label=_("Postal address (optional)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reporter_phone = forms.CharField(label=_("Phone (optional)"), max_length=50)
    good_faith = forms.BooleanField(
        label=_(
            "I believe in good faith that the use of the material in the manner complained of "
            "is not authorised by the rights holder, its agent or the law."
        ),
        error_messages=_required(_("Please confirm that you report in good faith.")),
    )
    accurate = forms.BooleanField(
        label=_(
            "The information in this notice is accurate, and under penalty of perjury, I am the "
            "rights holder or authorised to act on behalf of the rights holder."
        ),
        error_messages=_required(
            _("Please confirm that the notice is accurate and that you may act for the owner.")
        ),
    )
    signature = forms.CharField(
        label=_("Signature: type your full name"),
        max_length=LINE_MAX,
        error_messages=_required(_("Please sign the notice by typing your full name.")),
    )
    # The honeypot: hidden by CSS from people, filled in by bots that fill in every field.
    website = forms.CharField(required=False)

    def __init__(self, ground: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ground = ground
        wanted = GROUND_FIELDS[ground]
        labels = GROUND_LABELS.get(ground, {})
        for name in list(self.fields):
            if name == "website":
                continue
            if name not in wanted:
                del self.fields[name]
                continue
            self.fields[name].required = wanted[name]
            if name in labels:
                self.fields[name].label = labels[name]
        if ground != G.COPYRIGHT and "good_faith" in self.fields:
            self.fields["good_faith"].label = _(
                "I believe in good faith that what I report is true and complete."
            )

    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())

    def clean(self):
        data = super().clean()
        if self.ground == G.COPYRIGHT and not (
            data.get("original_url") or (data.get("original_text") or "").strip()
        ):
            if "original_url" not in self.errors:
                self.add_error(
                    "original_url", _("Please give the original's address or paste its text.")
                )
        return data

    def report_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "website"}


class GroundForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("What is wrong with this article?"),
        choices=Ground.choices,
        widget=forms.RadioSelect,
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note (sent to the reporter)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AssignForm(forms.Form):
    article = forms.CharField(
        label=_("Article address or slug"),
        max_length=URL_MAX,
        error_messages=_required(_("Give the article's address or slug.")),
    )


class ChangeGroundForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=Ground.choices)


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("Waiting"))])
    ground = forms.ChoiceField(
        label=_("Ground"), required=False, choices=[("", _("All")), *Ground.choices]
    )
    unassigned = forms.BooleanField(label=_("Unassigned only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("Waiting")), *Report.State.choices]


class InformationForm(forms.Form):
    text = forms.CharField(
        label=_("More information"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=_required(_("Please write the information.")),
    )


class CourtActionForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have filed a court action to stop the article from being published again."),
        error_messages=_required(_("Please confirm that you have filed a court action.")),
    )
    note = forms.CharField(label=_("Court and case reference"), max_length=LINE_MAX, required=False)


class CounterNoticeForm(forms.Form):
    statement = forms.CharField(
        label=_(
            "Why the article was taken down by mistake or misidentification "
            "(e.g. you own the work, have a licence, or the use is allowed by law)"
        ),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=_required(_("Please explain why the article should be restored.")),
    )
    name = forms.CharField(
        label=_("Your full name"),
        max_length=LINE_MAX,
        error_messages=_required(_("Please give your full name.")),
    )
    address = forms.CharField(
        label=_("Your postal address"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required(_("Please give your postal address.")),
    )
    good_faith = forms.BooleanField(
        label=_(
            "Under penalty of perjury, I believe in good faith that the material was removed as "
            "a result of mistake or misidentification."
        ),
        error_messages=_required(_("Please confirm this statement.")),
    )
    consent = forms.BooleanField(
        label=_(
            "I consent to the jurisdiction of the court for my address and will accept service "
            "of process from the person who filed the report."
        ),
        error_messages=_required(_("Please give your consent to the jurisdiction.")),
    )
    signature = forms.CharField(
        label=_("Signature: type your full name"),
        max_length=LINE_MAX,
        error_messages=_required(_("Please sign by typing your full name.")),
    )

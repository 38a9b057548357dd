"""Forms of the editors' newsletter screens: the issue itself, and when to send it."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsdesk.articles.models import Article
from newsdesk.newsletter.models import Issue

# Positions an editor can type; more articles than this make no newsletter.
MAX_POSITION = 99


class IssueForm(forms.Form):
    """Subject, intro, and a checklist of articles, each with a position number.

    The articles are the candidates the view passes (the issue's own and the suggestions), so a
    form can never add an article the screen did not offer.
    """

    subject = forms.CharField(
        label=_("Subject"), max_length=Issue._meta.get_field("subject").max_length
    )
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Plain text; an empty line starts a new paragraph."),
    )

    def __init__(self, *args, candidates: list[Article], positions: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for number, article in enumerate(candidates, start=1):
            self.fields[f"article_{article.pk}"] = forms.BooleanField(
                required=False, initial=article.pk in positions, label=article.title
            )
            self.fields[f"position_{article.pk}"] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=MAX_POSITION,
                initial=positions.get(article.pk, len(positions) + number),
                label=_("Position"),
            )

    def rows(self):
        """(article, checkbox, position) for the template's checklist."""
        return [
            (article, self[f"article_{article.pk}"], self[f"position_{article.pk}"])
            for article in self.candidates
        ]

    def chosen_articles(self) -> list[Article]:
        """The ticked articles, by position number (ties keep the list's order)."""
        data = self.cleaned_data
        ticked = [
            (data[f"position_{a.pk}"] or MAX_POSITION + 1, index, a)
            for index, a in enumerate(self.candidates)
            if data.get(f"article_{a.pk}")
        ]
        return [article for _position, _index, article in sorted(ticked, key=lambda t: t[:2])]


class SendForm(forms.Form):
    """Send now, or at a time in the future."""

    WHEN = [("now", _("Send now")), ("later", _("Schedule"))]

    when = forms.ChoiceField(choices=WHEN, widget=forms.RadioSelect, initial="now", label=_("When"))
    at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("when") == "later":
            at = data.get("at")
            if at is None:
                self.add_error("at", _("Choose when the issue goes out."))
            elif at <= timezone.now():
                self.add_error("at", _("Choose a time in the future."))
        return data

    def send_at(self):
        """None for now."""
        return self.cleaned_data["at"] if self.cleaned_data["when"] == "later" else None

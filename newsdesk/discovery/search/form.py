"""The search form: the query as typed, and filters that are checked, never trusted."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsdesk.accounts.models import User
from newsdesk.articles.languages import language_name
from newsdesk.articles.models import Article, Section
from newsdesk.discovery.search.backend import SearchFilters, index_languages

# Dates outside these years are typing mistakes, and would overflow in time zone arithmetic.
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, strip=False)
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All sections"),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Article.Kind.choices]
    )
    author = forms.CharField(
        label=_("Author"),
        required=False,
        max_length=100,
        help_text=_("The name in the address of the author's page, e.g. thomas-schmidt."),
    )
    date_from = forms.DateField(
        label=_("Published from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Published until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any text is a query (NUL bytes included): the search reads it as words only.
        self.fields["q"].validators = []
        # Sections by the name in the page's language.
        self.fields["section"].label_from_instance = lambda section: section.display_name()
        codes = {code for code, _name in settings.LANGUAGES} | index_languages()
        self.fields["language"].choices = [("", _("All languages"))] + sorted(
            ((code, language_name(code)) for code in codes), key=lambda c: c[1]
        )

    def clean_author(self) -> User | None:
        slug = self.cleaned_data["author"].strip()
        if not slug:
            return None
        author = User.objects.filter(slug=slug, is_active=True).first()
        if author is None:
            raise forms.ValidationError(_("There is no author “%(slug)s”."), params={"slug": slug})
        return author

    def _clean_date(self, name: str) -> dt.date | None:
        value = self.cleaned_data[name]
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise forms.ValidationError(_("Choose a date between 1900 and 2999."))
        return value

    def clean_date_from(self):
        return self._clean_date("date_from")

    def clean_date_to(self):
        return self._clean_date("date_to")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("This date is before the first one."))
            data.pop("date_to", None)
        return data

    def filters(self) -> SearchFilters:
        """The filters that are valid; an invalid one is shown as an error and left out."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        section, author = data.get("section"), data.get("author")
        return SearchFilters(
            section_id=section.pk if section else None,
            author_id=author.pk if author else None,
            language=data.get("language") or None,
            kind=data.get("kind") or None,
            published_from=_day_start(data.get("date_from")),
            published_before=_day_start(data.get("date_to"), days=1),
        )

    @property
    def query(self) -> str:
        return self.data.get("q", "") if self.is_bound else ""


def _day_start(day: dt.date | None, *, days: int = 0) -> dt.datetime | None:
    if day is None:
        return None
    start = dt.datetime.combine(day + dt.timedelta(days=days), dt.time.min)
    return timezone.make_aware(start)

import pytest

from newsdesk.articles.reading_time import count_words, reading_minutes, reading_time_label


def test_reference_page():
    """The reference page's German article of about 950 words reads in 4 minutes."""
    assert reading_minutes(950, "de") == 4
    assert reading_time_label(4, "de") == "4 Minuten Lesezeit"


@pytest.mark.parametrize(
    ("minutes", "language", "label"),
    [(1, "de", "1 Minute Lesezeit"), (4, "de-AT", "4 Minuten Lesezeit"), (4, "en", "4 min read"),
     (7, "fr", "7 min read")],
)  # fmt: skip
def test_label_in_the_articles_language(minutes, language, label):
    """The label is in the article's language, whatever the interface language is."""
    assert reading_time_label(minutes, language) == label


def test_rates_differ_per_language_and_never_zero():
    assert reading_minutes(0, "en") == 1
    assert reading_minutes(2380, "en") == 10
    assert reading_minutes(2200, "de") == 10


def test_word_count():
    assert count_words("Der Rat – er tagt; don't stop, E-Mail-Adresse 2026.") == 8

import pytest

from newsdesk.articles.actions import get_or_create_tags, unique_article_slug
from newsdesk.articles.models import Tag
from newsdesk.core.slugs import slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Fußball in Köln", "fussball-in-koeln"),
        ("Über Straßen und Brücken", "ueber-strassen-und-bruecken"),
        ("Café, crème & naïve", "cafe-creme-naive"),
        ("GROSSE ÄRGER", "grosse-aerger"),
        ("<script>", "script"),
        ("🚢", ""),
    ],
)
def test_german_letters_are_spelt_out(text, slug):
    assert slugify(text) == slug


@pytest.mark.django_db
def test_tags_and_articles_get_spelt_out_slugs():
    [tag] = get_or_create_tags(["Fußball"])
    assert tag.slug == "fussball"
    assert get_or_create_tags(["fußball"]) == [tag]  # the same tag, whatever the case
    assert unique_article_slug("Die Brücke über die Förde") == "die-bruecke-ueber-die-foerde"


@pytest.mark.django_db
def test_things_made_with_the_old_slugs_are_still_found():
    """A tag made when "Fußball" became "fuball", in any case: the same tag, no second one."""
    old = Tag.objects.create(name="Über Fußball", slug="uber-fuball")
    assert get_or_create_tags(["über fußball"]) == [old]
    assert Tag.objects.count() == 1

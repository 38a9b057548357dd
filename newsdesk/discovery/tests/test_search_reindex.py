"""The search index follows changes that are not state transitions: edits of the filters and
of the author's name."""

from newsdesk.accounts.actions import update_profile
from newsdesk.articles.actions import save_article
from newsdesk.articles.tests.factories import SectionFactory
from newsdesk.discovery.search import SearchFilters
from newsdesk.discovery.tests.search_helpers import found_titles, newsroom_fixture  # noqa: F401


def test_renamed_author_is_found_by_the_new_name(newsroom):
    writer = newsroom.writer("Greta Quellwasser")
    newsroom.publish(title="Brückenbau am Fluss", author=writer, language="de")
    assert found_titles("Quellwasser") == ["Brückenbau am Fluss"]

    update_profile(user=writer, display_name="Greta Tannenberg", bio="")

    assert found_titles("Tannenberg") == ["Brückenbau am Fluss"]
    assert found_titles("Quellwasser") == []


def test_moving_an_article_to_another_section_updates_the_filter(newsroom):
    sport, kultur = SectionFactory(slug="sport"), SectionFactory(slug="kultur")
    published = newsroom.publish(title="Ruderregatta am Wochenende", section=sport, language="de")
    assert found_titles("Ruderregatta", filters=SearchFilters(section_id=sport.pk)) == [
        published.title
    ]

    save_article(
        article=published,
        author=published.author,
        editor=published.author,
        title=published.title,
        lead=published.lead,
        body=published.body,
        language=published.language,
        kind=published.kind,
        section=kultur,
    )

    assert found_titles("Ruderregatta", filters=SearchFilters(section_id=sport.pk)) == []
    assert found_titles("Ruderregatta", filters=SearchFilters(section_id=kultur.pk)) == [
        published.title
    ]

"""The revision diff on the review screen: long bodies are compared in part, and the page says so."""

import pytest

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.actions import save_article
from newsdesk.articles.tests.factories import article
from newsdesk.core.tests.dom import Dom
from newsdesk.editorial.queries import DIFF_MAX_CHARS, DIFF_MAX_LINES

pytestmark = pytest.mark.django_db


def paragraphs(count: int, word: str) -> str:
    """`count` numbered paragraphs separated by blank lines (the lines difflib repeats most)."""
    return "\n\n".join(f"Absatz {i} ist {word}." for i in range(1, count + 1)) + "\n"


def review_page(client, *, old_body: str, new_body: str) -> Dom:
    """The English review screen of an article whose body went from old_body to new_body."""
    editor = UserFactory(editor=True)
    a = article(published=False, body=old_body)
    save_article(
        article=a, author=a.author, editor=editor, title=a.title, lead=a.lead, language="de",
        section=a.section, body=new_body,
    )  # fmt: skip
    client.force_login(editor)
    response = client.get(f"/en/review/{a.pk}/")
    assert response.status_code == 200
    return Dom(response.content.decode())


def new_line_numbers(dom: Dom) -> list[int]:
    return [int(e[2]) for e in dom.find("span", class_="line-no")]


class ReviewDiffTests:
    def test_a_long_rewrite_is_compared_in_part_and_the_page_says_so(self, client):
        """A body rewritten throughout, longer than the limit, shows only the changes in the
        first DIFF_MAX_LINES lines, with a sentence saying how long the text is and which lines
        are compared."""
        old, new = paragraphs(3000, "alt"), paragraphs(3000, "neu")
        dom = review_page(client, old_body=old, new_body=new)
        notice = dom.text("p", class_="diff-cut")
        assert notice == (
            f"The revisions are too long to compare in full here ({len(old):,} characters). "
            f"Showing only the changes in lines 1 to {DIFF_MAX_LINES}."
        )
        changed = dom.text("td", class_="diff-new")
        assert "Absatz 1 ist neu." in changed and "Absatz 500 ist neu." in changed
        assert "Absatz 501 ist neu." not in changed and "Absatz 3000 ist neu." not in changed
        assert max(new_line_numbers(dom)) <= DIFF_MAX_LINES

    def test_one_change_in_a_long_body_is_shown_in_full(self, client):
        """The unchanged start and end are skipped before the limit applies: one changed
        paragraph deep inside a long body is shown at its line number, with no notice."""
        old = paragraphs(3000, "alt")
        new = old.replace("Absatz 2500 ist alt.", "Absatz 2500 ist neu.")
        dom = review_page(client, old_body=old, new_body=new)
        assert dom.find("p", class_="diff-cut") == []
        assert dom.text("td", class_="diff-old") == "4999Absatz 2500 ist alt."
        assert dom.text("td", class_="diff-new") == "4999Absatz 2500 ist neu."

    def test_a_very_long_line_is_cut_at_the_character_limit(self, client):
        """A single changed line longer than DIFF_MAX_CHARS is shown only up to the limit."""
        old = "Kurz.\n\n" + "alt " * (DIFF_MAX_CHARS // 2) + "\n"
        new = "Kurz.\n\n" + "neu " * (DIFF_MAX_CHARS // 2) + "\n"
        dom = review_page(client, old_body=old, new_body=new)
        assert f"({len(new):,} characters)" in dom.text("p", class_="diff-cut")
        cell = next(e[2] for e in dom.find("td", class_="diff-new"))
        assert cell.startswith("3neu neu") and len(cell) <= DIFF_MAX_CHARS + 1

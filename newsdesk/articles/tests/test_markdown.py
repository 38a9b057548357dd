from html.parser import HTMLParser

import pytest

from newsdesk.articles.markdown import plain_text, render_markdown


def test_structure_is_rendered():
    """A body with "#" headings moves down one level (h1 is the title); lists, tables and
    footnotes survive."""
    html = render_markdown(
        "# Top\n\n## Sub\n\n1. one\n2. two\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n"
        "> quoted\n\nText[^1].\n\n[^1]: A note.\n\n`code`\n"
    )
    assert "<h2>Top</h2>" in html and "<h3>Sub</h3>" in html
    assert "<h1" not in html
    for tag in ("<ol>", "<ul>", "<table>", "<blockquote>", "<code>", 'class="footnotes"'):
        assert tag in html


class Elements(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


SAFE_TAGS = {"h2", "h3", "p", "a", "img", "ul", "ol", "li", "code", "pre", "em", "strong"}


def test_bodies_starting_at_h2_keep_their_levels():
    assert render_markdown("## Sub\n\n### Subsub").split() == ["<h2>Sub</h2>", "<h3>Subsub</h3>"]


def test_links_get_rel_and_unsafe_schemes_are_dropped():
    """Links carry rel=nofollow ugc noopener; javascript: and data: URLs never become links."""
    elements = Elements(render_markdown(
        "[a](https://example.org) [b](javascript:alert(1)) [c](data:text/html,x) "
        "[d](JaVaScRiPt:alert(1)) [e](vbscript:x)"
    )).found  # fmt: skip
    links = [attrs for tag, attrs in elements if tag == "a"]
    assert links == [{"href": "https://example.org", "rel": "nofollow ugc noopener"}]


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=https://example.org></iframe>",
        "[x](javascript&#58;alert(1))",
        "![x](javascript:alert(1))",
        '<svg onload="alert(1)">',
        "<base href=https://evil.example>",
        "<object data=x></object><embed src=x>",
        "[x](<javascript:alert(1)>)",
        '![x](https://example.org/a.png" onerror="alert(1))',
    ],
)
def test_raw_html_never_becomes_markup(source):
    """Raw HTML is text, not markup: no element, handler or script URL from it reaches the page."""
    for tag, attrs in Elements(render_markdown(source)).found:
        assert tag in SAFE_TAGS
        for name, value in attrs.items():
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith(("javascript", "data", "vbscript"))


def test_malformed_markdown_renders():
    """Unclosed constructs and odd bytes render to something, never an exception."""
    for source in ["```\nunclosed", "[unclosed(", "* * *\n|||\n|-|", "\x00\ufffd" * 10, "#" * 5000]:
        assert isinstance(render_markdown(source), str)


def test_plain_text_strips_markup():
    assert plain_text("## Title\n\n**bold** and [link](https://example.org)").split() == [
        "Title", "bold", "and", "link",
    ]  # fmt: skip


def test_lone_surrogates_do_not_crash():
    assert "\ufffd" in render_markdown("broken \ud800 text")
    assert "\ufffd" in plain_text("broken \udfff text")

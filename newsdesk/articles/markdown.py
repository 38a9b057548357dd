"""Markdown to safe HTML: markdown-it-py with raw HTML off, then nh3 with an explicit allowlist.

markdown-it already escapes raw HTML; nh3 is the guarantee, so that a parser bug or a plugin can
never let a contributor's script through.
"""

import re

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr",
    "ul", "ol", "li", "blockquote", "pre", "code", "em", "strong", "s", "del",
    "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "sup", "sub", "section", "div",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "li": {"id"},
    "sup": {"id"},
}
# Classes are allowed only by value (nh3 drops every other one): footnotes and table alignment.
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
ALLOWED_CLASSES = {
    "sup": {"footnote-ref"},
    "section": {"footnotes"},
    "hr": {"footnotes-sep"},
    "a": {"footnote-backref"},
    "th": ALIGN_CLASSES,
    "td": ALIGN_CLASSES,
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"
# markdown-it writes table alignment as inline style, which the CSP (style-src 'self') blocks;
# it becomes a class instead.
_TABLE_ALIGN = re.compile(r'<(th|td) style="text-align:(left|center|right)">')

_parser = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("table")
    .enable("strikethrough")
    .use(footnote_plugin)
)
# The article title is the page's only h1: a body that uses "#" headings moves all of its
# headings one level down; one that starts at "##" (the usual case) is left as written.
_HEADING = re.compile(r"<(/?)h([1-6])([ >])")


def _demote(match: re.Match) -> str:
    level = min(int(match.group(2)) + 1, 6)
    return f"<{match.group(1)}h{level}{match.group(3)}"


def markdown_parser() -> MarkdownIt:
    """The one Markdown configuration: the page, the plain text and the submission checks
    (`editorial.checks`) all read a body with it, so a check judges what readers will see.
    Shared by every caller: never enable or disable rules on it."""
    return _parser


def clean_text(text: str) -> str:
    """Lone surrogates (from broken JSON or clipboards) become U+FFFD instead of crashing."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def render_markdown(source: str) -> str:
    html = markdown_parser().render(clean_text(source))
    if "<h1>" in html:
        html = _HEADING.sub(_demote, html)
    html = _TABLE_ALIGN.sub(r'<\1 class="align-\2">', html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def plain_text(source: str) -> str:
    """The words of a Markdown text, for counting and summaries."""
    return nh3.clean(markdown_parser().render(clean_text(source)), tags=set()).replace("&amp;", "&")

"""What remote servers send us as text, made safe to keep: a reply's HTML cut down to a small
allow-list (nh3), and names and report texts as plain single-purpose text.

A remote Note is written by anyone on any server: its HTML is cleaned once, when it is stored
(Reply.content_html), so no template ever sees the raw markup.
"""

import re

import nh3

# What a Note needs: paragraphs, line breaks, links (mentions, hashtags, URLs), emphasis,
# quotes, lists and code. No images, no classes (Mastodon's "invisible"/"ellipsis" spans go,
# their text stays), no styles.
REPLY_TAGS = {
    "p", "br", "a", "strong", "em", "blockquote", "ul", "ol", "li", "code", "pre",
}  # fmt: skip
REPLY_ATTRIBUTES = {"a": {"href"}}
REPLY_SCHEMES = {"http", "https"}
REPLY_LINK_REL = "nofollow noopener ugc"

# C0/C1 controls except tab and newline; lone surrogates are replaced before this.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _text(value: str) -> str:
    return _CONTROL.sub("", value.encode("utf-8", "surrogatepass").decode("utf-8", "replace"))


def reply_html(html: str) -> str:
    """A Note's content as HTML that can be shown as it is: only REPLY_TAGS, links only to
    http(s) and with rel="nofollow noopener ugc", no comments, scripts or styles."""
    return nh3.clean(
        _text(html),
        tags=REPLY_TAGS,
        attributes=REPLY_ATTRIBUTES,
        url_schemes=REPLY_SCHEMES,
        link_rel=REPLY_LINK_REL,
        strip_comments=True,
    ).strip()


def plain_line(value, limit: int) -> str:
    """A name or handle: one line of plain text (templates escape it), at most `limit` chars."""
    if not isinstance(value, str):
        return ""
    return " ".join(_text(value).split())[:limit]


def plain_text(value, limit: int) -> str:
    """A longer plain text (a Flag's comment): controls removed, lines kept, capped."""
    if not isinstance(value, str):
        return ""
    return _text(value).strip()[:limit]

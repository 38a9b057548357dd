"""What the checks read from a text: the prose, words, paragraphs and addresses of a Markdown body.

The body is parsed by the same markdown-it configuration that renders it
(`articles.markdown.markdown_parser`), so the checks judge the text readers will see.
"""

import re
from dataclasses import dataclass

from newsdesk.articles.markdown import markdown_parser
from newsdesk.articles.reading_time import count_words

BARE_URL = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"'`]+", re.IGNORECASE)
# Addresses without a scheme ("bit.ly/x"): readers copy them, so the link checks count them.
MENTION = re.compile(r"(?<![\w.@/-])(?:[a-z0-9-]+\.)+[a-z]{2,24}/[^\s<>\"'`]*", re.IGNORECASE)
_URL_TRAILER = ".,;:!?)]}»”’\"'"


@dataclass(frozen=True)
class Body:
    """What the checks need from a Markdown body, read in one pass over markdown-it's tokens."""

    text: str  # prose: paragraphs, headings, list items and table cells, without code
    words: int
    paragraphs: list[int]  # words per paragraph (list items included, headings not)
    urls: list[str]  # link targets, image sources and bare web addresses in the prose
    mentions: list[str]  # addresses without a scheme in the prose ("bit.ly/x")


def without_urls(text: str) -> str:
    return MENTION.sub(" ", BARE_URL.sub(" ", text))


def bare_urls(text: str, pattern: re.Pattern = BARE_URL) -> list[str]:
    return [url.rstrip(_URL_TRAILER) for url in pattern.findall(text)]


def parse_body(body: str) -> Body:
    texts, words, paragraphs, urls, mentions = [], 0, [], [], []
    tokens = markdown_parser().parse(body)
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        parts, in_link = [], 0
        for child in token.children or ():
            if child.type == "link_open":
                in_link += 1
                urls.append(str(child.attrs.get("href", "")))
            elif child.type == "link_close":
                in_link = max(0, in_link - 1)
            elif child.type == "image":
                urls.append(str(child.attrs.get("src", "")))
                parts.append(child.content)
            elif child.type == "text":
                parts.append(child.content)
                if not in_link:
                    urls.extend(bare_urls(child.content))
                    mentions.extend(bare_urls(child.content, MENTION))
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        text = "".join(parts)
        count = count_words(without_urls(text))
        words += count
        if index and tokens[index - 1].type == "paragraph_open":
            paragraphs.append(count)
        texts.append(text)
    return Body("\n\n".join(texts), words, paragraphs, urls, mentions)


def plain_body(body: str) -> Body:
    """The body read as plain text, one paragraph, for when it cannot be parsed."""
    words = count_words(without_urls(body))
    return Body(body, words, [words], bare_urls(body), bare_urls(body, MENTION))

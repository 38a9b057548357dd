"""A page's elements for assertions on what a reader gets (standard library parser only)."""

from html.parser import HTMLParser

# Elements without an end tag: nothing is inside them.
VOID = frozenset({"img", "meta", "link", "source", "br", "hr", "input"})


class Dom(HTMLParser):
    """The page's elements as [tag, attrs, text], in document order."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements, self._open = [], []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = [tag, dict(attrs), ""]
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element[2] += data

    def find(self, tag, **attrs):
        """Elements `tag` with these attribute values (a trailing _ is dropped: class_=...)."""
        return [
            e for e in self.elements
            if e[0] == tag and all(e[1].get(k.rstrip("_")) == v for k, v in attrs.items())
        ]  # fmt: skip

    def text(self, tag, **attrs) -> str:
        """The text of those elements, whitespace collapsed, joined by spaces."""
        return " ".join(" ".join(e[2].split()) for e in self.find(tag, **attrs))

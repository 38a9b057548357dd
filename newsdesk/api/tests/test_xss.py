"""The API's HTML is the article page's sanitised HTML, byte for byte, for hostile bodies."""

import pytest
from django.test import Client

from newsdesk.articles.tests.factories import article
from newsdesk.core.tests.dom import Dom

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>\n\nText",
    "[klick](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    "<iframe src=//evil.example></iframe><object data=x></object><base href=//evil.example>",
    '![x" onerror="alert(1)](http://example.org/a.png)',
    "<a href='jav&#x09;ascript:alert(1)'>x</a> <svg onload=alert(1)>",
    "```\n</code><script>alert(1)</script>\n```",
]
BODY_START = '<div class="article-body">'
BODY_END = '</div>\n  <footer class="article-footer">'


def page_body(html: str) -> str:
    start = html.index(BODY_START) + len(BODY_START)
    return html[start : html.index(BODY_END, start)]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_body_html_equals_the_pages_sanitised_body(payload):
    client = Client()
    a = article(body=payload)
    page = client.get(a.get_absolute_url())
    assert page.status_code == 200
    api = client.get(f"/api/v1/articles/{a.pk}/").json()
    assert api["body_html"] == page_body(page.content.decode())
    assert api["body"] == payload  # the Markdown source as written: it is data, not HTML
    for tag, attrs, _text in Dom(api["body_html"]).elements:
        assert tag not in {"script", "iframe", "object", "embed", "base", "svg"}
        assert not any(name.startswith("on") for name in attrs)
        for value in attrs.values():
            assert "javascript:" not in "".join((value or "").split()).lower()

"""Path converters shared by the apps' URLs.

A secret token in a path (the reports' status links, the newsletter links) is matched by a
strict pattern, so that anything else (a NUL byte, a slash, a megabyte) is a 404 before any
query: PostgreSQL refuses NUL bytes in text with an error, which would be a 500.
"""

from django.urls import register_converter


class TokenConverter:
    """URL-safe base64 or hex, as every token newsdesk makes (secrets.token_urlsafe, HMACs)."""

    regex = r"[0-9A-Za-z_-]{1,100}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Registered once here; a URL module that uses <token:...> imports this module.
register_converter(TokenConverter, "token")

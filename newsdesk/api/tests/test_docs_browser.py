"""The docs page works in a real browser under the site's CSP, from our own files only."""

import pytest

pytest_plugins = ["newsdesk.core.tests.browser"]


@pytest.mark.browser
def test_swagger_ui_shows_the_schema(open_page):
    tab = open_page()
    tab.page.goto("/api/docs/")
    tab.page.locator(".swagger-ui .info .title").wait_for(timeout=15_000)
    assert "newsdesk API" in tab.page.locator(".swagger-ui .info .title").inner_text()
    assert tab.page.locator(".opblock-summary-path", has_text="/api/v1/articles/").count() >= 1
    assert not tab.problems, tab.problems.report()

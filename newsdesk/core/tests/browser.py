"""Real Chromium for the tests that only a browser can answer (script, layout, accessibility).

A pytest plugin: a test module loads it with `pytest_plugins = ["newsdesk.core.tests.browser"]`
and marks its tests `@pytest.mark.browser`. Debian's Chromium is used, never a downloaded one.
Create the test's data before opening pages: pages are served by pytest-django's `live_server`
from another thread, which sees what the test wrote once it is committed (`transactional_db`).
"""

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, Response, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO_ROOT = Path(__file__).resolve().parents[3]
# Screenshots for a human to look at; gitignored, kept by CI as an artifact.
ARTIFACTS_DIR = REPO_ROOT / "artifacts"


def skip_or_fail(reason: str) -> None:
    """A missing prerequisite skips a test on a developer's machine and fails it under CI."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Browser:
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing: apt-get install chromium")
    # Playwright's sync API keeps an asyncio loop running in this thread for the rest of the
    # session, which makes Django refuse ORM calls from it; the ORM is still used synchronously.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class PageProblems:
    """What went wrong while a page was open, as a reader's browser would report it."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    third_party_requests: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return any(
            (self.console_errors, self.page_errors, self.failed_requests, self.third_party_requests)
        )

    def report(self) -> str:
        lines = []
        for name in ("console_errors", "page_errors", "failed_requests", "third_party_requests"):
            lines += [f"{name}: {item}" for item in getattr(self, name)]
        return "\n".join(lines)


@dataclass
class BrowserPage:
    """A page on the live site and what went wrong on it so far."""

    page: Page
    problems: PageProblems

    def load_all_images(self) -> None:
        """Bring lazy images into view one by one so that the browser fetches them, then wait."""
        self.page.evaluate(
            """async () => {
                for (const img of document.images) {
                    img.scrollIntoView();
                    await new Promise(requestAnimationFrame);
                }
                window.scrollTo(0, 0);
            }"""
        )
        self.page.wait_for_load_state("networkidle")

    def broken_images(self) -> list[str]:
        """The images on the page that did not load (a reader sees a broken image)."""
        return self.page.evaluate(
            "() => [...document.images]"
            ".filter(img => !img.complete || img.naturalWidth === 0)"
            ".map(img => img.currentSrc || img.src)"
        )

    def screenshot(self, name: str) -> Path:
        """A full-page screenshot in artifacts/NAME.png."""
        ARTIFACTS_DIR.mkdir(exist_ok=True)
        path = ARTIFACTS_DIR / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def live_site(live_server, transactional_db) -> str:
    """The live server's origin, with a database whose commits its thread can see."""
    return live_server.url


@pytest.fixture
def open_page(chromium, live_site):
    """open_page(**context_options) -> BrowserPage: a fresh context and page on the live site.

    Requests to any other origin are aborted (no test depends on the network) and recorded;
    console errors, uncaught exceptions, failed requests and responses >= 400 from the site
    itself are recorded too.
    """
    contexts = []

    def open_(**context_options) -> BrowserPage:
        context = chromium.new_context(base_url=live_site, **context_options)
        contexts.append(context)
        problems = PageProblems()
        origin = _origin(live_site)

        def block(route):
            problems.third_party_requests.append(route.request.url)
            route.abort()

        # A regex is matched inside the browser driver, so the site's own requests are not
        # routed through Python at all.
        context.route(re.compile(rf"^(?!{re.escape(live_site)}/)"), block)
        page = context.new_page()
        page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                and problems.console_errors.append(f"{msg.text} at {msg.location.get('url')}")
            ),
        )
        page.on("pageerror", lambda error: problems.page_errors.append(str(error)))

        def request_failed(request: Request):
            if _origin(request.url) == origin:
                problems.failed_requests.append(f"{request.url}: {request.failure}")

        def response(response: Response):
            if response.status >= 400 and _origin(response.url) == origin:
                problems.failed_requests.append(f"{response.url}: HTTP {response.status}")

        page.on("requestfailed", request_failed)
        page.on("response", response)
        return BrowserPage(page=page, problems=problems)

    yield open_
    for context in contexts:
        context.close()


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc

"""Contributors are not trusted: nothing they write may run script anywhere it is shown.

The oracle is a real Chromium with the Content Security Policy bypassed, so that the sanitising
and escaping alone must hold: no dialog opens, no trapped alert/confirm/prompt/print is called,
no uncaught exception is thrown (the site ships no JavaScript, so any exception is injected
script), and no event handler attribute, script URL, frame, object, embed, base, meta refresh or
foreign script element is in the DOM. A fast Markdown-only check of the same corpus runs
without a browser (and on PostgreSQL runs).
"""

import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image as PILImage

from newsdesk.accounts.actions import update_profile
from newsdesk.accounts.models import User
from newsdesk.articles.actions import get_or_create_section, get_or_create_tags
from newsdesk.articles.images import save_uploaded_image
from newsdesk.articles.markdown import render_markdown
from newsdesk.articles.models import TITLE_MAX, Section, Tag
from newsdesk.articles.tests.factories import article

pytest_plugins = ["newsdesk.core.tests.browser"]

REPO_ROOT = Path(__file__).resolve().parents[3]
PAYLOAD_FILE = Path("shared") / "xss" / "dompurify-payloads.json"

# Vectors of our own, aimed at what DOMPurify's HTML corpus does not cover. In Markdown: link,
# image, reference, autolink, footnote, table and code fence syntax with script URLs, written
# plainly, entity-encoded, percent-encoded or split by invisible characters.
MARKDOWN_VECTORS = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](<java\tscript:alert(1)>)",
    "[click](%6A%61%76%61%73%63%72%69%70%74:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click][evil]\n\n[evil]: javascript:alert(1)",
    '[click](https://example.org "\\" onmouseover=\\"alert(1)")',
    "![pic](javascript:alert(1))",
    "![pic](data:image/png;base64,iVBORw0KGgo=)",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![" onerror="alert(1)](/x.png)',
    '!["><svg onload=alert(1)>](/x.png "\\"><svg onload=alert(1)>")',
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    '[click](java\u200bscript:alert(1)) <a href="java&#0;script:alert(1)">x</a>',
    "Note[^x]\n\n[^x]: <img src=x onerror=alert(1)>",
    '```"><img src=x onerror=alert(1)>\ncode\n```',
    "| <img src=x onerror=alert(1)> | [x](javascript:alert(1)) |\n|:-|-:|\n| a | b |",
    "> <script>alert(1)</script>\n> [x](javascript:alert(1))",
]
# For every field, but aimed at the one-line ones shown in attributes and <head> (titles in
# <title> and og:title, leads in meta descriptions, alt texts, names): quote breaking, closing
# tags, template syntax, Unicode look-alikes and direction overrides, raw HTML.
TEXT_VECTORS = [
    "javascript:alert(1)",
    '"><svg onload=alert(1)>',
    "'><img src=x onerror=alert(1)>",
    "' onmouseover='alert(1)",
    '" autofocus onfocus="alert(1)',
    '" content="0;url=javascript:alert(1)" http-equiv="refresh',
    "</title><script>alert(1)</script>",
    "</textarea></noscript></style><script>alert(1)</script>",
    "javascript:/*--></title></style></textarea></script></xmp>"
    "<svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+alert(1)//'>",
    "{{ 7|add:42 }}{% now 'Y' %}{{ request.META }}${alert(1)}#{alert(1)}",
    "&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "\u202e>tpircs/<)1(trela>tpircs<\u202c",
    '<a href="&#14;  javascript:alert(1)">x</a>',
    "<img src=x onerror=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<base href="javascript:/a/-alert(1)///////">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    "<details open ontoggle=alert(1)>",
]
OWN_VECTORS = MARKDOWN_VECTORS + TEXT_VECTORS
# The one-line contexts get our text vectors and every STRIDE-th short DOMPurify payload (most
# of those are long HTML documents): about 40 articles, authors and tags.
SHORT_PAYLOAD_MAX = 200
STRIDE = 20
# Payloads per article body: one page carries many, which keeps the browser part fast.
PER_BODY = 25
# The whole document, since contributor text is also in <head> and the header's section
# links. The site ships no JavaScript: a script element is only allowed from our /static/.
SCAN_DOM = """() => {
    const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction", "xlink:href", "data",
        "poster", "background", "cite", "ping", "lowsrc", "dynsrc", "codebase", "longdesc",
        "manifest", "srcset", "imagesrcset"]);
    const ANIMATION_ATTRIBUTES = new Set(["values", "to", "from", "by"]);
    const FORBIDDEN = new Set(["iframe", "object", "embed", "base", "frame", "frameset",
        "applet", "portal", "script"]);
    const BAD_SCHEME = /^(javascript|vbscript|data):/;
    // Structured data (JSON-LD) is a data block browsers never execute; it must still parse.
    const isJson = text => { try { JSON.parse(text); return true; } catch (e) { return false; } };
    // What browsers ignore or strip around and inside a URL's scheme.
    const squash = value => value.replace(/[\\u0000-\\u0020\\u007f-\\u00a0\\u1680\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u206f\\u3000\\ufeff]/g, "").toLowerCase();
    const where = el => el.outerHTML.slice(0, 160);
    const found = [];
    for (const el of [document.documentElement, ...document.querySelectorAll("*")]) {
        const tag = el.localName.toLowerCase();
        if (FORBIDDEN.has(tag)) {
            const own = tag === "script" && ((el.src
                && new URL(el.src).origin === location.origin
                && new URL(el.src).pathname.startsWith("/static/"))
                || (el.type === "application/ld+json" && !el.src
                    && el.parentElement === document.head && isJson(el.textContent)));
            if (!own) found.push(`<${tag}> element: ${where(el)}`);
        }
        if (tag === "meta" && squash(el.getAttribute("http-equiv") || "") === "refresh") {
            found.push(`meta refresh: ${where(el)}`);
        }
        for (const attr of el.attributes) {
            const name = attr.name.toLowerCase();
            const value = squash(attr.value);
            if (name.startsWith("on")) found.push(`${name} attribute: ${where(el)}`);
            if (URL_ATTRIBUTES.has(name) || attr.localName === "href") {
                const urls = name.endsWith("srcset")
                    ? attr.value.split(",").map(candidate => squash(candidate.trim().split(/\\s+/)[0]))
                    : [value];
                if (urls.some(url => BAD_SCHEME.test(url))) found.push(`${name}=${attr.value.slice(0, 60)}: ${where(el)}`);
            }
            if (ANIMATION_ATTRIBUTES.has(name) && /(javascript|vbscript|data):/.test(value)) {
                found.push(`${name}=${attr.value.slice(0, 60)}: ${where(el)}`);
            }
            if (name === "style" && /(javascript|vbscript|expression\\(|url\\()/.test(value)) {
                found.push(`style=${attr.value.slice(0, 60)}: ${where(el)}`);
            }
        }
    }
    return found;
}"""
# Installed before any page script: the dialogs payloads call are recorded instead of shown.
TRAP_DIALOGS = """(() => {
    window.__xss = [];
    for (const name of ["alert", "confirm", "prompt", "print"]) {
        const trap = (...args) => {
            const call = `${name}(${args.map(String).join(", ")}) in ${location.href}`;
            window.__xss.push(call);
            try { if (window.top !== window) window.top.__xss.push(call); } catch (e) {}
        };
        Object.defineProperty(window, name, {value: trap, writable: false, configurable: false});
    }
})();"""
# After "load", let the handlers that run a frame or a task later (autofocus, ontoggle) run,
# then report the scan, the trapped calls and the first heading.
INSPECT = f"""async () => {{
    await new Promise(done => requestAnimationFrame(() => setTimeout(done)));
    const h1 = document.querySelector("h1");
    return {{found: ({SCAN_DOM})(), trapped: window.__xss, h1: h1 ? h1.textContent : null}};
}}"""


def xss_payloads() -> list[str]:
    """DOMPurify's test payloads followed by ours."""
    path = _find_payload_file()
    if path is None:
        reason = f"no {PAYLOAD_FILE} in {REPO_ROOT} or a directory above it"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    dompurify = [entry["payload"] for entry in json.loads(path.read_text(encoding="utf-8"))]
    return dompurify + OWN_VECTORS


def _find_payload_file() -> Path | None:
    # Beside the repository in the shared workspace and under CI (a fresh clone next to
    # ../shared), or inside it.
    for directory in (REPO_ROOT, *REPO_ROOT.parents):
        if (directory / PAYLOAD_FILE).is_file():
            return directory / PAYLOAD_FILE
    return None


def one_line_sample(payloads: list[str]) -> list[str]:
    """Payloads for the one-line contexts: our text vectors and a spread of DOMPurify's."""
    own = set(OWN_VECTORS)
    short = [p for p in payloads if p not in own and 0 < len(p.strip()) <= SHORT_PAYLOAD_MAX]
    return TEXT_VECTORS + short[::STRIDE]


def normalized(text: str) -> str:
    return " ".join(text.split())


# --- without a browser ----------------------------------------------------------------------

# What rendered Markdown may contain, written out here rather than read from markdown.py.
SAFE_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "blockquote", "pre",
    "code", "em", "strong", "s", "del", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "sup", "sub", "section", "div",
}  # fmt: skip
SAFE_ATTRIBUTES = {"href", "src", "alt", "title", "id", "class", "start", "rel", "style"}
SAFE_SCHEMES = {"http", "https", "mailto"}
# The only style markdown-it writes: table column alignment.
SAFE_STYLE = re.compile(r"text-align:\s*(left|right|center);?")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f-\x9f]")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*")


class _Elements(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))


def unsafe_parts(html: str) -> list[str]:
    """Every tag, attribute or URL in rendered Markdown that is not on the safe lists."""
    found = []
    for tag, attrs in _Elements(html).elements:
        if tag not in SAFE_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name not in SAFE_ATTRIBUTES or name.startswith("on"):
                found.append(f"<{tag} {name}>")
            elif name in {"href", "src"}:
                url = _IGNORED_IN_URLS.sub("", value).lower()
                scheme, colon, _rest = url.partition(":")
                # Only a colon after a valid scheme name makes a URL absolute (WHATWG URL).
                if colon and _SCHEME.fullmatch(scheme) and scheme not in SAFE_SCHEMES:
                    found.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and not SAFE_STYLE.fullmatch(value.strip()):
                found.append(f"<{tag} style={value!r}>")
    return found


class MarkdownSanitisingTests:
    def test_no_payload_survives_rendering(self):
        """Every payload, as a paragraph and inside link, image, title and autolink syntax,
        renders to allowed tags, allowed attributes and http(s)/mailto URLs only."""
        failures = {}
        for payload in xss_payloads():
            one_line = payload.replace("\n", " ")
            for source in (
                payload,
                f"[link]({one_line})",
                f"[link](<{one_line}>)",
                f"![{one_line}]({one_line})",
                f'[{one_line}](https://example.org "{one_line}")',
                f"<{one_line}>",
                f"[ref]\n\n[ref]: {one_line}",
            ):
                html = render_markdown(source)
                if bad := unsafe_parts(html):
                    failures[source[:120]] = bad
        assert not failures, "\n".join(f"{src!r}: {bad}" for src, bad in failures.items())

    def test_the_checker_catches_what_it_should(self):
        """The checker itself flags script, handlers and script URLs (a guard against a
        vacuous pass)."""
        assert unsafe_parts("<p onclick=x>a</p>") == ["<p onclick>"]
        assert unsafe_parts('<a href=" JaVa&#x09;Script:alert(1)">a</a>') != []
        assert unsafe_parts('<img src="data:image/svg+xml,x">') != []
        assert unsafe_parts("<script>alert(1)</script>") == ["<script>"]
        assert unsafe_parts('<a href="/de/x:y">a</a><a href="https://e.org/">b</a>') == []


# --- in a browser ---------------------------------------------------------------------------


def png_bytes() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (200, 200), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


def publish_payloads(payloads: list[str]) -> tuple[list[str], dict[str, str]]:
    """Publish the payloads in every field a contributor writes.

    Returns the paths of every page that shows them, and the h1 a reader must see on the
    pages whose heading is a payload (article titles, author names).
    """
    png = png_bytes()
    sample = one_line_sample(payloads)
    n = len(sample)
    sections = [get_or_create_section(p[:80]) for p in sample[:: max(1, n // 8)] if p[:80].strip()]
    paths = {"/de/", "/en/"}
    headings = {}
    for i, title in enumerate(sample):
        writer = User.objects.create_user(
            f"xss{i}@example.org", display_name=sample[(i + 2) % n][:80]
        )
        update_profile(user=writer, display_name=writer.display_name, bio=sample[(i + 3) % n])
        cover = save_uploaded_image(
            data=png,
            alt=sample[(i + 5) % n][:300].strip() or "alt",
            credit=sample[(i + 6) % n][:200],
            ai_generated=i % 2 == 0,
        )
        created = article(
            title=title[:TITLE_MAX],
            lead=sample[(i + 1) % n][:600],
            body=sample[(i + 7) % n],
            language="en" if i % 3 == 0 else "de",
            kind=("news", "analysis", "opinion")[i % 3],
            author=writer,
            section=sections[i % len(sections)],
            tags=get_or_create_tags([sample[(i + 4) % n]]),
            cover=cover,
        )
        headings[created.get_absolute_url()] = created.title
        headings[f"/de/authors/{writer.slug}/"] = writer.display_name
    corpus_writer = User.objects.create_user("xss-corpus@example.org", display_name="Corpus")
    cover = save_uploaded_image(data=png, alt="A blue square")
    for k in range(0, len(payloads), PER_BODY):
        created = article(
            title=f"Payloads {k + 1} to {min(k + PER_BODY, len(payloads))}",
            body="\n\n".join(payloads[k : k + PER_BODY]),
            author=corpus_writer,
            section=sections[0],
            cover=cover,
        )
        paths.add(created.get_absolute_url())
    paths |= set(headings)
    paths |= {f"/en/tags/{tag.slug}/" for tag in Tag.objects.all()}
    for section in Section.objects.all():
        paths |= {f"/de/sections/{section.slug}/", f"/en/sections/{section.slug}/"}
    return sorted(paths), headings


@pytest.mark.browser
class UntrustedTextInBrowserTests:
    def test_no_contributor_text_runs_script_anywhere_it_is_shown(self, open_page):
        """Payloads in titles, leads, bodies, tags, section names, alt texts, credits,
        display names and bios run no script on the home, article, author, tag and section
        pages, with the CSP off; titles and names are shown to readers as the text they are."""
        paths, headings = publish_payloads(xss_payloads())
        tab = open_page(bypass_csp=True)
        page = tab.page
        dialogs = trap_dialogs(page)
        findings, calls, not_found, misshown = {}, {}, [], {}
        for path in paths:
            response = page.goto(path)
            if response.status != 200:
                not_found.append(f"{path}: HTTP {response.status}")
                continue
            seen = page.evaluate(INSPECT)
            if seen["found"]:
                findings[path] = seen["found"]
            if seen["trapped"]:
                calls[path] = seen["trapped"]
            if path in headings and normalized(seen["h1"]) != normalized(headings[path]):
                misshown[path] = (headings[path], seen["h1"])

        assert not_found == []
        assert dialogs == []
        assert calls == {}, calls
        assert tab.problems.page_errors == []
        assert findings == {}, "\n".join(
            f"{path}:\n  " + "\n  ".join(found) for path, found in findings.items()
        )
        assert misshown == {}, misshown

    def test_the_oracle_sees_script_that_runs(self, chromium):
        """On a page with injected script, the trap records the calls, no dialog is left open
        and the DOM scan names every kind of finding (a guard against a vacuous pass)."""
        context = chromium.new_context(bypass_csp=True)
        try:
            context.route(
                "http://oracle.test/**",
                lambda route: route.fulfill(
                    status=200 if route.request.url.endswith("/") else 404,
                    content_type="text/html",
                    body=INJECTED,
                ),
            )
            page = context.new_page()
            dialogs = trap_dialogs(page)
            page.goto("http://oracle.test/")
            seen = page.evaluate(INSPECT)
        finally:
            context.close()
        assert dialogs == []
        assert sorted(call.split(" in ")[0] for call in seen["trapped"]) == [
            "alert(1)",
            "alert(3)",
            "confirm(2)",
        ]
        assert seen["h1"] == "Injected"
        found = "\n".join(seen["found"])
        for expected in (
            "onerror attribute",
            "href= JaVa",
            "<iframe> element",
            "<script> element: <script>alert(1)",
            "meta refresh",
            "values=javascript",
            "src=data:text/html",
        ):
            assert expected in found, (expected, found)
        assert "/static/newsdesk/own.js" not in found


INJECTED = """<!doctype html><html><head><meta http-equiv=" Refresh" content="600">
<script src="/static/newsdesk/own.js"></script></head><body><h1>Injected</h1>
<script>alert(1)</script><img src="/missing.png" onerror="confirm(2)">
<a href=" JaVa&#x09;Script:alert(4)">x</a><iframe src="about:blank"></iframe>
<svg><animate attributeName="href" values="javascript:alert(5)"/></svg>
<embed src="data:text/html,x"><details open ontoggle="alert(3)"><summary>x</summary></details>
</body></html>"""


def trap_dialogs(page) -> list[str]:
    """Trap alert/confirm/prompt/print before any page script runs; record real dialogs."""
    page.context.add_init_script(TRAP_DIALOGS)
    dialogs = []

    def dialog(d):
        dialogs.append(f"{page.url}: {d.type}({d.message})")
        d.dismiss()

    page.on("dialog", dialog)
    return dialogs

"""The links in a text: how many, shortened, to blocked sites, or with unsafe schemes."""

import html
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from newsdesk.editorial.checks.base import Check, CheckResult

# More links than this read like a link list: a warning; past the second, link spam: a failure.
MAX_LINKS = 15
MAX_LINKS_BLOCKING = 30
# Shortened links hide where they lead, and their targets can be changed after publication.
LINK_SHORTENERS = frozenset({
    "bit.ly", "bitly.com", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly",
    "rebrand.ly", "cutt.ly", "shorturl.at", "tiny.cc", "t.ly", "v.gd", "rb.gy", "s.id",
    "lnkd.in", "trib.al", "dlvr.it", "soo.gd", "bl.ink", "short.io", "urlz.fr", "kurzelinks.de",
})  # fmt: skip
# IP loggers record the address of every reader who clicks; sites add theirs in settings.
DEFAULT_BLOCKED_DOMAINS = ("grabify.link", "iplogger.org", "iplogger.com", "2no.co", "yip.su")
# Never rendered as links (the sanitiser allows http, https and mailto only), so a link with one
# is broken at best and an attack at worst.
UNSAFE_SCHEMES = ("javascript", "vbscript", "data", "file")

# Link targets as written: Markdown links and reference definitions, autolinks, HTML attributes.
_LINK_TARGET = re.compile(
    r"\]\(\s*<?([^\s)>]+)|<([a-z][a-z0-9+.\-]{1,31}:[^\s<>]*)>"
    r"|\b(?:href|src|action|formaction|xlink:href)\s*=\s*[\"']?\s*([^\"'\s>]+)"
    r"|^ {0,3}\[[^\]]+\]:\s*<?(\S+)",
    re.IGNORECASE | re.MULTILINE,
)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _host(url: str) -> str | None:
    url = url.strip()
    if url.startswith("//"):
        url = "http:" + url
    elif not re.match(r"[a-z][a-z0-9+.\-]*://", url, re.IGNORECASE):
        if re.match(r"[a-z][a-z0-9+.\-]*:", url, re.IGNORECASE) or url.startswith(("/", "#")):
            return None  # mailto:, tel:, or a link within newsdesk
        url = "http://" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    # Longer is no host name (RFC 1035), and would make the parent-domain walk quadratic.
    return _normal_domain(host) if host and len(host) <= 253 else None


def _normal_domain(domain: str) -> str:
    domain = domain.strip().lower().rstrip(".")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def _listed_links(urls: list[str], domains: frozenset[str]) -> tuple[list[str], list[str]]:
    """The links whose host is one of `domains` or below one, and those domains."""
    found, listed = [], []
    for url in urls:
        labels = (_host(url) or "").split(".")
        parents = (".".join(labels[start:]) for start in range(len(labels) - 1))
        domain = next((parent for parent in parents if parent in domains), None)
        if domain:
            found.append(url[:200])
            if domain not in listed:
                listed.append(domain)
    return found, listed


def _blocked_domains() -> frozenset[str]:
    configured = getattr(settings, "NEWSDESK_BLOCKED_DOMAINS", None) or []
    return frozenset(_normal_domain(d) for d in (*DEFAULT_BLOCKED_DOMAINS, *configured) if d)


def check_link_count(urls: list[str]) -> CheckResult:
    check, count = Check("links.count", "links"), len(urls)
    if count > MAX_LINKS_BLOCKING:
        message = _(
            "The text has %(count)d links (at most %(max)d are allowed). Keep only the ones readers need."
        )
        return check.failure(message, count=count, max=MAX_LINKS_BLOCKING)
    if count > MAX_LINKS:
        message = _(
            "The text has %(count)d links (more than %(max)d). Keep only the ones readers need."
        )
        return check.warning(message, count=count, max=MAX_LINKS)
    return check.passed(_("Links in the text: %(count)d."), count=count)


def check_link_shorteners(urls: list[str]) -> CheckResult:
    check = Check("links.shorteners", "links")
    found, domains = _listed_links(urls, LINK_SHORTENERS)
    if found:
        message = _(
            "Replace shortened links (%(domains)s, %(count)d found) with the full addresses, so readers can see where they lead."
        )
        return check.failure(message, domains=", ".join(domains), count=len(found), urls=found)
    return check.passed(_("No shortened links."))


def check_blocked_domains(urls: list[str]) -> CheckResult:
    check = Check("links.blocked", "links")
    found, domains = _listed_links(urls, _blocked_domains())
    if found:
        message = _(
            "Remove links to %(domains)s (%(count)d found): links to these sites are not allowed."
        )
        return check.failure(message, domains=", ".join(domains), count=len(found), urls=found)
    return check.passed(_("No links to blocked sites."))


def check_link_schemes(*sources: str) -> CheckResult:
    """Links as written in the source, since markdown-it already drops these from its tokens."""
    check = Check("links.schemes", "links")
    found, schemes = [], []
    for source in sources:
        for match in _LINK_TARGET.finditer(source):
            target = next(group for group in match.groups() if group is not None)
            cleaned = _CONTROL.sub("", html.unescape(target)).lower()
            scheme = next((s + ":" for s in UNSAFE_SCHEMES if cleaned.startswith(s + ":")), None)
            if scheme:
                found.append(target[:80])
                if scheme not in schemes:
                    schemes.append(scheme)
    if found:
        message = _(
            "Remove links starting with %(schemes)s (%(count)d found): they are removed when the article is shown, so they would not work."
        )
        return check.failure(message, schemes=", ".join(schemes), count=len(found), links=found)
    return check.passed(_("No links with unsafe schemes such as javascript:."))

"""Suggestions, drafts, digests and the rendered message, parsed the way a mail client parses it."""

import datetime as dt
import re
from email import message_from_bytes, policy
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.images import make_renditions
from newsdesk.articles.models import Article
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.core.errors import ActionRefused
from newsdesk.newsletter import actions, mime, queries, rendering
from newsdesk.newsletter.models import Issue, IssueArticle, Newsletter, Subscriber, Subscription

pytestmark = pytest.mark.django_db

SITE = "https://news.example.org"


def make_newsletter(**fields) -> Newsletter:
    defaults = {
        "name": "Wirtschaft & Technik",
        "slug": "wirtschaft",
        "language": "de",
        "from_email": "newsletter@news.example.org",
        "from_name": "newsdesk Wirtschaft",
    }
    defaults.update(fields)
    return Newsletter.objects.create(**defaults)


def make_subscribers(newsletter: Newsletter, count: int, *, start: int = 0, domain="example.net"):
    """`count` confirmed subscribers of `newsletter`, in bulk."""
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"reader{i}@{domain}", language="de") for i in range(start, start + count)
    )
    if subscribers and subscribers[0].pk is None:  # backends that don't return ids
        subscribers = list(Subscriber.objects.filter(email__endswith=f"@{domain}"))
    Subscription.objects.bulk_create(
        Subscription(
            subscriber=s,
            newsletter=newsletter,
            status=Subscription.Status.CONFIRMED,
            confirmed_at=timezone.now(),
        )
        for s in subscribers
    )
    return subscribers


def make_issue(newsletter: Newsletter, articles=(), **fields) -> Issue:
    issue = Issue.objects.create(
        newsletter=newsletter,
        subject=fields.pop("subject", "Die Woche in Wirtschaft und Technik"),
        intro=fields.pop("intro", "Liebe Leserinnen und Leser,\n\ndiese Woche war viel los."),
        **fields,
    )
    for position, a in enumerate(articles, start=1):
        IssueArticle.objects.create(issue=issue, article=a, position=position)
    return issue


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls, self.images, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "a":
            self.urls.append(attrs.get("href"))
        if tag == "img":
            self.images.append(attrs)


def links_of(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def parse(data: bytes):
    return message_from_bytes(data, policy=policy.default)


class SuggestionTests:
    def test_newsletter_language_and_section_newest_first_since_last_issue(self):
        """Suggestions: visible articles of the newsletter's language and section, newest first,
        published after the last issue was sent."""
        economy, sport = SectionFactory(slug="wirtschaft"), SectionFactory(slug="sport")
        newsletter = make_newsletter(section=economy)
        now = timezone.now()
        old = article(section=economy, published_at=now - dt.timedelta(days=10), title="Alt")
        newer = article(section=economy, published_at=now - dt.timedelta(days=1), title="Neu")
        newest = article(section=economy, published_at=now - dt.timedelta(hours=1), title="Neuer")
        austrian = article(
            section=economy, language="de-AT", published_at=now - dt.timedelta(hours=2)
        )
        article(section=sport, published_at=now)
        article(section=economy, language="en", published_at=now)
        article(section=economy, published=False)
        assert queries.suggested_articles(newsletter) == [newest, austrian, newer, old]

        make_issue(newsletter, status=Issue.Status.SENT, started_at=now - dt.timedelta(days=2))
        assert queries.suggested_articles(newsletter) == [newest, austrian, newer]
        assert queries.suggested_articles(newsletter, since=now - dt.timedelta(hours=3)) == [
            newest,
            austrian,
        ]

    def test_a_newsletter_without_section_takes_every_section(self):
        """A newsletter with no section suggests articles from all sections."""
        newsletter = make_newsletter()
        a, b = article(section=SectionFactory()), article(section=SectionFactory())
        assert set(queries.suggested_articles(newsletter)) == {a, b}

    def test_taken_down_articles_disappear_from_suggestions_and_issues(self):
        """The one visibility rule: an unpublished article leaves suggestions and the rendering."""
        newsletter = make_newsletter()
        kept, gone = article(title="Bleibt"), article(title="Verschwindet")
        issue = make_issue(newsletter, [kept, gone])
        Article.objects.filter(pk=gone.pk).update(status=Article.Status.TAKEN_DOWN)
        assert queries.suggested_articles(newsletter) == [kept]
        _subject, html, text = rendering.render_issue(issue)
        assert "Bleibt" in html and "Verschwindet" not in html and "Verschwindet" not in text


class DraftTests:
    def test_save_issue_keeps_the_order_and_drops_invisible_articles(self):
        """A saved draft has the articles in the order given; unpublished ones are dropped."""
        newsletter, editor = make_newsletter(), UserFactory(editor=True)
        first, second, draft = article(), article(), article(published=False)
        issue = actions.save_issue(
            newsletter=newsletter,
            subject="  Neues\n aus  der Stadt ",
            intro="Hallo",
            articles=[second, draft, first],
            by=editor,
        )
        assert issue.subject == "Neues aus der Stadt"
        assert list(issue.issuearticle_set.values_list("article_id", "position")) == [
            (second.pk, 1),
            (first.pk, 2),
        ]
        issue = actions.save_issue(
            newsletter=newsletter, subject="Neu", intro="", articles=[first], by=editor, issue=issue
        )
        assert list(issue.issuearticle_set.values_list("article_id", flat=True)) == [first.pk]

    def test_an_issue_that_started_sending_cannot_change(self):
        """Once sending began, the content is what the recipients get: no more edits."""
        newsletter = make_newsletter()
        issue = make_issue(newsletter, status=Issue.Status.SENDING)
        with pytest.raises(ActionRefused):
            actions.save_issue(
                newsletter=newsletter, subject="x", intro="", articles=[], by=None, issue=issue
            )

    def test_weekly_digest_waits_for_approval_or_is_scheduled(self):
        """The digest takes the new articles; it waits for approval, or is scheduled at once."""
        waiting = make_newsletter(slug="a", cadence=Newsletter.Cadence.WEEKLY)
        automatic = make_newsletter(
            slug="b", cadence=Newsletter.Cadence.WEEKLY, digest_needs_approval=False
        )
        assert actions.compose_digest(newsletter=waiting) is None  # nothing new yet
        one = article()
        digest = actions.compose_digest(newsletter=waiting)
        assert digest.status == Issue.Status.AWAITING_APPROVAL
        assert list(digest.articles.all()) == [one]
        assert waiting.name in digest.subject
        # A digest still waiting for approval is not doubled the next week.
        assert actions.compose_digest(newsletter=waiting) is None
        auto = actions.compose_digest(newsletter=automatic)
        assert auto.status == Issue.Status.SCHEDULED and auto.scheduled_at <= timezone.now()


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE
    settings.SITE_HOST = "news.example.org"
    return settings


@pytest.mark.usefixtures("site")
class RenderingTests:
    def hostile_issue(self):
        author = UserFactory(display_name=f"Eve {HOSTILE}")
        a = article(
            title=f"Titel {HOSTILE}",
            lead=f"Lead {HOSTILE} & mehr",
            author=author,
            kind=Article.Kind.OPINION,
        )
        a.cover.alt = f'Alt "quoted" {HOSTILE}'
        a.cover.save(update_fields=["alt"])
        make_renditions(a.cover)
        newsletter = make_newsletter(name=f"Wirtschaft {HOSTILE}")
        return make_issue(newsletter, [a], subject="Woche", intro=f"Intro {HOSTILE}\n\nZweiter"), a

    def test_contributor_text_is_escaped_in_the_html(self):
        """Titles, leads, names, alt text and the intro can't add markup to the mail."""
        issue, _a = self.hostile_issue()
        _subject, html, _text = rendering.render_issue(issue)
        parsed = links_of(html)
        assert {tag for tag, _attrs in parsed.tags} <= {
            "html", "head", "meta", "title", "body", "div", "table", "tr", "td", "a", "img",
            "h1", "h2", "p", "span", "br",
        }  # fmt: skip
        assert not any(name.startswith("on") for _t, attrs in parsed.tags for name in attrs)
        assert "<script" not in html and "&lt;script&gt;" in html
        assert [i["alt"] for i in parsed.images] == [f'Alt "quoted" {HOSTILE}']

    def test_links_and_images_are_absolute_and_covers_are_jpeg_renditions(self):
        """Every link and image points at SITE_URL; covers are sized JPEG renditions with alt."""
        issue, a = self.hostile_issue()
        _subject, html, _text = rendering.render_issue(issue)
        html = rendering.fill_in(html, issue, unsubscribe_url=f"{SITE}/u", manage_url=f"{SITE}/m")
        parsed = links_of(html)
        assert parsed.urls and all(url.startswith(SITE + "/") for url in parsed.urls)
        assert f"{SITE}/de/articles/{a.slug}/" in parsed.urls
        assert f"{SITE}/de/newsletters/wirtschaft/{issue.pk}/" in parsed.urls
        (image,) = parsed.images
        assert re.fullmatch(rf"{SITE}/media/covers/{a.cover.public_key}/960\.jpg", image["src"])
        assert image["width"] == "600" and int(image["height"]) == round(
            a.cover.height * 600 / a.cover.width
        )
        assert "Computergenerierte Illustration" in html  # generated cover, labelled under it
        assert "Meinung" in html  # the kind label of an opinion piece

    def test_plain_text_part(self):
        """The text part has the subject, intro, each article's title, lead and URL, and the
        links, without markup or escaping."""
        issue, a = self.hostile_issue()
        subject, _html, text = rendering.render_issue(issue)
        text = rendering.fill_in(text, issue, unsubscribe_url="U-URL", manage_url="M-URL")
        assert subject == "Woche"
        assert f"Titel {HOSTILE}" in text and f"Lead {HOSTILE} & mehr" in text
        assert f"{SITE}/de/articles/{a.slug}/" in text
        assert re.search(r"^\w+: U-URL$", text, re.M) and re.search(r": M-URL$", text, re.M)
        assert "&lt;" not in text and "\n\n\n" not in text

    def test_placeholders_cannot_be_typed_by_contributors(self, settings):
        """The link markers depend on the secret key and the issue, not on a fixed string."""
        newsletter = make_newsletter()
        one, two = make_issue(newsletter), make_issue(newsletter)
        before = rendering.placeholders_for(one)
        assert before != rendering.placeholders_for(two)
        settings.SECRET_KEY = "another-" + "k" * 50
        assert rendering.placeholders_for(one) != before


@pytest.mark.usefixtures("site")
class MessageTests:
    def build(self, **newsletter_fields):
        newsletter = make_newsletter(**newsletter_fields)
        a = article(title="Wärmepumpen: was die Förderung bringt", lead="Ä ö ü ß " * 40)
        issue = make_issue(newsletter, [a], subject="Grüße aus der Redaktion – Ausgabe 7")
        message = mime.IssueMessage(issue)
        recipient = mime.Recipient(
            email="leser@example.net",
            token="tok_EN-123",
            message_id="<issue-1.abc@news.example.org>",
        )
        return (
            issue,
            message,
            recipient,
            message.build(recipient, date="Thu, 26 Nov 2026 10:00:00 +0000"),
        )

    def test_headers_as_a_receiver_parses_them(self):
        """From, To, Subject (UTF-8), Message-ID, Precedence, List-Id and the RFC 8058 pair."""
        issue, _message, _recipient, data = self.build()
        msg = parse(data)
        assert msg["From"].addresses[0].display_name == "newsdesk Wirtschaft"
        assert msg["From"].addresses[0].addr_spec == "newsletter@news.example.org"
        assert str(msg["To"]) == "leser@example.net"
        assert str(msg["Subject"]) == "Grüße aus der Redaktion – Ausgabe 7"
        assert msg["Message-ID"] == "<issue-1.abc@news.example.org>"
        assert msg["Precedence"] == "bulk"
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert msg["List-Id"] == '"Wirtschaft & Technik" <wirtschaft.news.example.org>'
        assert str(msg["List-Unsubscribe"]) == (
            f"<{SITE}/de/newsletters/u/tok_EN-123/wirtschaft/>, "
            f"<mailto:unsubscribe+tok_EN-123.{issue.newsletter_id}@news.example.org>"
        )
        assert msg.defects == [] and all(not part.defects for part in msg.walk())

    def test_long_urls_are_never_folded_inside(self, settings):
        """A long site URL and slug: each URL of List-Unsubscribe stays whole for the receiver."""
        long_site = "https://a-rather-long-subdomain-for-the-community.news.example.org"
        slug = "newsletter-about-business-technology-and-more-0001"  # max_length
        settings.SITE_URL = long_site
        issue, _message, _recipient, data = self.build(slug=slug)
        msg = parse(data)
        urls = re.findall(r"<([^>]*)>", str(msg["List-Unsubscribe"]))
        assert urls == [
            f"{long_site}/de/newsletters/u/tok_EN-123/{slug}/",
            f"mailto:unsubscribe+tok_EN-123.{issue.newsletter_id}@news.example.org",
        ]
        for line in data.split(b"\r\n"):
            assert len(line) <= 998
        assert b"\n" not in data.replace(b"\r\n", b"")

    def test_parts_decode_to_the_rendered_issue_with_the_recipients_links(self):
        """Substituting into the encoded parts gives exactly the rendered issue with this
        recipient's links; quoted-printable lines stay within 76 characters."""
        issue, message, recipient, data = self.build()
        msg = parse(data)
        assert msg.get_content_type() == "multipart/alternative"
        text_part, html_part = msg.get_payload()
        unsubscribe = f"{SITE}/de/newsletters/u/tok_EN-123/wirtschaft/"
        manage = f"{SITE}/de/newsletters/me/tok_EN-123/"

        def expected(body):
            filled = rendering.fill_in(body, issue, unsubscribe_url=unsubscribe, manage_url=manage)
            return filled.replace("\r\n", "\n")

        assert text_part.get_content().replace("\r\n", "\n") == expected(message.text)
        assert html_part.get_content().replace("\r\n", "\n") == expected(message.html)
        assert f'href="{unsubscribe}"' in html_part.get_content()
        body = data.split(b"\r\n\r\n", 1)[1]
        assert max(len(line) for line in body.split(b"\r\n")) <= 76

    def test_the_smtp_form_is_the_message_dot_stuffed(self):
        """build(smtp=True) is exactly what smtplib would send for build(): every line that
        starts with a dot doubled, and the final "." line."""
        import smtplib

        newsletter = make_newsletter()
        a = article(title=".Titel mit Punkt", lead="." + "x" * 74 + ".y " * 40)
        issue = make_issue(newsletter, [a], intro=".eins\n..zwei\n.\n" + "lang. " * 60)
        message = mime.IssueMessage(issue)
        recipient = mime.Recipient("a@example.net", "tok.en-" + "." * 40, "<m@example.org>")
        plain = message.build(recipient, date="Thu, 26 Nov 2026 10:00:00 +0000")
        stuffed = message.build(recipient, date="Thu, 26 Nov 2026 10:00:00 +0000", smtp=True)
        assert stuffed == smtplib._quote_periods(plain) + b".\r\n"
        assert b"\r\n..eins" in stuffed

    def test_addresses_that_could_inject_headers_are_refused(self):
        """An address with a line break, a comma or angle brackets never reaches a header."""
        assert mime.ascii_address("a@example.org") == "a@example.org"
        assert mime.ascii_address("a@bücher.example") == "a@xn--bcher-kva.example"
        for bad in [
            "a@b.org\r\nBcc: x@y.org",
            "a@b.org, c@d.org",
            "<a@b.org>",
            "nobody",
            "ü@b.org",
        ]:
            assert mime.ascii_address(bad) is None

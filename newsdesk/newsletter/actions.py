"""Every write of the newsletter app: subscriptions, issues, sending, deliveries, bounces.

Double opt-in: `subscribe` records PENDING subscriptions and mails one single-use link; only the
sha256 of its token is stored. `confirm` turns them CONFIRMED and records when, from where and
under which consent text. Whatever the address's state, the caller learns nothing about it.

Issues: `save_issue` writes a draft, `compose_digest` the weekly digest; `schedule_issue`,
`start_sending` (the recipients fixed, one Delivery row each) and `finish_if_done` move an issue
to SENT. The send loop itself is delivery.py; its writes to the Delivery rows (lease a batch,
mark sent, retry, fail, hand back) are here. Most of those are one UPDATE each, atomic on its
own, so they need no transaction around them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from newsdesk.articles.models import Article
from newsdesk.articles.queries import visible_articles
from newsdesk.core import events, page_cache
from newsdesk.core.errors import ActionRefused
from newsdesk.newsletter import queries
from newsdesk.newsletter.events import issue_data, subscriber_data
from newsdesk.newsletter.mime import message_id_for
from newsdesk.newsletter.models import (
    Delivery,
    Issue,
    IssueArticle,
    Newsletter,
    Subscriber,
    Subscription,
)
from newsdesk.newsletter.rendering import ui_language
from newsdesk.newsletter.tokens import link_token

logger = logging.getLogger(__name__)

# The version of the consent text shown next to every signup checkbox
# (templates/newsletter/_consent.html). Change both together: confirmations record this value.
CONSENT_VERSION = "2026-11-26"
# A confirmation link is good for two days: long enough for a weekend, short enough to go stale.
CONFIRMATION_TTL = dt.timedelta(hours=48)
# At most one confirmation mail per address in this window, however often the form is sent:
# the form cannot be used to flood someone's mailbox.
CONFIRMATION_WINDOW = dt.timedelta(minutes=10)

# A digest that composes itself takes at most this many of the newest articles.
DIGEST_MAX_ARTICLES = 10
# Issues whose content may still change; from SENDING on, what was sent is what the archive shows.
EDITABLE = {Issue.Status.DRAFT, Issue.Status.AWAITING_APPROVAL, Issue.Status.SCHEDULED}
STARTABLE = {Issue.Status.DRAFT, Issue.Status.AWAITING_APPROVAL, Issue.Status.SCHEDULED}
# Temporary failures: retried after 1, 2, 4 ... minutes, at most 6 hours apart, 8 attempts.
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 6 * 3600
MAX_ATTEMPTS = 8
# Delivery rows written per INSERT when sending starts.
INSERT_BATCH = 5000
# Rows the delivery table keeps of an SMTP error.
ERROR_LENGTH = 500

S = Subscription.Status
D = Delivery.Status


def _setting(name: str, default):
    return getattr(settings, f"NEWSLETTER_{name}", default)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _get_or_create_subscriber(*, email: str, language: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(email__iexact=email).first()
    if subscriber is not None:
        return subscriber
    try:
        with transaction.atomic():
            return Subscriber.objects.create(email=email, language=language)
    except IntegrityError:
        # Another request created the same address a moment ago.
        return Subscriber.objects.get(email__iexact=email)


def _claim_confirmation_slot(subscriber: Subscriber, now: dt.datetime) -> bool:
    """True if no confirmation mail went to this address within the window; marks it sent.

    One conditional UPDATE, so two simultaneous requests cannot both win.
    """
    return bool(
        Subscriber.objects.filter(pk=subscriber.pk)
        .filter(
            Q(last_confirmation_sent_at__isnull=True)
            | Q(last_confirmation_sent_at__lte=now - CONFIRMATION_WINDOW)
        )
        .update(last_confirmation_sent_at=now)
    )


@transaction.atomic
def subscribe(
    *, email: str, newsletters: Iterable[Newsletter], language: str, ip: str | None
) -> None:
    """Asks `email` to confirm `newsletters`. Returns nothing: the caller must answer the same
    whether the address was new, pending, subscribed or suppressed.

    Newsletters already confirmed stay as they are; the others become PENDING. One mail lists
    every pending newsletter of the address, at most once per CONFIRMATION_WINDOW, and never to
    a suppressed address.
    """
    email = BaseUserManager.normalize_email(email.strip())
    subscriber = _get_or_create_subscriber(email=email, language=language)
    if subscriber.language != language:
        subscriber.language = language
        subscriber.save(update_fields=["language", "updated_at"])
    for newsletter in newsletters:
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber,
            newsletter=newsletter,
            defaults={"status": S.PENDING, "requested_ip": ip},
        )
        if not created and subscription.status != S.CONFIRMED:
            subscription.status = S.PENDING
            subscription.requested_ip = ip
            subscription.save(update_fields=["status", "requested_ip", "updated_at"])
    if subscriber.suppressed_at is not None:
        return
    pending = Subscription.objects.filter(subscriber=subscriber, status=S.PENDING)
    if not pending.exists():
        return
    if not _claim_confirmation_slot(subscriber, timezone.now()):
        return
    # The mail goes out from the worker: the answer does not wait for the mail server, so
    # its timing says next to nothing about whether the address was new.
    subscriber_id = subscriber.pk
    transaction.on_commit(lambda: _enqueue_confirmation(subscriber_id))


def _enqueue_confirmation(subscriber_id: int) -> None:
    from newsdesk.newsletter import tasks  # tasks.py imports this module

    try:
        tasks.send_confirmation_task(subscriber_id)
    except Exception:
        # The subscription is kept; free the window so that sending the form again retries.
        logger.exception("confirmation mail for subscriber %s not queued", subscriber_id)
        Subscriber.objects.filter(pk=subscriber_id).update(last_confirmation_sent_at=None)


def send_confirmation(*, subscriber_id: int) -> None:
    """The confirmation mail (run by the worker): a new link for every pending newsletter of
    the subscriber, made here so that no usable token waits in the task queue. A new mail
    replaces the link of an earlier one: only the newest link works."""
    token = new_token()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
        if subscriber is None or subscriber.suppressed_at is not None:
            return
        pending = Subscription.objects.filter(subscriber=subscriber, status=S.PENDING)
        renewed = pending.update(
            confirmation_hash=hash_token(token),
            confirmation_expires_at=timezone.now() + CONFIRMATION_TTL,
        )
    if not renewed:
        return
    newsletters = [
        s.newsletter
        for s in queries.pending_subscriptions(token_hash=hash_token(token)).select_related(
            "newsletter"
        )
    ]
    if not newsletters:
        return
    language = subscriber.language if subscriber.language in dict(settings.LANGUAGES) else "en"
    with translation.override(language):
        context = {
            "newsletters": newsletters,
            "confirm_url": settings.SITE_URL + reverse("newsletter:confirm", args=[token]),
            "subscribe_url": settings.SITE_URL + reverse("newsletter:list"),
            "hours": int(CONFIRMATION_TTL.total_seconds() // 3600),
            "site_name": getattr(settings, "SITE_NAME", "newsdesk"),
        }
        subject = _("Please confirm your newsletter subscription")
        text = render_to_string("newsletter/email/confirm.txt", context)
    try:
        send_mail(subject, text, None, [subscriber.email])
    except Exception:
        # The subscription is kept; free the window so that sending the form again retries.
        logger.exception("confirmation mail to subscriber %s failed", subscriber_id)
        Subscriber.objects.filter(pk=subscriber_id).update(last_confirmation_sent_at=None)


@transaction.atomic
def confirm(*, token: str, ip: str | None) -> Subscriber | None:
    """Confirms every subscription the link was sent for. Single use and expiring: returns
    None for an unknown, used or expired token."""
    token_hash = hash_token(token)
    pending = queries.pending_subscriptions(token_hash=token_hash)
    subscriber_ids = set(pending.values_list("subscriber_id", flat=True))
    if len(subscriber_ids) != 1:
        return None
    slugs = list(pending.values_list("newsletter__slug", flat=True))
    now = timezone.now()
    # The update clears the hash: of two simultaneous uses, only one changes anything.
    changed = pending.update(
        status=S.CONFIRMED,
        confirmed_at=now,
        confirmed_ip=ip,
        consent_version=CONSENT_VERSION,
        confirmation_hash="",
        confirmation_expires_at=None,
        unsubscribed_at=None,
        updated_at=now,
    )
    if not changed:
        return None
    subscriber = Subscriber.objects.get(pk=subscriber_ids.pop())
    events.emit("subscriber.confirmed", current=subscriber_data(subscriber, newsletters=slugs))
    return subscriber


@transaction.atomic
def unsubscribe(*, subscriber: Subscriber, newsletter: Newsletter | None = None) -> Subscriber:
    """Leaves one newsletter, or all of them when `newsletter` is None. Idempotent."""
    subscriptions = Subscription.objects.filter(subscriber=subscriber)
    if newsletter is not None:
        subscriptions = subscriptions.filter(newsletter=newsletter)
    _leave(subscriptions, timezone.now(), subscriber)
    return subscriber


@transaction.atomic
def update_subscriptions(
    *, subscriber: Subscriber, newsletters: Iterable[Newsletter], ip: str | None = None
) -> Subscriber:
    """Sets the subscriber's newsletters to exactly `newsletters` (from the subscriber's page).

    The page is reached only through the subscriber's own link from an email, which proves
    the address; the form shows the consent text, so newsletters ticked there are confirmed.
    """
    wanted = {n.pk: n for n in newsletters}
    now = timezone.now()
    existing = {s.newsletter_id: s for s in subscriber.subscriptions.all()}
    confirmed = []
    for newsletter_id, newsletter in wanted.items():
        subscription = existing.get(newsletter_id)
        if subscription is not None and subscription.status == S.CONFIRMED:
            continue
        confirmed.append(newsletter.slug)
        fields = {
            "status": S.CONFIRMED,
            "confirmed_at": now,
            "confirmed_ip": ip,
            "consent_version": CONSENT_VERSION,
            "confirmation_hash": "",
            "confirmation_expires_at": None,
            "unsubscribed_at": None,
        }
        if subscription is None:
            Subscription.objects.create(subscriber=subscriber, newsletter=newsletter, **fields)
        else:
            for name, value in fields.items():
                setattr(subscription, name, value)
            subscription.save(update_fields=[*fields, "updated_at"])
    # Only newsletters the form offered: an inactive one keeps its subscribers for later.
    _leave(
        Subscription.objects.filter(subscriber=subscriber, newsletter__is_active=True).exclude(
            newsletter_id__in=wanted
        ),
        now,
        subscriber,
    )
    if confirmed:
        events.emit(
            "subscriber.confirmed", current=subscriber_data(subscriber, newsletters=confirmed)
        )
    return subscriber


def _leave(subscriptions, now: dt.datetime, subscriber: Subscriber) -> None:
    """Ends the subscriptions; leaving a confirmed one is announced (subscriber.unsubscribed),
    a pending one was never a subscription."""
    left = list(subscriptions.filter(status=S.CONFIRMED).values_list("newsletter__slug", flat=True))
    subscriptions.filter(status__in=[S.PENDING, S.CONFIRMED]).update(
        status=S.UNSUBSCRIBED,
        unsubscribed_at=now,
        confirmation_hash="",
        confirmation_expires_at=None,
        updated_at=now,
    )
    if left:
        events.emit(
            "subscriber.unsubscribed", current=subscriber_data(subscriber, newsletters=left)
        )


def purge_archive(*, newsletter_id: int) -> None:
    """Drops the cached archive pages of a newsletter (after commit, when an issue becomes
    SENT)."""
    page_cache.purge({queries.archive_tag(newsletter_id)})


# --- issues -----------------------------------------------------------------------------------


@transaction.atomic
def save_issue(
    *,
    newsletter: Newsletter,
    subject: str,
    intro: str,
    articles: list[Article],
    by,
    issue: Issue | None = None,
) -> Issue:
    """Creates or updates a draft: subject, intro and the articles in the order given.

    Only issues that have not started sending can change. Articles the public may not see are
    dropped (an issue only ever shows what visible_articles() shows).
    """
    if issue is not None:
        issue = Issue.objects.select_for_update().get(pk=issue.pk)
        if issue.status not in EDITABLE:
            raise ActionRefused(_("This issue is being sent or was sent; it can't change now."))
    else:
        issue = Issue(newsletter=newsletter, created_by=by)
    issue.subject = " ".join(subject.split())
    issue.intro = intro.strip()
    issue.full_clean(exclude=["articles"])
    issue.save()
    visible = set(
        visible_articles().filter(pk__in=[a.pk for a in articles]).values_list("pk", flat=True)
    )
    IssueArticle.objects.filter(issue=issue).delete()
    IssueArticle.objects.bulk_create(
        IssueArticle(issue=issue, article_id=article.pk, position=position)
        for position, article in enumerate((a for a in articles if a.pk in visible), start=1)
    )
    return issue


def compose_digest(*, newsletter: Newsletter, now: dt.datetime | None = None) -> Issue | None:
    """The weekly digest: the newest suggestions as a new issue that waits for an editor's
    approval or is scheduled at once, as the newsletter is configured. None when there is
    nothing new, or an earlier digest still waits for approval."""
    now = now or timezone.now()
    if newsletter.issues.filter(status=Issue.Status.AWAITING_APPROVAL).exists():
        return None
    articles = queries.suggested_articles(newsletter, limit=DIGEST_MAX_ARTICLES)
    if not articles:
        return None
    with translation.override(ui_language(newsletter)):
        subject = _("%(newsletter)s: the week to %(date)s") % {
            "newsletter": newsletter.name,
            "date": date_format(timezone.localtime(now), "DATE_FORMAT"),
        }
    with transaction.atomic():
        issue = save_issue(
            newsletter=newsletter, subject=subject, intro="", articles=articles, by=None
        )
        if newsletter.digest_needs_approval:
            issue.status = Issue.Status.AWAITING_APPROVAL
            issue.save(update_fields=["status", "updated_at"])
        else:
            issue = schedule_issue(issue=issue)
    return issue


# --- sending ----------------------------------------------------------------------------------


@transaction.atomic
def schedule_issue(*, issue: Issue, at: dt.datetime | None = None) -> Issue:
    """Sends `issue` at `at`, or now. A due issue is started by the workers at once (after
    commit); a later one by the periodic task when its time comes."""
    issue = Issue.objects.select_for_update().select_related("newsletter").get(pk=issue.pk)
    if issue.status not in STARTABLE:
        raise ActionRefused(_("This issue is being sent or was sent already."))
    now = timezone.now()
    issue.status = Issue.Status.SCHEDULED
    issue.scheduled_at = max(at, now) if at else now
    issue.save(update_fields=["status", "scheduled_at", "updated_at"])
    if issue.scheduled_at <= now:
        issue_id = issue.pk
        transaction.on_commit(lambda: enqueue_send(issue_id=issue_id))
    return issue


@transaction.atomic
def unschedule_issue(*, issue: Issue) -> Issue:
    """A scheduled issue goes back to being a draft (until it has started)."""
    changed = Issue.objects.filter(pk=issue.pk, status=Issue.Status.SCHEDULED).update(
        status=Issue.Status.DRAFT, scheduled_at=None, updated_at=timezone.now()
    )
    if not changed:
        raise ActionRefused(_("This issue is not scheduled (any more)."))
    issue.refresh_from_db()
    return issue


def enqueue_send(*, issue_id: int) -> None:
    """One send task per background worker, so that they share the batches."""
    from newsdesk.newsletter.tasks import send_issue_task  # tasks.py imports this module

    for _worker in range(_setting("SEND_WORKERS", settings.HUEY["consumer"]["workers"])):
        send_issue_task(issue_id)


@transaction.atomic
def start_sending(*, issue: Issue) -> int:
    """Fixes the recipients and marks the issue SENDING; returns how many there are.

    One Delivery per subscriber whose subscription to the newsletter is CONFIRMED and whose
    address is not suppressed, at this moment. Safe to call twice and from several workers at
    once: the issue row is locked, the rows are inserted with ON CONFLICT DO NOTHING, and an
    issue that already started is left as it is.
    """
    issue = Issue.objects.select_for_update().select_related("newsletter").get(pk=issue.pk)
    if issue.status in (Issue.Status.SENDING, Issue.Status.SENT):
        return issue.recipient_count
    if issue.status not in STARTABLE:
        raise ActionRefused(_("This issue can't be sent."))
    recipients = (
        Subscription.objects.filter(
            newsletter_id=issue.newsletter_id,
            status=Subscription.Status.CONFIRMED,
            subscriber__suppressed_at__isnull=True,
        )
        .order_by("subscriber_id")
        .values_list("subscriber_id", "subscriber__email")
    )
    batch: list[tuple] = []
    for subscriber_id, email in recipients.iterator(chunk_size=INSERT_BATCH):
        batch.append(
            (
                issue.pk,
                subscriber_id,
                email,
                message_id_for(issue_id=issue.pk, subscriber_id=subscriber_id),
            )
        )
        if len(batch) >= INSERT_BATCH:
            _insert_deliveries(batch)
            batch = []
    _insert_deliveries(batch)
    issue.recipient_count = Delivery.objects.filter(issue_id=issue.pk).count()
    issue.status = Issue.Status.SENDING
    issue.started_at = timezone.now()
    issue.save(update_fields=["recipient_count", "status", "started_at", "updated_at"])
    return issue.recipient_count


_INSERT_DELIVERY = (
    "INSERT INTO newsletter_delivery (issue_id, subscriber_id, email, message_id, status, "
    "attempts, claimed_by, last_error) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT DO NOTHING"
)


def _insert_deliveries(rows: list[tuple]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL) with executemany.

    Not bulk_create(ignore_conflicts=True): it compiles SQL for every 90 rows on SQLite and took
    8 s for 100,000 recipients here, executemany 0.5 s."""
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(_INSERT_DELIVERY, [(*row, D.PENDING, 0, "", "") for row in rows])


def finish_if_done(issue: Issue) -> bool:
    """Marks a SENDING issue SENT once no delivery is pending, leased or waiting to retry."""
    if queries.has_unfinished_deliveries(issue.pk):
        return False
    with transaction.atomic():
        changed = Issue.objects.filter(pk=issue.pk, status=Issue.Status.SENDING).update(
            status=Issue.Status.SENT, sent_at=timezone.now(), updated_at=timezone.now()
        )
        if changed:
            newsletter_id = issue.newsletter_id
            transaction.on_commit(lambda: purge_archive(newsletter_id=newsletter_id))
            events.emit("newsletter.sent", current=issue_data(Issue.objects.get(pk=issue.pk)))
    return True


# --- deliveries -------------------------------------------------------------------------------


@dataclass
class Claimed:
    """A delivery leased to a worker, with what sending it needs."""

    pk: int
    email: str
    message_id: str
    token: str
    suppressed: bool
    attempts: int


def claim_batch(*, issue_id: int, worker_id: str, limit: int, lease_seconds: int) -> list[Claimed]:
    """Leases up to `limit` rows to the worker in one UPDATE: pending rows, retries that are
    due, and rows whose lease expired. SKIP LOCKED on PostgreSQL lets workers claim side by
    side; SQLite serialises writers, so the UPDATE alone is atomic there."""
    now = timezone.now()
    expired = now - dt.timedelta(seconds=lease_seconds)
    with transaction.atomic():
        candidates = (
            Delivery.objects.filter(issue_id=issue_id)
            .filter(
                Q(status=D.PENDING)
                | Q(status=D.RETRY, next_attempt_at__lte=now)
                | Q(status=D.SENDING, claimed_at__lt=expired)
            )
            .values("pk")[:limit]
        )
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        claimed = Delivery.objects.filter(pk__in=candidates).update(
            status=D.SENDING, claimed_by=worker_id, claimed_at=now, attempts=F("attempts") + 1
        )
    if not claimed:
        return []
    rows = Delivery.objects.filter(
        issue_id=issue_id, status=D.SENDING, claimed_by=worker_id, claimed_at=now
    ).values_list(
        "pk",
        "email",
        "message_id",
        "subscriber__token_nonce",
        "subscriber__suppressed_at",
        "attempts",
    )
    # One HMAC per recipient, from the row already read: the token is stored nowhere.
    return [
        Claimed(pk, email, mid, link_token(nonce), suppressed is not None, attempts)
        for pk, email, mid, nonce, suppressed, attempts in rows
    ]


def _retry_delay(attempts: int) -> dt.timedelta:
    base = _setting("RETRY_BASE_SECONDS", RETRY_BASE_SECONDS)
    return dt.timedelta(seconds=min(base * 2 ** max(0, attempts - 1), RETRY_MAX_SECONDS))


def fail_delivery(*, row: Claimed, error: str, worker_id: str) -> None:
    """The delivery failed for good (a 5xx answer, an address we can't send to)."""
    Delivery.objects.filter(pk=row.pk, claimed_by=worker_id).update(
        status=D.FAILED, last_error=error[:ERROR_LENGTH], next_attempt_at=None
    )


def retry_delivery(*, row: Claimed, error: str, worker_id: str) -> None:
    """The delivery goes again after a growing delay (a 4xx answer, the server unreachable),
    or fails after MAX_ATTEMPTS."""
    if row.attempts >= _setting("MAX_ATTEMPTS", MAX_ATTEMPTS):
        fail_delivery(
            row=row, error=f"gave up after {row.attempts} attempts: {error}", worker_id=worker_id
        )
        return
    Delivery.objects.filter(pk=row.pk, claimed_by=worker_id).update(
        status=D.RETRY,
        last_error=error[:ERROR_LENGTH],
        next_attempt_at=timezone.now() + _retry_delay(row.attempts),
    )


def mark_sent(*, delivery_ids: list[int]) -> None:
    """The server accepted these deliveries' messages."""
    Delivery.objects.filter(pk__in=delivery_ids).update(
        status=D.SENT, sent_at=timezone.now(), last_error=""
    )


def hand_back(*, rows: list[Claimed], worker_id: str) -> int:
    """Rows the worker leased but will not send (its batch ran out of time) go back to PENDING
    at once, with the attempt not counted; returns how many."""
    return Delivery.objects.filter(
        pk__in=[r.pk for r in rows], claimed_by=worker_id, status=D.SENDING
    ).update(status=D.PENDING, claimed_by="", claimed_at=None, attempts=F("attempts") - 1)


# --- bounces ----------------------------------------------------------------------------------


@transaction.atomic
def suppress_address(*, subscriber: Subscriber, reason: str) -> bool:
    """Nothing more is sent to the address: not in new issues, and skipped in a send that is
    going on. Its subscriptions stay, so the record of consent is kept. True if it changed."""
    changed = Subscriber.objects.filter(pk=subscriber.pk, suppressed_at__isnull=True).update(
        suppressed_at=timezone.now(), suppressed_reason=reason[:300]
    )
    if changed:
        logger.info("suppressed subscriber %s: %s", subscriber.pk, reason)
    return bool(changed)


@transaction.atomic
def record_bounce(*, delivery: Delivery, note: str, hard: bool) -> None:
    """A delivery status notification about one of our deliveries: a hard bounce suppresses
    the address and fails the delivery, a soft one is only noted on it."""
    if hard:
        suppress_address(subscriber=delivery.subscriber, reason=f"hard bounce {note}")
        Delivery.objects.filter(pk=delivery.pk).update(
            status=D.FAILED, last_error=f"bounced: {note}"[:ERROR_LENGTH]
        )
    else:
        Delivery.objects.filter(pk=delivery.pk).update(
            last_error=f"soft bounce: {note}"[:ERROR_LENGTH]
        )

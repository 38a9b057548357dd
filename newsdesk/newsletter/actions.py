"""Subscribing, confirming, changing and leaving newsletters.

Double opt-in: `subscribe` records PENDING subscriptions and mails one single-use link; only the
sha256 of its token is stored. `confirm` turns them CONFIRMED and records when, from where and
under which consent text. Whatever the address's state, the caller learns nothing about it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from newsdesk.core import page_cache
from newsdesk.newsletter import queries
from newsdesk.newsletter.models import Newsletter, Subscriber, Subscription

logger = logging.getLogger(__name__)

# The version of the consent text shown next to every signup checkbox
# (templates/newsletter/_consent.html). Change both together: confirmations record this value.
CONSENT_VERSION = "2026-11-26"
# A confirmation link is good for two days: long enough for a weekend, short enough to go stale.
CONFIRMATION_TTL = dt.timedelta(hours=48)
# At most one confirmation mail per address in this window, however often the form is sent:
# the form cannot be used to flood someone's mailbox.
CONFIRMATION_WINDOW = dt.timedelta(minutes=10)

S = Subscription.Status


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
    return Subscriber.objects.get(pk=subscriber_ids.pop())


@transaction.atomic
def unsubscribe(*, subscriber: Subscriber, newsletter: Newsletter | None = None) -> Subscriber:
    """Leaves one newsletter, or all of them when `newsletter` is None. Idempotent."""
    subscriptions = Subscription.objects.filter(subscriber=subscriber)
    if newsletter is not None:
        subscriptions = subscriptions.filter(newsletter=newsletter)
    _leave(subscriptions, timezone.now())
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
    for newsletter_id, newsletter in wanted.items():
        subscription = existing.get(newsletter_id)
        if subscription is not None and subscription.status == S.CONFIRMED:
            continue
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
    )
    return subscriber


def _leave(subscriptions, now: dt.datetime) -> None:
    subscriptions.filter(status__in=[S.PENDING, S.CONFIRMED]).update(
        status=S.UNSUBSCRIBED,
        unsubscribed_at=now,
        confirmation_hash="",
        confirmation_expires_at=None,
        updated_at=now,
    )


def purge_archive(*, newsletter_id: int) -> None:
    """Drops the cached archive pages of a newsletter. The sending side calls this (after
    commit) when an issue becomes SENT."""
    page_cache.purge({queries.archive_tag(newsletter_id)})

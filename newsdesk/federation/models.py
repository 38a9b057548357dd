from django.conf import settings
from django.db import models


class Actor(models.Model):
    """The key pair of one of our actors, made on first use (actions.actor_key). The private key
    is kept in the database as unencrypted PKCS#8 PEM (which the issue allows): it is not derived
    from SECRET_KEY, so rotating that key keeps every actor's identity; a database dump holds it."""

    class Kind(models.TextChoices):
        SITE = "site"
        SECTION = "section"
        AUTHOR = "author"
        # The server itself (an Application): signs our key fetches, follows no one.
        INSTANCE = "instance"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The Section's or User's pk; 0 for the site.
    object_id = models.PositiveBigIntegerField()
    public_key_pem = models.TextField()
    private_key_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="federation_actor_unique")
        ]

    def __str__(self):
        return f"{self.kind}:{self.object_id}"


class AuthorOptIn(models.Model):
    """An author who appears on the Fediverse as a Person, with their slug as the handle."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fediverse_opt_in"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.user)


class RemoteActor(models.Model):
    """A remote actor's document as we last fetched it: where to deliver to and the key its
    signatures are checked with. Fetched when an unknown key signs a request, fetched again when
    a signature does not verify with the cached key (the actor rotated it)."""

    actor_id = models.URLField(max_length=2000, unique=True)
    inbox = models.URLField(max_length=2000)
    shared_inbox = models.URLField(max_length=2000, blank=True)
    key_id = models.URLField(max_length=2000, unique=True)
    public_key_pem = models.TextField()
    fetched_at = models.DateTimeField()

    def __str__(self):
        return self.actor_id


class Follower(models.Model):
    """A remote actor following one of ours: written by a verified Follow, removed by its
    Undo (inbox.py); the followers collection counts them."""

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="followers")
    remote_actor_id = models.URLField(max_length=2000)
    inbox = models.URLField(max_length=2000)
    shared_inbox = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "remote_actor_id"], name="federation_follower_unique"
            )
        ]

    def __str__(self):
        return f"{self.remote_actor_id} -> {self.actor}"


class Delivery(models.Model):
    """One activity to one remote inbox (a shared inbox where the follower has one), signed with
    `actor`'s key and leased to one worker at a time, as webhook deliveries are. The body is kept
    as sent, so a retry sends the same bytes; (activity_id, inbox) is unique, so an activity
    reaches a server once however many of its people follow us."""

    class State(models.TextChoices):
        PENDING = "pending"
        DELIVERING = "delivering"
        DELIVERED = "delivered"
        FAILED = "failed"

    activity_id = models.URLField(max_length=2000)
    activity_type = models.CharField(max_length=20)
    # The article the activity is about (None for an Accept): the editor screens list them.
    article_id = models.PositiveBigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="deliveries")
    inbox = models.URLField(max_length=2000)
    body = models.TextField()
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=80, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["activity_id", "inbox"], name="federation_delivery_once"
            )
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="federation_delivery_due"),
            models.Index(fields=["state", "lease_until"], name="federation_delivery_lease"),
            models.Index(fields=["article_id"], name="federation_delivery_article"),
        ]

    def __str__(self):
        return f"{self.activity_type} {self.activity_id} -> {self.inbox} ({self.state})"


class Reaction(models.Model):
    """A remote actor's Like or Announce (boost) of one of our articles, once per actor and
    kind; an Undo removes it. The article page and the editor screens show the counts."""

    class Kind(models.TextChoices):
        LIKE = "like"
        ANNOUNCE = "announce"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="fediverse_reactions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    remote_actor_id = models.URLField(max_length=2000)
    activity_id = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "kind", "remote_actor_id"], name="federation_reaction_once"
            )
        ]
        indexes = [models.Index(fields=["activity_id"], name="federation_reaction_activity")]

    def __str__(self):
        return f"{self.kind} of {self.article_id} by {self.remote_actor_id}"


class Reply(models.Model):
    """A remote Note in reply to one of our articles. It waits for an editor: shown under the
    article only once approved, and only as sanitised HTML (`content_html` is cleaned when it
    is stored; the raw text is not kept)."""

    class State(models.TextChoices):
        PENDING = "pending"
        APPROVED = "approved"
        REJECTED = "rejected"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="fediverse_replies"
    )
    object_id = models.URLField(max_length=2000, unique=True)
    url = models.URLField(max_length=2000, blank=True)
    remote_actor_id = models.URLField(max_length=2000)
    # Who wrote it as the remote server names them (display name, @user@host), plain text.
    author_name = models.CharField(max_length=200, blank=True)
    author_handle = models.CharField(max_length=300, blank=True)
    author_url = models.URLField(max_length=2000, blank=True)
    content_html = models.TextField()
    language = models.CharField(max_length=10, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name_plural = "replies"
        indexes = [models.Index(fields=["article", "state"], name="federation_reply_article")]

    def __str__(self):
        return f"reply {self.object_id} to {self.article_id} ({self.state})"

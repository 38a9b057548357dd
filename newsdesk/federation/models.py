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

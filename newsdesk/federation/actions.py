"""Writes: actor keys made on first use, and authors opting in or out."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction

from newsdesk.accounts.models import User
from newsdesk.articles.cache_tags import article_tag
from newsdesk.articles.models import Article
from newsdesk.core import page_cache
from newsdesk.federation.models import Actor, AuthorOptIn

# What Mastodon and most servers expect of an actor key (the choice).
KEY_BITS = 2048


def actor_key(*, kind: str, object_id: int) -> Actor:
    """The actor's key row, with a new RSA key pair the first time it is asked for. Two requests
    racing to make it both end up with the one that was stored first."""
    actor = Actor.objects.filter(kind=kind, object_id=object_id).first()
    if actor is not None:
        return actor
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    try:
        with transaction.atomic():
            return Actor.objects.create(
                kind=kind,
                object_id=object_id,
                private_key_pem=private_pem,
                public_key_pem=public_pem,
            )
    except IntegrityError:
        return Actor.objects.get(kind=kind, object_id=object_id)


@transaction.atomic
def opt_in_author(*, author: User) -> AuthorOptIn:
    """Makes the author a Person on the Fediverse (handle: their slug)."""
    opt_in, _created = AuthorOptIn.objects.get_or_create(user=author)
    transaction.on_commit(lambda: _purge_author_articles(author))
    return opt_in


@transaction.atomic
def opt_out_author(*, author: User) -> None:
    """Removes the author's actor; their key row stays, so opting in again keeps their identity."""
    AuthorOptIn.objects.filter(user=author).delete()
    transaction.on_commit(lambda: _purge_author_articles(author))


def _purge_author_articles(author: User) -> None:
    # Their article pages carry the fediverse:creator tag (or not) and sit in the page cache.
    ids = Article.objects.filter(author=author).values_list("pk", flat=True)
    page_cache.purge({article_tag(pk) for pk in ids})

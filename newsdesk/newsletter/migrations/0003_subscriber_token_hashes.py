"""Subscriber tokens leave the database: each subscriber gets a nonce (its links now carry
HMAC(SECRET_KEY, nonce), see newsletter/tokens.py), and the old token is kept only as its
SHA-256 so that the links in mails already sent keep working."""

import hashlib
import secrets

from django.db import migrations, models

import newsdesk.newsletter.tokens

# Rows per UPDATE round: a large list migrates in bounded memory.
BATCH = 2000


def hash_tokens(apps, schema_editor):
    Subscriber = apps.get_model("newsletter", "Subscriber")
    rows = Subscriber.objects.using(schema_editor.connection.alias).order_by("pk")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).only("pk", "token")[:BATCH])
        if not batch:
            return
        for subscriber in batch:
            # The same hash as newsletter.tokens.legacy_hash (frozen here: migrations outlive code).
            subscriber.legacy_token_hash = hashlib.sha256(
                subscriber.token.encode("utf-8", "surrogatepass")
            ).hexdigest()
            subscriber.token_nonce = secrets.token_hex(10)
        Subscriber.objects.using(schema_editor.connection.alias).bulk_update(
            batch, ["legacy_token_hash", "token_nonce"]
        )
        last = batch[-1].pk


def refuse_with_subscribers(apps, schema_editor):
    # Going back would need the old tokens, which this migration threw away: every subscriber's
    # links would stop working (and the re-added unique column has no values to hold).
    Subscriber = apps.get_model("newsletter", "Subscriber")
    if Subscriber.objects.using(schema_editor.connection.alias).exists():
        raise migrations.exceptions.IrreversibleError(
            "newsletter 0003 cannot be reversed while subscribers exist: their old link tokens "
            "are gone (only hashes were kept)."
        )


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0002_default_newsletters")]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="token_nonce",
            field=models.CharField(editable=False, max_length=20, null=True),
        ),
        migrations.AddField(
            model_name="subscriber",
            name="legacy_token_hash",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="subscriber", name="token"),
        migrations.AlterField(
            model_name="subscriber",
            name="token_nonce",
            field=models.CharField(
                default=newsdesk.newsletter.tokens.new_nonce,
                editable=False,
                max_length=20,
                unique=True,
            ),
        ),
        # Last, so that going back checks first (before the token column comes back).
        migrations.RunPython(migrations.RunPython.noop, refuse_with_subscribers),
    ]

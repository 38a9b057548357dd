"""Stored neighbour scores of the embedding take its language gap across languages.

Lists stored before held the plain cosine; the article page now ranks by a score that adds the
backend's language gap (discovery/related/backends.py) when the two articles are in different
languages, and drops scores under a floor. This adds the gap to the entries already stored, so
pages rank them right at once; which neighbours a list holds changes only as articles are
published (or all at once with `newsdesk rebuild_related`, which embeds nothing again).
"""

from django.db import migrations

# The gaps when this was written, per stored model name (a migration does not follow the code).
GAPS = {"e5-small-q4": 0.06}
BATCH = 500


def _primary(language: str) -> str:
    return (language or "").split("-")[0].lower()


def _shift(apps, sign: int) -> None:
    ArticleVector = apps.get_model("discovery", "ArticleVector")
    Article = apps.get_model("articles", "Article")
    for model, gap in GAPS.items():
        last = 0
        while True:
            rows = list(
                ArticleVector.objects.filter(model=model, pk__gt=last)
                .order_by("pk")
                .only("pk", "article_id", "neighbours")[:BATCH]
            )
            if not rows:
                break
            last = rows[-1].pk
            ids = {row.article_id for row in rows}
            ids |= {entry[0] for row in rows for entry in row.neighbours}
            language = {
                pk: _primary(tag)
                for pk, tag in Article.objects.filter(pk__in=ids).values_list("pk", "language")
            }
            for row in rows:
                own = language.get(row.article_id)
                shifted = [
                    [pk, round(score + sign * gap, 4) if language.get(pk, own) != own else score]
                    for pk, score, *_rest in row.neighbours
                ]
                row.neighbours = sorted(shifted, key=lambda entry: -entry[1])
            ArticleVector.objects.bulk_update(rows, ["neighbours"])


def forwards(apps, schema_editor):
    _shift(apps, +1)


def backwards(apps, schema_editor):
    _shift(apps, -1)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("discovery", "0004_fold_postgresql_search_index"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]

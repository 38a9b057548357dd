"""Re-renders stored article HTML after a change of the Markdown pipeline (table alignment is
now a class, since the CSP blocks inline styles)."""

from django.db import migrations


def rerender(apps, schema_editor):
    from newsdesk.articles.markdown import render_markdown  # loading the migration graph imports no app code

    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("pk", "body").iterator():
        Article.objects.filter(pk=article.pk).update(body_html=render_markdown(article.body))


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_article_claimed_at_article_claimed_by_and_more")]
    operations = [migrations.RunPython(rerender, migrations.RunPython.noop)]

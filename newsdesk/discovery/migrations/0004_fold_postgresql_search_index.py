"""PostgreSQL's search index: English, German and `simple` text without diacritics from now on
(discovery.search.postgresql.FOLDED_CONFIGURATIONS), so the stored vectors are made again.
Nothing to do on SQLite, whose index already folded them."""

from django.db import migrations


def refold(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from newsdesk.discovery.search import rebuild  # loading the migration graph imports no app code

    rebuild()


class Migration(migrations.Migration):
    dependencies = [("discovery", "0003_search_index")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop)]

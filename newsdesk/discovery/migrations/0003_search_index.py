"""The full-text search index (newsdesk.discovery.search): plain tables, no Django model.

SQLite: a narrow document table for filters and an FTS5 table of words stemmed in Python.
PostgreSQL: one table whose rows hold the filter columns and a weighted tsvector, with a GIN
index. No foreign keys: the index is derived data, and test databases are emptied with
TRUNCATE without CASCADE, which a referencing table would refuse.
"""

from django.db import migrations

SQLITE = [
    """CREATE TABLE discovery_search_document (
        article_id INTEGER PRIMARY KEY,
        language VARCHAR(35) NOT NULL,
        section_id INTEGER NOT NULL,
        author_id INTEGER NOT NULL,
        kind VARCHAR(20) NOT NULL,
        published_at DATETIME NOT NULL
    )""",
    "CREATE INDEX discovery_search_document_language ON discovery_search_document (language)",
    """CREATE VIRTUAL TABLE discovery_search_fts USING fts5(
        title, lead, meta, body, tokenize = 'unicode61 remove_diacritics 2'
    )""",
]
SQLITE_DROP = [
    "DROP TABLE IF EXISTS discovery_search_fts",
    "DROP TABLE IF EXISTS discovery_search_document",
]
POSTGRESQL = [
    """CREATE TABLE discovery_search_document (
        article_id BIGINT PRIMARY KEY,
        language VARCHAR(35) NOT NULL,
        section_id BIGINT NOT NULL,
        author_id BIGINT NOT NULL,
        kind VARCHAR(20) NOT NULL,
        published_at TIMESTAMP WITH TIME ZONE NOT NULL,
        config VARCHAR(63) NOT NULL,
        vector TSVECTOR NOT NULL
    )""",
    "CREATE INDEX discovery_search_document_language ON discovery_search_document (language)",
    "CREATE INDEX discovery_search_document_vector ON discovery_search_document USING gin (vector)",
]
POSTGRESQL_DROP = ["DROP TABLE IF EXISTS discovery_search_document"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def fill_index(apps, schema_editor):
    # Articles published before this migration are found at once, without a manual rebuild.
    from newsdesk.discovery.search import rebuild  # loading the migration graph imports no app code

    rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_rerender_bodies"),
        ("discovery", "0002_article_vector"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        ),
        migrations.RunPython(fill_index, migrations.RunPython.noop),
    ]

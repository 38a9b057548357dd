from django.db import connection

from newsdesk.core.tasks import optimize_database_task


def _has_statistics() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        return cursor.fetchone()[0] == 1


def test_optimize_gathers_planner_statistics_on_sqlite(db):
    if connection.vendor != "sqlite":
        optimize_database_task()  # nothing to do, and no error
        return
    assert not _has_statistics()
    optimize_database_task()
    assert _has_statistics()

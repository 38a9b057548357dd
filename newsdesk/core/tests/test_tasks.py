import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsdesk.core.tasks import optimize_database_task

pytestmark = pytest.mark.django_db


def _has_statistics() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        return cursor.fetchone()[0] == 1


class OptimizeDatabaseTaskTests:
    @pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's statistics table")
    def test_gathers_planner_statistics_on_sqlite(self):
        """On SQLite the daily task leaves the planner statistics (sqlite_stat1) behind that
        make it prefer the primary key for `visible_articles().filter(pk__in=...)`."""
        assert not _has_statistics()
        optimize_database_task()
        assert _has_statistics()

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
    def test_runs_no_statement_on_postgresql(self):
        """On PostgreSQL the task deliberately does nothing: autovacuum runs ANALYZE on every
        table that changed enough, so a daily ANALYZE of every table would only repeat its work.
        Asserted so that a statement added here is a decision, not an accident."""
        with CaptureQueriesContext(connection) as queries:
            optimize_database_task.call_local()
        assert [q["sql"] for q in queries.captured_queries] == []

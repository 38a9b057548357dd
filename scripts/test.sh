#!/usr/bin/env bash
# Every test on SQLite, then the database-dependent tests on PostgreSQL when DATABASE_URL names
# it (always under CI=true, against the PostgreSQL on 127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# Three processes by default (pytest-xdist) on CI's two cores: the tests wait for browsers,
# subprocesses and database flushes often enough that a third keeps both cores busy (SQLite run
# 6:00 instead of about 7 minutes, PostgreSQL run 3:38 instead of 4:49). TEST_WORKERS=0: inline.
XDIST=(-n "${TEST_WORKERS:-3}")

echo "== tests on SQLite"
DATABASE_URL= "$BIN/pytest" "${XDIST[@]}" newsdesk "$@"

pg_url="${DATABASE_URL:-}"
if [[ "$pg_url" != postgres* && "${CI:-}" == "true" ]]; then
  pg_url="postgres://postgres@127.0.0.1:5432/newsdesk"
fi
# The tests whose outcome depends on the database: raw SQL (search, near-duplicates), locking
# and leases (transitions, newsletter sending and subscribing, reports, webhook deliveries),
# date and aggregate functions (transparency counts, feeds, sitemaps, the API's date filters
# and lists), the query counts of the list pages, SQLite's own maintenance task, and every page
# by role once (a query PostgreSQL refuses anywhere on the site). Permission matrices and the
# actions by role, the page cache, settings read from the environment, mail parsing and browser
# tests run once, on SQLite: nothing in them asks the database for more than rows by key.
PG_TESTS=(
  newsdesk/discovery
  newsdesk/newsletter/tests/test_sending.py newsdesk/newsletter/tests/test_exactly_once.py
  newsdesk/newsletter/tests/test_subscribe.py
  newsdesk/editorial/tests/test_actions.py newsdesk/editorial/tests/test_takedown.py
  newsdesk/webhooks/tests/test_leases.py newsdesk/webhooks/tests/test_exactly_once.py
  newsdesk/reports/tests/test_workflow.py
  newsdesk/reports/tests/test_transparency.py newsdesk/reports/tests/test_queries.py
  newsdesk/articles/tests/test_views.py newsdesk/articles/tests/test_feeds.py
  newsdesk/articles/tests/test_sitemaps.py
  newsdesk/core/tests/test_tasks.py
  newsdesk/core/tests/test_endpoint_matrix.py::test_every_endpoint_by_every_role
  newsdesk/api/tests/test_articles.py newsdesk/api/tests/test_lists.py
)
if [[ "$pg_url" == postgres* ]]; then
  echo "== database-dependent tests on PostgreSQL ($pg_url)"
  DATABASE_URL="$pg_url" "$BIN/pytest" "${XDIST[@]}" "${PG_TESTS[@]}" -m "not browser" "$@"
fi

#!/usr/bin/env bash
# Every test on SQLite, then the database-backed tests on PostgreSQL when DATABASE_URL names it
# (always under CI=true, against the PostgreSQL on 127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
# Two processes by default (pytest-xdist): CI machines have two cores. TEST_WORKERS=0 runs inline.
XDIST=(-n "${TEST_WORKERS:-2}")

echo "== tests on SQLite"
DATABASE_URL= "$BIN/pytest" "${XDIST[@]}" newsdesk "$@"

pg_url="${DATABASE_URL:-}"
if [[ "$pg_url" != postgres* && "${CI:-}" == "true" ]]; then
  pg_url="postgres://postgres@127.0.0.1:5432/newsdesk"
fi
if [[ "$pg_url" == postgres* ]]; then
  echo "== database-backed tests on PostgreSQL ($pg_url)"
  DATABASE_URL="$pg_url" "$BIN/pytest" "${XDIST[@]}" newsdesk -m "not browser" "$@"
fi

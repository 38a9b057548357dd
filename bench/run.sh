#!/usr/bin/env bash
# make bench: the article page under load, against nginx serving the same bytes as a static file.
#
# Builds a throwaway embedded instance (SQLite, file page cache) with the demo content, starts
# granian exactly as production does, and measures with wrk, all on 127.0.0.1:
#
#   article_rps               cached article page through granian + FrontCache
#   static_rps                nginx serving the same HTML bytes as a file (the ceiling)
#   article_to_static_ratio   article_rps / static_rps
#   article_uncached_rps      same page with PAGE_CACHE=0: full Django view, template, queries
#   api_articles_list_rps     anonymous GET /api/v1/articles/?limit=20 through granian + FrontCache
#   api_articles_list_uncached_rps  the same with PAGE_CACHE=0: DRF, throttle, queries, JSON
#   web_worker_rss_mb         max peak RSS (VmHWM) of the granian worker processes
#
# stdout carries only the `BENCH <name> <value> <unit>` lines; progress goes to stderr.
# See bench/README.md. Knobs (environment): BENCH_ARTICLE_PATH, BENCH_API_PATH, BENCH_DURATION,
# BENCH_WARMUP, BENCH_WEB_ONLY=1 (only the figures above, not the Python benchmarks after them).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/.venv/bin
HELPERS=("$BIN/python" "$ROOT/bench/helpers.py")

ARTICLE_PATH=${BENCH_ARTICLE_PATH:-/de/articles/waermepumpen-foerderung-analyse/}
API_PATH=${BENCH_API_PATH:-/api/v1/articles/?limit=20}
DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
WRK=(wrk -t2 -c32 --timeout 10s) # a long timeout: the uncached page is slow under 32 connections
GRANIAN=(
  "$BIN/granian" --interface wsgi --host 127.0.0.1 --workers 2 --blocking-threads 1 --no-ws
  --log-level warning --no-access-log
)

# Only the BENCH lines go to the real stdout (fd 3); everything else, ours or a tool's, to stderr.
exec 3>&1 1>&2

log() { echo "bench: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}
helper() { "${HELPERS[@]}" "$@"; }

[[ -x $BIN/granian && -x $BIN/newsdesk ]] || die "no .venv with granian; run 'make install' first"

# --- 1. tools: nginx and wrk, installed with apt-get when missing ------------------------------
find_nginx() { command -v nginx || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true; }

install_missing() {
  local pkgs=()
  command -v wrk >/dev/null || pkgs+=(wrk)
  [[ -n $(find_nginx) ]] || pkgs+=(nginx)
  [[ -x /usr/sbin/smtp-sink ]] || pkgs+=(postfix)
  ((${#pkgs[@]})) || return 0
  local sudo=()
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || die "missing ${pkgs[*]} and not root (no sudo) to install them"
    sudo=(sudo -n)
  fi
  command -v apt-get >/dev/null || die "missing ${pkgs[*]} and no apt-get to install them"
  log "installing ${pkgs[*]} with apt-get"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  local i
  for i in "${!pkgs[@]}"; do
    # nginx-light (enough for a static file) where the release still has it, else nginx.
    if [[ ${pkgs[$i]} == nginx ]] &&
      apt-cache policy nginx-light 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      pkgs[i]=nginx-light
    fi
  done
  # postfix only for its smtp-sink: install it without setting up a mail server.
  echo "postfix postfix/main_mailer_type select No configuration" |
    "${sudo[@]}" debconf-set-selections
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}"
}
install_missing
NGINX=$(find_nginx)
[[ -n $NGINX ]] || die "nginx not found after installing it"
command -v wrk >/dev/null || die "wrk not found after installing it"

# --- cleanup: every process we start and the temp dir, whatever happens ------------------------
TMP=$(mktemp -d -t newsdesk-bench.XXXXXX)
PIDS=() # processes we started (granian mains, nginx master)
cleanup() {
  local rc=$? pid i
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "process $pid did not stop on TERM; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  # Workers left behind by a main process that had to be killed.
  for pid in "${CHILD_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
  exit "$rc"
}
CHILD_PIDS=()
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# nginx's workers run as "nobody" when we are root: let them reach the page (not list the dir).
chmod 711 "$TMP"

# --- 2. a throwaway embedded instance with the demo content ------------------------------------
# Production-like embedded mode: DEBUG off, a real secret key, nothing inherited from the caller.
unset DATABASE_URL REDIS_URL EMAIL_URL EMAIL_HOST MEDIA_ROOT PAGE_CACHE HUEY_IMMEDIATE \
  SECURE_SSL_REDIRECT LOG_LEVEL NEWSDESK_HOME
export NEWSDESK_VAR=$TMP/var
export DEBUG=0
export SITE_URL=http://127.0.0.1:8000
SECRET_KEY=$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(64))')
export SECRET_KEY
export SERVE_MEDIA=1
# wrk comes from one address: the API's anonymous limit (600/m) would answer 429 within a second.
# The throttle still runs (and counts in the file cache) on every uncached API request.
export API_ANONYMOUS_RATE=100000000/m
export PYTHONDONTWRITEBYTECODE=1

log "instance in $NEWSDESK_VAR: migrate, loaddemo (renditions made inline)"
"$BIN/newsdesk" migrate --noinput -v0
HUEY_IMMEDIATE=1 "$BIN/newsdesk" loaddemo

# --- 3. granian, exactly as production runs it -------------------------------------------------
mapfile -t PORTS < <(helper free-ports 3)
PORT_CACHED=${PORTS[0]} PORT_UNCACHED=${PORTS[1]} PORT_NGINX=${PORTS[2]}

start_granian() { # NAME PORT [VAR=VALUE...]; sets STARTED_PID
  local name=$1 port=$2
  shift 2
  env "$@" "${GRANIAN[@]}" --port "$port" newsdesk.wsgi:application >"$TMP/$name.log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  if ! helper wait-http "http://127.0.0.1:$port/healthz" --pid "$STARTED_PID" --timeout 60; then
    cat "$TMP/$name.log" >&2
    die "$name granian did not start"
  fi
  mapfile -t -O "${#CHILD_PIDS[@]}" CHILD_PIDS < <(helper children "$STARTED_PID")
  log "$name granian pid $STARTED_PID on port $port"
}
start_granian granian-cached "$PORT_CACHED"
GRANIAN_CACHED=$STARTED_PID
start_granian granian-uncached "$PORT_UNCACHED" PAGE_CACHE=0
GRANIAN_UNCACHED=$STARTED_PID

ARTICLE_URL=http://127.0.0.1:$PORT_CACHED$ARTICLE_PATH
UNCACHED_URL=http://127.0.0.1:$PORT_UNCACHED$ARTICLE_PATH
STATIC_URL=http://127.0.0.1:$PORT_NGINX/page.html
API_URL=http://127.0.0.1:$PORT_CACHED$API_PATH
API_UNCACHED_URL=http://127.0.0.1:$PORT_UNCACHED$API_PATH

# --- 4. warm the page cache, save the exact bytes, serve them with nginx -----------------------
mkdir -m 755 "$TMP/www"
helper fetch "$ARTICLE_URL" --out "$TMP/miss.html" --expect-header X-Page-Cache=miss
helper fetch "$ARTICLE_URL" --out "$TMP/www/page.html" --expect-header X-Page-Cache=hit \
  --same-as "$TMP/miss.html"
chmod 644 "$TMP/www/page.html"
# The PAGE_CACHE=0 server neither stores nor answers from the page cache.
helper fetch "$UNCACHED_URL" --out "$TMP/uncached.html" --expect-header X-Page-Cache=
helper fetch "$UNCACHED_URL" --out "$TMP/uncached.html" --expect-header X-Page-Cache=
# The API list: stored by the first request, answered from the store by the second.
helper fetch "$API_URL" --out "$TMP/api-miss.json" --expect-header X-Page-Cache=miss
helper fetch "$API_URL" --out "$TMP/api-hit.json" --expect-header X-Page-Cache=hit \
  --same-as "$TMP/api-miss.json"
helper fetch "$API_UNCACHED_URL" --out "$TMP/api-uncached.json" --expect-header X-Page-Cache=

mkdir -p "$TMP/nginx"
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path $TMP/nginx/client_body;
    proxy_temp_path $TMP/nginx/proxy;
    fastcgi_temp_path $TMP/nginx/fastcgi;
    uwsgi_temp_path $TMP/nginx/uwsgi;
    scgi_temp_path $TMP/nginx/scgi;
    server {
        listen 127.0.0.1:$PORT_NGINX;
        root $TMP/www;
        location = /page.html { default_type text/html; }
        location / { return 404; }
    }
}
EOF
NGINX_ARGS=(-p "$TMP/nginx" -c "$TMP/nginx/nginx.conf")
# -e (1.19.5+) keeps nginx from opening its default error log before reading the config.
if "$NGINX" -h 2>&1 | grep -q -- ' -e '; then NGINX_ARGS+=(-e "$TMP/nginx/error.log"); fi
"$NGINX" "${NGINX_ARGS[@]}" -t -q || die "nginx rejected $TMP/nginx/nginx.conf"
"$NGINX" "${NGINX_ARGS[@]}" &
PIDS+=("$!")
if ! helper wait-http "$STATIC_URL" --pid "$!" --timeout 30; then
  cat "$TMP/nginx/error.log" >&2
  die "nginx did not start"
fi
helper fetch "$STATIC_URL" --out "$TMP/static-check.html" --same-as "$TMP/www/page.html"
log "nginx pid $! on port $PORT_NGINX ($("$NGINX" -v 2>&1))"

# --- 5. wrk: a warm-up run (not reported), then the measured run --------------------------------
measure() { # NAME URL; prints requests/sec
  local name=$1 url=$2
  log "$name: warm-up ${WARMUP}, then ${WRK[*]} -d$DURATION $url"
  "${WRK[@]}" -d"$WARMUP" "$url" >"$TMP/$name-warmup.txt"
  "${WRK[@]}" -d"$DURATION" --latency "$url" >"$TMP/$name.txt"
  cat "$TMP/$name.txt" >&2
  helper wrk-rps "$TMP/$name.txt"
}
log "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
ARTICLE_RPS=$(measure article "$ARTICLE_URL")
STATIC_RPS=$(measure static "$STATIC_URL")
UNCACHED_RPS=$(measure article_uncached "$UNCACHED_URL")
API_RPS=$(measure api_articles_list "$API_URL")
API_UNCACHED_RPS=$(measure api_articles_list_uncached "$API_UNCACHED_URL")
RATIO=$(helper ratio "$ARTICLE_RPS" "$STATIC_RPS")

# The page must still be served from the cache after the run (nothing purged it meanwhile).
helper fetch "$ARTICLE_URL" --out "$TMP/after.html" --expect-header X-Page-Cache=hit
helper fetch "$API_URL" --out "$TMP/api-after.json" --expect-header X-Page-Cache=hit

# --- 6. peak RSS of the web workers (both servers, so the uncached render path counts) ---------
RSS_MB=$(helper peak-rss "$GRANIAN_CACHED" "$GRANIAN_UNCACHED")

# --- 7. the figures ----------------------------------------------------------------------------
{
  echo "BENCH article_rps $ARTICLE_RPS req/s"
  echo "BENCH static_rps $STATIC_RPS req/s"
  echo "BENCH article_to_static_ratio $RATIO ratio"
  echo "BENCH article_uncached_rps $UNCACHED_RPS req/s"
  echo "BENCH api_articles_list_rps $API_RPS req/s"
  echo "BENCH api_articles_list_uncached_rps $API_UNCACHED_RPS req/s"
  echo "BENCH web_worker_rss_mb $RSS_MB MB"
} >&3

if [[ ${BENCH_WEB_ONLY:-0} == 1 ]]; then exit 0; fi

# Submission checks and the near-duplicate index over 100,000 generated articles (its own
# temporary instance; a minute or two).
"$BIN/python" "$ROOT/bench/duplicates.py" >&3

# Newsletter delivery: 100,000 subscribers, two send_issue workers, Postfix's smtp-sink.
"$BIN/python" "$ROOT/bench/newsletter.py" >&3

# Search over 100,000 generated articles, SQLite FTS5 and PostgreSQL full-text search.
"$BIN/python" "$ROOT/bench/search.py" >&3

# Related articles: precision@5 of both backends on the evaluation set, and the work done at
# publish against 100,000 stored vectors.
"$BIN/python" "$ROOT/bench/related.py" >&3

# Webhooks: 5,000 events through a `newsdesk deliver_webhooks` worker to a local receiver.
"$BIN/python" "$ROOT/bench/webhooks.py" >&3

# Federation: signed POSTs to the inbox through granian, and one article's Create delivered to
# 2,000 shared inboxes on a local receiver.
"$BIN/python" "$ROOT/bench/federation.py" >&3

#!/bin/sh
# Two `vitrina serve` instances on one PostgreSQL database behind HAProxy (Debian's
# package), for instances.spec.mjs:
#   sh serve-two-instances.sh LB_PORT
# The instances listen on LB_PORT+1 and LB_PORT+2; HAProxy on LB_PORT sends each request
# to the next instance in turn (no stickiness) and names it in `X-Served-By` (a or b).
# Prints "ready" when the balancer answers; stops everything and drops the database on
# SIGTERM. Exits 77 when PostgreSQL or haproxy is not there (the spec then skips loudly).
set -eu
cd "$(dirname "$0")/.."
lb=${1:-3400}
a=$((lb + 1))
b=$((lb + 2))
admin=${VITRINA_TEST_PG:-postgres://postgres@127.0.0.1:5432/postgres}
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
if [ "$admin" = off ] || ! [ -x "$haproxy" ] || ! command -v psql >/dev/null; then
  echo "no PostgreSQL or no haproxy: the two-instance test cannot run" >&2
  exit 77
fi
name="vitrina_lb_$$"
psql -q "$admin" -c "CREATE DATABASE $name" >/dev/null || exit 77
url="${admin%/*}/$name"
dir=$(mktemp -d)
pids=""
stop() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap 'stop; exit 0' TERM INT
trap stop EXIT

export DATABASE_URL="$url"
# One folder for attached files, as a shared volume would be.
export VITRINA_DATA_DIR="$dir"
export VITRINA_DEMO_PRODUCTS=200
export VITRINA_LOG=warn
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
bin="${VITRINA_BIN:-target/debug/vitrina}"
"$bin" demo >/dev/null
LEPTOS_SITE_ADDR="127.0.0.1:$a" "$bin" serve >"$dir/a.log" 2>&1 &
pids="$pids $!"
LEPTOS_SITE_ADDR="127.0.0.1:$b" "$bin" serve >"$dir/b.log" 2>&1 &
pids="$pids $!"

cat >"$dir/haproxy.cfg" <<EOF
global
    maxconn 4000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    # Every request is balanced on its own: no stickiness, so the two instances take
    # turns serving each browser.
    option http-server-close
frontend vitrina
    bind 127.0.0.1:$lb
    default_backend apps
backend apps
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    http-response set-header X-Served-By %s
    server a 127.0.0.1:$a check inter 500ms
    server b 127.0.0.1:$b check inter 500ms
EOF
"$haproxy" -f "$dir/haproxy.cfg" -db >"$dir/haproxy.log" 2>&1 &
pids="$pids $!"

# Ready when both instances are (HAProxy's checks then pass) and the balancer answers.
for _ in $(seq 1 240); do
  if curl -sf "http://127.0.0.1:$a/readyz" >/dev/null && curl -sf "http://127.0.0.1:$b/readyz" >/dev/null \
    && curl -sf "http://127.0.0.1:$lb/readyz" >/dev/null; then
    sleep 1.2
    echo ready
    while :; do sleep 1; done
  fi
  sleep 0.25
done
echo "the instances or the balancer did not start; logs:" >&2
cat "$dir/a.log" "$dir/b.log" "$dir/haproxy.log" >&2
exit 1

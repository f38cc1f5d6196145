#!/bin/sh
# Starts the server the browser tests talk to: a fresh SQLite file with the demo chain.
# VITRINA_BIN and LEPTOS_SITE_ROOT may point at another build (as .ci/test does).
set -eu
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
export DATABASE_URL="sqlite://$dir/e2e.db?mode=rwc"
export VITRINA_DATA_DIR="$dir"
export LEPTOS_SITE_ADDR="127.0.0.1:${VITRINA_E2E_PORT:-3100}"
export VITRINA_DEMO_PRODUCTS="${VITRINA_DEMO_PRODUCTS:-300}"
# Holds last 72 h; warn about every hold at once and sweep each second (notify.spec).
export VITRINA_HOLD_WARN_HOURS="${VITRINA_HOLD_WARN_HOURS:-100}"
export VITRINA_SWEEP_SECONDS="${VITRINA_SWEEP_SECONDS:-1}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
# Where the database is, for tests that run `vitrina check` on it (offline.spec).
echo "$DATABASE_URL" > "${TMPDIR:-/tmp}/vitrina-e2e-${VITRINA_E2E_PORT:-3100}.db-url"
# Campaign mail goes to a real SMTP server on loopback (aiosmtpd, tests/smtp_sink.py),
# which stops when this process (the server, after exec) does; campaigns.spec reads what
# it received from the file named in vitrina-e2e-PORT.mail.
port=${VITRINA_E2E_PORT:-3100}
smtp_port=$((port + 25))
mail="$dir/mail.jsonl"
echo "$mail" > "${TMPDIR:-/tmp}/vitrina-e2e-$port.mail"
python3 server/tests/smtp_sink.py "$smtp_port" "$mail" 0 $$ >/dev/null &
export VITRINA_SMTP_URL="smtp://127.0.0.1:$smtp_port"
export VITRINA_MAIL_FROM="Vitrina <shop@vitrina.example>"
exec "${VITRINA_BIN:-target/debug/vitrina}" serve --demo

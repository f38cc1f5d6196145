# Shared by the .ci scripts: paths, pinned tool versions, idempotent installs.
# Sourced, not run. Everything installs only when missing or at the wrong version.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$CARGO_TARGET_DIR/site}"
BINARYEN_VERSION=132
PLAYWRIGHT_CHROMIUM=/usr/bin/chromium

# Every step's header carries the seconds since the CI run began (CI_T0, shared with the
# scripts .ci/test calls), so a log gives the run's breakdown: `grep '^==>' log`.
export CI_T0="${CI_T0:-$(date +%s)}"
step() { printf '\n==> [%ss] %s\n' "$(( $(date +%s) - CI_T0 ))" "$*"; }

# wasm-bindgen must equal the version in Cargo.lock exactly.
locked_wasm_bindgen() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

setup_build_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  local want; want=$(locked_wasm_bindgen)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    step "installing wasm-bindgen-cli $want (a few minutes, once)"
    # --locked fails for 0.2.130 (a locked dependency is gone from the registry).
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

# wasm-opt shrinks release bundles; Debian's binaryen is too old, so it comes from npm.
# Without npm the bundle is built unoptimised (bigger, still correct). Returns 1 then.
setup_wasm_opt() {
  if wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then return 0; fi
  if ! command -v npm >/dev/null; then
    echo "warning: npm not found; skipping wasm-opt (install Node.js for a smaller bundle)" >&2
    return 1
  fi
  step "installing binaryen $BINARYEN_VERSION (wasm-opt) from npm"
  npm install -g --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
}

# poppler's pdftotext: the documents tests read generated PDFs back with it.
setup_pdf_tools() {
  if command -v pdftotext >/dev/null; then return 0; fi
  step "installing Debian's poppler-utils (pdftotext)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq poppler-utils
}

# HAProxy, the load balancer in front of two instances in instances.spec.mjs (Debian's).
setup_lb_tools() {
  if command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ]; then return 0; fi
  step "installing Debian's haproxy (the load balancer of the two-instance test)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq haproxy
  # Only the test starts it, with its own configuration.
  $SUDO systemctl disable --now haproxy >/dev/null 2>&1 || $SUDO service haproxy stop >/dev/null 2>&1 || true
}

# A real SMTP server for the campaign tests (server/tests/smtp_sink.py): aiosmtpd, from
# PyPI (Debian's python3-aiosmtpd serves the system python, not pyenv's).
setup_smtp_tools() {
  if python3 -c "import aiosmtpd" 2>/dev/null; then return 0; fi
  step "installing aiosmtpd (an SMTP server for the campaign tests) from PyPI"
  python3 -m pip install -q aiosmtpd
}

# An S3-compatible server for the file store's test: moto's, from PyPI, on loopback.
start_s3() {
  if ! command -v moto_server >/dev/null; then
    step "installing moto (an S3-compatible test server) from PyPI"
    python3 -m pip install -q "moto[server]" || { echo "warning: no moto; the S3 test will not run" >&2; return 0; }
  fi
  local port=5055
  if ! curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    moto_server -p "$port" >/tmp/vitrina-moto.log 2>&1 &
    local pid=$!
    trap "kill $pid 2>/dev/null || true" EXIT
    for _ in $(seq 1 50); do
      curl -s -o /dev/null "http://127.0.0.1:$port/" && break
      sleep 0.2
    done
  fi
  export VITRINA_TEST_S3="http://127.0.0.1:$port"
}

setup_browser_tools() {
  if [ ! -x "$PLAYWRIGHT_CHROMIUM" ]; then
    step "installing Debian's chromium"
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium
  fi
  if [ ! -d "$ROOT/end2end/node_modules/@playwright/test" ]; then
    step "installing Playwright (no browser download)"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
}

#!/usr/bin/env bash
# Installs what this machine lacks to run Showcart locally: Debian packages (PostgreSQL,
# Redis, ffmpeg), the pinned LiveKit server and stripe-mock built from Go modules into
# .tools/bin, and the npm dependencies; with SHOWCART_TEST_TOOLS=1 also what only the tests
# use (Chromium for browser tests, versitygw as an S3 store). Safe to run again: it only adds
# what is missing. Stops with a message naming what cannot be installed, never silently.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
# shellcheck source=versions.env
source infra/local/versions.env
tools="$root/.tools/bin"
mkdir -p "$tools"

say() { printf '\033[1m[install]\033[0m %s\n' "$*" >&2; }
fail() {
  printf '\033[31m[install] %s\033[0m\n' "$*" >&2
  printf '[install] Without these, run the whole platform with: docker compose up\n' >&2
  exit 1
}

# Node.js 20.19+ (or 22.12+) is what Vite and the test runner need.
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)||(a===20&&b>=19)||a===21?0:1)' \
  || fail "Node.js $(node -v) is too old: install Node.js 20.19+ or 22.12+."

missing=()
have_pg() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
have_pg || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
# The built-in recorder encodes live shows into HLS replays with ffmpeg.
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
if [ "${SHOWCART_TEST_TOOLS:-}" = 1 ]; then
  command -v chromium >/dev/null || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi liberation || missing+=(fonts-liberation)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  elif command -v apt-get >/dev/null && command -v sudo >/dev/null; then
    say "installing Debian packages with sudo: ${missing[*]}"
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    fail "missing: ${missing[*]}. Install them with your package manager (Debian: apt-get install ${missing[*]})."
  fi
fi

go_tool() { # name module version
  local name=$1 module=$2 version=$3 stamp="$tools/.$1.version"
  if [ -x "$tools/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then return; fi
  command -v go >/dev/null || fail "Go 1.26+ is needed to build $module@$version (https://go.dev/dl)."
  say "building $module@$version with Go (first time only; this can take a few minutes)"
  GOBIN="$tools" GOFLAGS=-mod=mod go install "$module@$version"
  echo "$version" >"$stamp"
}
go_tool server "$LIVEKIT_SERVER_MODULE" "$LIVEKIT_SERVER_VERSION"
go_tool stripe-mock "$STRIPE_MOCK_MODULE" "$STRIPE_MOCK_VERSION"
# The tests' S3-compatible store, for recordings kept in a bucket.
if [ "${SHOWCART_TEST_TOOLS:-}" = 1 ]; then
  go_tool versitygw "$VERSITYGW_MODULE" "$VERSITYGW_VERSION"
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

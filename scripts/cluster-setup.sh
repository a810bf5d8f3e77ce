#!/usr/bin/env bash
# Installs what the cluster stack (`npm run stack:cluster`, `npm run test:cluster`) needs on
# top of scripts/setup.sh, idempotently and only from package registries:
#   1. PostgreSQL (Debian's `postgresql`, with contrib: the visibility schema needs btree_gin);
#   2. a Go toolchain new enough for the Temporal server: the machine's Go (>= 1.21) fetches
#      the pinned one through the Go module proxy (GOTOOLCHAIN); a Go too old for that (Debian
#      12's golang-1.19) downloads the toolchain module itself;
#   3. the Temporal server and its schema tool (temporal-sql-tool, installed as `sql`), built
#      once into .tools/temporal-server/bin at the version of deploy/temporal/temporal.json and
#      reused while that version stays. Go's module and build caches (~/go, ~/.cache/go-build)
#      are the machine's usual ones, so a fresh clone on a machine that built before links in
#      seconds; a cold build takes ~7 CPU-minutes (~17 min wall on 2 cores).
# A second run takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[cluster-setup] %s\n' "$*"; }
setting() { node -e "process.stdout.write(String(require('./deploy/temporal/temporal.json').$1))"; }
SERVER_VERSION=$(setting serverVersion)
GO_TOOLCHAIN=$(setting goToolchain)
TSRV=$PWD/.tools/temporal-server
export DEBIAN_FRONTEND=noninteractive

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    log "missing $*: install it with apt-get as root (apt-get install -y $*)"; exit 1
  fi
  # Another apt run (e.g. setup.sh installing chromium) may hold the lock: wait for it.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
}

# 1. PostgreSQL
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! ls /usr/share/postgresql/*/extension/btree_gin.control >/dev/null 2>&1; then
  log "installing PostgreSQL (apt: postgresql)"
  apt_install postgresql
fi
log "PostgreSQL $(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1 | cut -d/ -f5) present"

# 2 + 3. The server and the schema tool, when missing or of another version.
built() { [ -x "$TSRV/bin/$1" ] && "$TSRV/bin/$1" --version 2>/dev/null | grep -q "version $SERVER_VERSION\$"; }
if built server && built sql; then
  log "Temporal server $SERVER_VERSION and temporal-sql-tool present in .tools/temporal-server/bin"
  exit 0
fi

if command -v go >/dev/null && go version | grep -Eq 'go1\.(2[1-9]|[3-9][0-9])'; then
  GO=(env "GOTOOLCHAIN=$GO_TOOLCHAIN" go)
else
  # Go 1.19 (Debian 12) ignores GOTOOLCHAIN: fetch the toolchain module with it instead.
  arch=$(dpkg --print-architecture)
  [ -x /usr/lib/go-1.19/bin/go ] || { log "installing golang-1.19-go (apt) to bootstrap $GO_TOOLCHAIN"; apt_install --no-install-recommends golang-1.19-go; }
  gopath=$(/usr/lib/go-1.19/bin/go env GOPATH)
  tc=$gopath/pkg/mod/golang.org/toolchain@v0.0.1-$GO_TOOLCHAIN.linux-$arch
  if [ ! -x "$tc/bin/go" ]; then
    empty=$(mktemp -d)
    (cd "$empty" && GOFLAGS=-modcacherw /usr/lib/go-1.19/bin/go mod download "golang.org/toolchain@v0.0.1-$GO_TOOLCHAIN.linux-$arch")
    rmdir "$empty"
    chmod -R u+x "$tc/bin" "$tc/pkg/tool"   # module zips drop the exec bits
  fi
  GO=(env GOTOOLCHAIN=local "$tc/bin/go")
fi
log "go: $("${GO[@]}" version)"

mkdir -p "$TSRV/bin"
start=$(date +%s)
for tool in server sql; do
  if ! built "$tool"; then
    pkg=go.temporal.io/server/cmd/server
    [ "$tool" = sql ] && pkg=go.temporal.io/server/cmd/tools/sql
    log "building $tool $SERVER_VERSION from the Go module proxy (cold caches: ~17 min on 2 cores; warm: seconds)"
    GOBIN=$TSRV/bin "${GO[@]}" install "$pkg@v$SERVER_VERSION"
  fi
done
log "built in $(( $(date +%s) - start )) s: $("$TSRV/bin/server" --version)"

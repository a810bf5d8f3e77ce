#!/usr/bin/env bash
# Configuration check for docker-compose.yml (npm run check:compose; CI runs the same checks
# through test/unit/compose.test.ts). Needs no Docker engine.
#
#  1. If a compose client is installed (the `docker compose` plugin, or a standalone
#     `docker-compose` of Compose v2 or later), `docker compose config --quiet` loads the file
#     the way `up` would: once with the defaults alone and once with .env.example.
#  2. Always: scripts/check-compose.ts — the Compose Specification JSON schema (for machines
#     without a compose client) plus what neither the schema nor `config` checks (pinned image
#     tags, defaults for every ${VAR}, loopback ports, healthchecks behind service_healthy,
#     onex's search attributes).
# Exits non-zero on the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:-docker-compose.yml}"

compose=()
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1 \
  && [ "$(docker-compose version --short 2>/dev/null | cut -d. -f1 | tr -dc 0-9)" -ge 2 ] 2>/dev/null; then
  compose=(docker-compose)
fi

if [ "${#compose[@]}" -gt 0 ]; then
  echo "check-compose: $("${compose[@]}" version --short 2>/dev/null | head -n1 | sed 's/^/compose /') found: running config --quiet"
  # Defaults alone (--env-file /dev/null: a developer's own .env does not decide the result),
  # then with the values of .env.example.
  "${compose[@]}" --project-directory "$PWD" --env-file /dev/null -f "$file" config --quiet
  "${compose[@]}" --project-directory "$PWD" --env-file .env.example -f "$file" config --quiet
else
  echo "check-compose: no compose client (docker compose) installed: schema check only"
fi

exec npx --no-install tsx scripts/check-compose.ts "$file"

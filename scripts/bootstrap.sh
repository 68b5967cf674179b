#!/usr/bin/env bash
# Shared first half of `npm start` and `npm test`: everything that must exist before any
# TypeScript can run. Sourced, so DOCKER_HOST stays exported for what follows.
#   - Node.js new enough
#   - system packages and the container engine service (setup-system.sh)
#   - npm dependencies, installed when node_modules is missing or older than the lock file
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
node_minor=$(node -p 'process.versions.node.split(".")[1]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ] || { [ "$node_major" -eq 20 ] && [ "$node_minor" -lt 12 ]; }; then
  echo "[setup] error: Node.js 20.12 or newer is needed (found $(node -v 2>/dev/null || echo none)). Install Node.js 20 LTS." >&2
  exit 1
fi

# shellcheck source=setup-system.sh
source "$root/scripts/setup-system.sh"

# Dependencies: the stamp is the hash of the lock file (it records every workspace's
# dependencies), so a pull that changes them reinstalls and a plain restart skips npm.
deps_hash=$(sha256sum package-lock.json | cut -c1-16)
stamp=node_modules/.kubelab-deps-$deps_hash
if [ ! -e "$stamp" ]; then
  echo "[setup] installing npm dependencies (npm ci; a few minutes the first time)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  rm -f node_modules/.kubelab-deps-*
  touch "$stamp"
fi
export PATH="$root/node_modules/.bin:$PATH"

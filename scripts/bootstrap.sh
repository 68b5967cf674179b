#!/usr/bin/env bash
# Shared first half of `npm start` and `npm test`: everything that must exist before any
# TypeScript can run. Sourced, so DOCKER_HOST stays exported for what follows.
#   - Node.js new enough
#   - system packages and the container engine service (setup-system.sh)
#   - npm dependencies, installed when node_modules is missing or older than the lock file
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

# The one Node.js requirement is package.json's "engines.node" (npm warns from it too). It is read
# here with Node itself: no semver package is installed yet, and the range is comparators joined
# by spaces and "||". Old syntax on purpose, so an old Node reaches the message instead of a crash.
node_check=$(node -e '
var range = require("./package.json").engines.node;
var have = process.versions.node.split(".").map(Number);
function compare(a, b) { for (var i = 0; i < 3; i++) { var d = (a[i] || 0) - (b[i] || 0); if (d) return d; } return 0; }
var ok = range.split("||").some(function (set) {
  return set.trim().split(/\s+/).every(function (comparator) {
    var m = /^(>=|<=|>|<|=)?v?(\d+(?:\.\d+){0,2})$/.exec(comparator);
    if (!m) throw new Error("package.json engines.node: cannot read " + comparator);
    var d = compare(have, m[2].split(".").map(Number));
    return m[1] === ">=" ? d >= 0 : m[1] === "<=" ? d <= 0 : m[1] === ">" ? d > 0 : m[1] === "<" ? d < 0 : d === 0;
  });
});
console.log(ok ? "ok" : range);
' 2>&1 || true)
if [ "$node_check" != ok ]; then
  echo "[setup] error: Node.js ${node_check:-(none)} is needed, as package.json's engines say (found $(node -v 2>/dev/null || echo none)). Install a Node.js release in that range." >&2
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

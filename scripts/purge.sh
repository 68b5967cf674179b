#!/usr/bin/env bash
# npm run purge: ends every sandbox of this install and removes its containers, state and images.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
exec tsx scripts/purge.ts "$@"

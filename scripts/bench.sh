#!/usr/bin/env bash
# npm run bench: prints the platform's speed and memory figures (no pass/fail thresholds).
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
exec tsx scripts/bench.ts "$@"

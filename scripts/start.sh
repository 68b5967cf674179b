#!/usr/bin/env bash
# npm start: installs what is missing, prepares, builds and runs the whole platform
# (web app + lab-runner on the embedded provider). See scripts/start.ts for the second half.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
exec tsx scripts/start.ts "$@"

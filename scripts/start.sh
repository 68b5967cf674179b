#!/usr/bin/env bash
# npm start: installs what is missing, prepares, builds and runs the whole platform
# (web app + lab-runner on the embedded provider). See scripts/start.ts for the second half.
set -euo pipefail
source "$(dirname "$0")/bootstrap.sh"
# node itself (not the tsx CLI wrapper), so this process is npm's direct child and notices
# when npm goes away (npm does not pass SIGTERM on to its script).
exec node --import tsx scripts/start.ts "$@"

#!/usr/bin/env bash
# npm test: every test, through the real parts (Podman, kubectl, Chromium, databases).
# The system half is shared with npm start; scripts/test.ts runs the suites.
set -euo pipefail
export KUBELAB_WITH_TEST_PACKAGES=1
source "$(dirname "$0")/bootstrap.sh"
exec tsx scripts/test.ts "$@"

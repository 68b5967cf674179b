#!/usr/bin/env bash
# npm run e2e -- [playwright args]: some of the end-to-end tests, on a throwaway platform.
set -euo pipefail
export KUBELAB_WITH_TEST_PACKAGES=1
source "$(dirname "$0")/bootstrap.sh"
exec tsx scripts/e2e.ts "$@"

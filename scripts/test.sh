#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest; under CI also the sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release
# Two at a time on a 2-core machine: the end-to-end tests spend most of their time waiting on
# short runs and watchdogs, and no verdict depends on timing.
ctest --preset release -j2 --timeout 300
# The ASan+UBSan and TSan builds and their tests (scripts/sanitizers.sh) take longer than the
# release build and tests together, so they run when CI asks (CI sets CI=true) or when
# CONTEND_SANITIZERS=1; a developer's ./scripts/test.sh runs just the release tests above.
case "${CI:-}" in "" | false | 0) ci=no ;; *) ci=yes ;; esac
if [ "$ci" = yes ] || [ "${CONTEND_SANITIZERS:-0}" = 1 ]; then
  ./scripts/sanitizers.sh all
else
  echo "test: sanitizers skipped; run ./scripts/sanitizers.sh [asan|tsan] (or CONTEND_SANITIZERS=1 ./scripts/test.sh)" >&2
fi

#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release
# Two at a time on a 2-core machine: the end-to-end tests spend most of their time waiting on
# short runs and watchdogs, and no verdict depends on timing.
ctest --preset release -j2 --timeout 300

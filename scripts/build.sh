#!/usr/bin/env bash
# Configures and builds one CMake preset (default: release). Used by demo.sh, test.sh and the
# benchmark scripts so that all of them build the same way.
set -euo pipefail
preset="${1:-release}"
cd "$(dirname "$0")/.."
if [ ! -f "build/$preset/CMakeCache.txt" ]; then
  cmake --preset "$preset" >/dev/null
fi
cmake --build --preset "$preset" -- -j"$(nproc)" >&2

#!/usr/bin/env bash
# The default comparison: every lock and semaphore primitive at 1, 2 and 4 workers, on threads
# and on forked processes. Installs what is missing, builds Release, prints the tables and
# writes results/lock and results/semaphore (CSV, JSON, one .hgrm per configuration).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release
contend=build/release/cli/contend

rm -rf results.tmp && mkdir -p results.tmp
common=(-p all -w 1,2,4 --mode both -d 250ms --warmup 50ms -r 3)
status=0
echo "== lock: every primitive, 1/2/4 workers, threads and processes (3 x 250 ms each)"
"$contend" run lock "${common[@]}" -o results.tmp/lock || status=$?
echo
echo "== semaphore: every primitive, 2 permits, 1/2/4 workers, threads and processes"
"$contend" run semaphore "${common[@]}" --permits 2 -o results.tmp/semaphore || status=$?
rm -rf results && mv results.tmp results
echo
echo "Wrote results/lock and results/semaphore: results.csv, results.json, and one .hgrm per configuration."
exit "$status"

#!/usr/bin/env bash
# The default comparison: a representative of each kind of lock (kernel-assisted, spinning,
# FIFO spinning, our hybrid, and the baselines) and every semaphore at 1, 2 and 4 workers, on
# threads and on forked processes, then the reader-writer locks at 4 workers. Installs what is
# missing, builds Release, prints the tables and writes results/lock, results/semaphore and
# results/rw (CSV, JSON, one .hgrm per configuration). `contend list` shows everything else.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release
contend=build/release/cli/contend

rm -rf results.tmp && mkdir -p results.tmp
common=(-w 1,2,4 --mode both -d 120ms --warmup 30ms -r 3)
locks=std-mutex,pthread-mutex,pthread-adaptive,ttas-backoff,ticket,mcs,hybrid,atomic-add,nolock
status=0
echo "== lock: $locks"
echo "   1/2/4 workers on 2 cores, threads and processes, 3 x 120 ms each"
"$contend" run lock -p "$locks" "${common[@]}" -o results.tmp/lock || status=$?
echo
echo "== semaphore: every primitive, 2 permits, 1/2/4 workers, threads and processes"
"$contend" run semaphore -p all "${common[@]}" --permits 2 -o results.tmp/semaphore || status=$?
echo
echo "== rw: every reader-writer lock, 4 workers, 90% reads, threads and processes"
"$contend" run rw -p all -w 4 --mode both -d 120ms --warmup 30ms -r 3 -o results.tmp/rw || status=$?
rm -rf results && mv results.tmp results
echo
echo "Wrote results/lock, results/semaphore and results/rw: results.csv, results.json, and one .hgrm"
echo "per configuration."
exit "$status"

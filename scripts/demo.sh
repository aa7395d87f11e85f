#!/usr/bin/env bash
# The default comparison: a representative of each kind of lock (kernel-assisted, spinning,
# FIFO spinning, our hybrid, and the baselines) and every semaphore at 1, 2 and 4 workers, on
# threads and on forked processes, then the reader-writer locks at 4 workers, then our queues
# against the peer libraries' and a pipe with one producer and one consumer. Installs what is
# missing, builds Release, prints the tables and writes results/lock, results/semaphore,
# results/rw and results/queue (CSV, JSON, one .hgrm per configuration). `contend list` shows
# everything else.
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
echo
queues=ring,spsc-ring,monitor-queue,moodycamel,atomic-queue,boost-lockfree,tbb-bounded,pipe-queue
echo "== queue: $queues"
echo "   1 producer, 1 consumer, threads and processes (peer libraries: threads only)"
"$contend" run queue -p "$queues" --mode both -d 120ms --warmup 30ms -r 3 -o results.tmp/queue || status=$?
rm -rf results && mv results.tmp results
echo
echo "Wrote results/lock, results/semaphore, results/rw and results/queue: results.csv, results.json,"
echo "and one .hgrm per configuration."
exit "$status"

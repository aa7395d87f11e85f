#!/usr/bin/env bash
# The queues' performance targets, each measured side by side in one contend
# invocation (repetitions interleaved: round 1 of every queue, then round 2, ...), as the median
# over rounds of the per-round ratio.
#
#   1. 1 producer, 1 consumer, pinned to the 2 cores: ring >= 0.9x the fastest peer library's
#      queue, and >= 3x the blocking monitor queue
#   2. 4 producers, 4 consumers on 2 cores, --wait yield: ring >= 0.5x the best peer
#   3. processes: the round trip through two rings (pingpong ring-pair) <= 3x the cache-line
#      round trip (pingpong spin-flag), and >= 10x faster than a pipe (pingpong pipe); p50s
# Prints a Markdown table (the README's queue section) and exits 1 if a target fails.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release
contend=build/release/cli/contend
reps=${REPS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

peers=moodycamel,atomic-queue,optimist-atomic-queue,boost-lockfree,tbb-bounded
echo "1/3: 1 producer, 1 consumer, pinned" >&2
"$contend" run queue -p "ring,spsc-ring,monitor-queue,$peers" --pin spread -d 300ms --warmup 50ms -r "$reps" --format json >"$out/one.json" || true
echo "2/3: 4 producers, 4 consumers on 2 cores, --wait yield" >&2
"$contend" run queue -p "ring,monitor-queue,$peers" --producers 4 --consumers 4 --wait yield -d 300ms --warmup 50ms -r "$reps" --format json >"$out/many.json" || true
echo "3/3: round trips across processes" >&2
"$contend" run pingpong -p spin-flag,ring-pair,pipe --mode processes --pin spread -d 300ms --warmup 50ms -r "$reps" --format json >"$out/trip.json" || true

PYTHONPATH=scripts/bench python3 - "$out" "$reps" "$peers" <<'PY'
import statistics, sys
from targets import Results, Targets, ratio, THROUGHPUT, P50, P99, P999, JAIN, CPU
results, targets, peers = Results(sys.argv[1]), Targets(int(sys.argv[2])), sys.argv[3].split(",")
per = results.per_round

def best_peer(path):
    """The peer with the highest median items/s, and its per-round figures."""
    measured = [(p, per(path, f"/{p}/", "items_per_second")) for p in peers]
    measured = [(p, v) for p, v in measured if v]
    return max(measured, key=lambda pv: statistics.median(pv[1].values())) if measured else ("-", {})

ring = per("one.json", "/ring/", "items_per_second")
name, peer = best_peer("one.json")
targets.check(f"1p1c pinned: ring / fastest peer ({name}) items/s", ratio(ring, peer), ">= 0.9", lambda r: r >= 0.9)
targets.check("1p1c pinned: ring / monitor-queue items/s",
              ratio(ring, per("one.json", "/monitor-queue/", "items_per_second")), ">= 3", lambda r: r >= 3)
name, peer = best_peer("many.json")
targets.check(f"4p4c on 2 cores, --wait yield: ring / best peer ({name}) items/s",
              ratio(per("many.json", "/ring/", "items_per_second"), peer), ">= 0.5", lambda r: r >= 0.5)
trip = per("trip.json", "/ring-pair/", "p50")
targets.check("processes: ring-pair / spin-flag round trip p50", ratio(trip, per("trip.json", "/spin-flag/", "p50")),
              "<= 3", lambda r: r <= 3)
targets.check("processes: pipe / ring-pair round trip p50", ratio(per("trip.json", "/pipe/", "p50"), trip), ">= 10",
              lambda r: r >= 10)

targets.print()
# The full tables behind the ratios, medians over rounds.
columns = [THROUGHPUT, P50, P99, P999, JAIN, CPU]
results.table("one.json", "1 producer, 1 consumer, pinned (--pin spread); latency is enqueue to dequeue:", columns)
results.table("many.json", "4 producers, 4 consumers on 2 cores, --wait yield:", columns)
results.table("trip.json", "Round trips across processes (pingpong; an operation is one handoff, latency a round trip):",
              columns)
sys.exit(1 if targets.failed else 0)
PY

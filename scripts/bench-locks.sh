#!/usr/bin/env bash
# The lock catalogue's performance targets, each measured side by side in one
# contend invocation (repetitions interleaved: round 1 of every primitive, then round 2, ...),
# as the median over rounds of the per-round ratio.
#
#   1. 2 workers pinned to the 2 cores, empty critical section: best own spinlock >= 1.2x std-mutex
#   2. 8 workers on 2 cores: hybrid >= 0.9x std-mutex throughput, hybrid p99.9 <= 2x std-mutex's
#   3. uncontended (1 worker, --sample 0): hybrid ns/op <= std-mutex's
#   4. 2 workers: pthread-robust-pshared and hybrid on processes within 1.25x of their thread-mode
#      throughput (process / thread >= 0.8)
# Prints a Markdown table (scripts/bench/MEASURED.md) and exits 1 if a target fails.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release
contend=build/release/cli/contend
reps=${REPS:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

spins=tas,ttas,ttas-backoff,ticket,mcs,anderson,spin-yield
echo "1/4: 2 pinned workers, empty critical section" >&2
"$contend" run lock -p "std-mutex,$spins" -w 2 --pin spread -d 300ms --warmup 50ms -r "$reps" --format json >"$out/pinned.json" || true
echo "2/4: 8 workers on 2 cores" >&2
# ttas-backoff and ticket ride along to show what pure spinning does here; only std-mutex and
# hybrid enter the ratios.
"$contend" run lock -p std-mutex,hybrid,ttas-backoff,ticket -w 8 -d 500ms --warmup 100ms -r "$reps" --format json >"$out/over.json" || true
echo "3/4: uncontended" >&2
"$contend" run lock -p std-mutex,hybrid -w 1 --sample 0 -d 300ms --warmup 50ms -r "$reps" --format json >"$out/uncontended.json" || true
echo "4/4: processes against threads" >&2
"$contend" run lock -p pthread-robust-pshared,hybrid -w 2 --mode both -d 300ms --warmup 50ms -r "$reps" --format json >"$out/modes.json" || true

PYTHONPATH=scripts/bench python3 - "$out" "$reps" <<'PY'
import sys
from targets import Results, Targets, ratio, THROUGHPUT, NS_PER_OP, P999, JAIN, CPU
results, targets = Results(sys.argv[1]), Targets(int(sys.argv[2]))
per = results.per_round

# 1. best own spinlock vs std-mutex, pinned, 2 workers
mutex = per("pinned.json", "/std-mutex/", "items_per_second")
best = max(((s, ratio(per("pinned.json", f"/{s}/", "items_per_second"), mutex))
            for s in "tas ttas ttas-backoff ticket mcs anderson spin-yield".split()),
           key=lambda x: -1 if x[1][0] is None else x[1][0])
targets.check(f"2 pinned workers: best own spinlock ({best[0]}) / std-mutex throughput", best[1], ">= 1.2",
              lambda r: r >= 1.2)

# 2. oversubscribed
targets.check("8 workers on 2 cores: hybrid / std-mutex throughput",
              ratio(per("over.json", "/hybrid/", "items_per_second"), per("over.json", "/std-mutex/", "items_per_second")),
              ">= 0.9", lambda r: r >= 0.9)
targets.check("8 workers on 2 cores: hybrid / std-mutex p99.9 acquire latency",
              ratio(per("over.json", "/hybrid/", "p99.9"), per("over.json", "/std-mutex/", "p99.9")), "<= 2",
              lambda r: r <= 2)

# 3. uncontended cost
targets.check("uncontended: hybrid / std-mutex ns per lock+unlock",
              ratio(per("uncontended.json", "/hybrid/", "real_time"), per("uncontended.json", "/std-mutex/", "real_time")),
              "<= 1.0", lambda r: r <= 1.0)

# 4. processes vs threads
for p in ("pthread-robust-pshared", "hybrid"):
    targets.check(f"2 workers: {p} processes / threads throughput",
                  ratio(per("modes.json", f"/{p}/processes/", "items_per_second"),
                        per("modes.json", f"/{p}/threads/", "items_per_second")),
                  ">= 0.8", lambda r: r >= 0.8)

targets.print()
# The full tables behind the ratios, medians over rounds.
columns = [THROUGHPUT, NS_PER_OP, P999, JAIN, CPU]
results.table("pinned.json", "2 workers pinned (--pin spread), empty critical section:", columns)
results.table("over.json", "8 workers on 2 cores (oversubscribed):", columns)
results.table("uncontended.json", "1 worker, no latency sampling (uncontended lock+unlock):", columns)
results.table("modes.json", "2 workers, threads and processes:", columns)
sys.exit(1 if targets.failed else 0)
PY

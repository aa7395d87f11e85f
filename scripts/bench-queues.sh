#!/usr/bin/env bash
# Issue 4's performance targets for the queues, each measured side by side in one contend
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

python3 - "$out" "$reps" "$peers" <<'PY'
import json, statistics, sys
out, reps, peers = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(",")

def per_rep(path, name_part, field):
    """{repetition_index: value} for the configuration whose name contains name_part."""
    j = json.load(open(f"{out}/{path}"))
    vals = {}
    for b in j["benchmarks"]:
        if b["run_type"] != "iteration" or name_part not in b["name"]:
            continue
        v = b["latency_ns"]["p50"] if field == "p50" else b[field]
        if v is not None:
            vals[b["repetition_index"]] = v
    return vals

def ratio(a, b):
    """Median over rounds of a[i] / b[i], with the range."""
    rs = [a[i] / b[i] for i in sorted(set(a) & set(b)) if b[i]]
    if not rs:
        return None, None, None
    return statistics.median(rs), min(rs), max(rs)

def best_peer(path):
    """The peer with the highest median throughput, and its per-round figures."""
    best = None
    for p in peers:
        v = per_rep(path, f"/{p}/", "items_per_second")
        if v and (best is None or statistics.median(v.values()) > statistics.median(best[1].values())):
            best = (p, v)
    return best

rows, failed = [], False
def row(label, med, lo, hi, target, ok):
    global failed
    if med is None:
        rows.append(f"| {label} | not measured | | {target} | FAIL |"); failed = True; return
    rows.append(f"| {label} | {med:.3f} | {lo:.3f}..{hi:.3f} | {target} | {'pass' if ok else 'FAIL'} |")
    failed = failed or not ok

ring = per_rep("one.json", "/ring/", "items_per_second")
peer = best_peer("one.json")
r = ratio(ring, peer[1]) if peer else (None, None, None)
row(f"1p1c pinned: ring / fastest peer ({peer[0] if peer else '-'}) items/s", *r, ">= 0.9", r[0] is not None and r[0] >= 0.9)
r = ratio(ring, per_rep("one.json", "/monitor-queue/", "items_per_second"))
row("1p1c pinned: ring / monitor-queue items/s", *r, ">= 3", r[0] is not None and r[0] >= 3)

peer = best_peer("many.json")
r = ratio(per_rep("many.json", "/ring/", "items_per_second"), peer[1]) if peer else (None, None, None)
row(f"4p4c on 2 cores, --wait yield: ring / best peer ({peer[0] if peer else '-'}) items/s", *r, ">= 0.5", r[0] is not None and r[0] >= 0.5)

ring_trip = per_rep("trip.json", "/ring-pair/", "p50")
r = ratio(ring_trip, per_rep("trip.json", "/spin-flag/", "p50"))
row("processes: ring-pair / spin-flag round trip p50", *r, "<= 3", r[0] is not None and r[0] <= 3)
r = ratio(per_rep("trip.json", "/pipe/", "p50"), ring_trip)
row("processes: pipe / ring-pair round trip p50", *r, ">= 10", r[0] is not None and r[0] >= 10)

print(f"| target (median of {reps} interleaved rounds) | ratio | range | target | verdict |")
print("|---|---|---|---|---|")
print("\n".join(rows))

# The full tables behind the ratios, medians over rounds.
def table(path, title):
    j = json.load(open(f"{out}/{path}"))
    print(f"\n{title}\n")
    print("| configuration | Mops/s | p50 | p99 | p99.9 | Jain | CPU s/Mop | status |")
    print("|---|---|---|---|---|---|---|---|")
    for c in j["contend"]["configurations"]:
        s = c["summary"]
        def med(k, scale=1.0, fmt="{:.3g}"):
            v = s.get(k)
            return "—" if not v else fmt.format(v["median"] * scale)
        print(f"| {c['name']} | {med('throughput_ops_per_s', 1e-6)} | {med('latency_p50_ns', 1, '{:.0f} ns')} | {med('latency_p99_ns', 1, '{:.0f} ns')} | {med('latency_p99_9_ns', 1, '{:.0f} ns')} | {med('jain_fairness', 1, '{:.3f}')} | {med('cpu_s_per_million_ops')} | {c['status']} |")
table("one.json", "1 producer, 1 consumer, pinned (--pin spread); latency is enqueue to dequeue:")
table("many.json", "4 producers, 4 consumers on 2 cores, --wait yield:")
table("trip.json", "Round trips across processes (pingpong; an operation is one handoff, latency a round trip):")
sys.exit(1 if failed else 0)
PY

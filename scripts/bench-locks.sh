#!/usr/bin/env bash
# Issue 3's performance targets for the lock catalogue, each measured side by side in one
# contend invocation (repetitions interleaved: round 1 of every primitive, then round 2, ...),
# as the median over rounds of the per-round ratio.
#
#   1. 2 workers pinned to the 2 cores, empty critical section: best own spinlock >= 1.2x std-mutex
#   2. 8 workers on 2 cores: hybrid >= 0.9x std-mutex throughput, hybrid p99.9 <= 2x std-mutex's
#   3. uncontended (1 worker, --sample 0): hybrid ns/op <= std-mutex's
#   4. 2 workers: pthread-robust-pshared and hybrid on processes within 1.25x of their thread-mode
#      throughput (process / thread >= 0.8)
# Prints a Markdown table (the README's "What it measures here") and exits 1 if a target fails.
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

python3 - "$out" "$reps" <<'PY'
import json, statistics, sys
out, reps = sys.argv[1], int(sys.argv[2])

def per_rep(path, name_part, field):
    """{repetition_index: value} for the configuration whose name contains name_part."""
    j = json.load(open(f"{out}/{path}"))
    vals = {}
    for b in j["benchmarks"]:
        if b["run_type"] != "iteration" or name_part not in b["name"]:
            continue
        v = b[field] if field != "p99.9" else b["latency_ns"]["p99.9"]
        if v is not None:
            vals[b["repetition_index"]] = v
    return vals

def ratio(a, b):
    """Median over rounds of a[i] / b[i], with the range."""
    rs = [a[i] / b[i] for i in sorted(set(a) & set(b)) if b[i]]
    if not rs:
        return None, None, None
    return statistics.median(rs), min(rs), max(rs)

rows, failed = [], False
def row(label, med, lo, hi, target, ok):
    global failed
    if med is None:
        rows.append(f"| {label} | not measured | | {target} | FAIL |"); failed = True; return
    rows.append(f"| {label} | {med:.3f} | {lo:.3f}..{hi:.3f} | {target} | {'pass' if ok else 'FAIL'} |")
    failed = failed or not ok

# 1. best own spinlock vs std-mutex, pinned, 2 workers
mutex = per_rep("pinned.json", "/std-mutex/", "items_per_second")
best = None
for s in "tas ttas ttas-backoff ticket mcs anderson spin-yield".split():
    r = ratio(per_rep("pinned.json", f"/{s}/", "items_per_second"), mutex)
    if r[0] is not None and (best is None or r[0] > best[1][0]):
        best = (s, r)
if best:
    row(f"2 pinned workers: best own spinlock ({best[0]}) / std-mutex throughput", *best[1], ">= 1.2", best[1][0] >= 1.2)
else:
    row("2 pinned workers: best own spinlock / std-mutex throughput", None, None, None, ">= 1.2", False)

# 2. oversubscribed
m, h = per_rep("over.json", "/std-mutex/", "items_per_second"), per_rep("over.json", "/hybrid/", "items_per_second")
r = ratio(h, m); row("8 workers on 2 cores: hybrid / std-mutex throughput", *r, ">= 0.9", r[0] is not None and r[0] >= 0.9)
r = ratio(per_rep("over.json", "/hybrid/", "p99.9"), per_rep("over.json", "/std-mutex/", "p99.9"))
row("8 workers on 2 cores: hybrid / std-mutex p99.9 acquire latency", *r, "<= 2", r[0] is not None and r[0] <= 2)

# 3. uncontended cost
r = ratio(per_rep("uncontended.json", "/hybrid/", "real_time"), per_rep("uncontended.json", "/std-mutex/", "real_time"))
row("uncontended: hybrid / std-mutex ns per lock+unlock", *r, "<= 1.0", r[0] is not None and r[0] <= 1.0)

# 4. processes vs threads
for p in ("pthread-robust-pshared", "hybrid"):
    r = ratio(per_rep("modes.json", f"/{p}/processes/", "items_per_second"), per_rep("modes.json", f"/{p}/threads/", "items_per_second"))
    row(f"2 workers: {p} processes / threads throughput", *r, ">= 0.8", r[0] is not None and r[0] >= 0.8)

print(f"| target (median of {reps} interleaved rounds) | ratio | range | target | verdict |")
print("|---|---|---|---|---|")
print("\n".join(rows))

# The full tables behind the ratios, medians over rounds.
def table(path, title):
    j = json.load(open(f"{out}/{path}"))
    print(f"\n{title}\n")
    print("| configuration | Mops/s | ns/op | p99.9 | Jain | CPU s/Mop | status |")
    print("|---|---|---|---|---|---|---|")
    for c in j["contend"]["configurations"]:
        s = c["summary"]
        def med(k, scale=1.0, fmt="{:.3g}"):
            v = s.get(k)
            return "—" if not v else fmt.format(v["median"] * scale)
        print(f"| {c['name']} | {med('throughput_ops_per_s', 1e-6)} | {med('ns_per_op')} | {med('latency_p99_9_ns', 1, '{:.0f} ns')} | {med('jain_fairness', 1, '{:.3f}')} | {med('cpu_s_per_million_ops')} | {c['status']} |")
table("pinned.json", "2 workers pinned (--pin spread), empty critical section:")
table("over.json", "8 workers on 2 cores (oversubscribed):")
table("uncontended.json", "1 worker, no latency sampling (uncontended lock+unlock):")
table("modes.json", "2 workers, threads and processes:")
sys.exit(1 if failed else 0)
PY

#!/usr/bin/env bash
# Issue 19's RabbitMQ targets for amqp-queue, on one private broker in one script run:
#  1. a prefetch sweep, 1 / 10 / 100 / 1000: items delivered a second rise from prefetch 1 (a
#     consumer waits a round trip for each message) and flatten at the top (the broker, not the
#     consumer's round trips, is the limit: 1000 within 25% of 100), while the end-to-end latency
#     grows with it (messages wait in the consumers' buffers: p50 at 1000 above p50 at 10). One
#     producer with publisher confirms (window 100), two consumers acking after --consume-ns of
#     work, closed loop on a queue bounded at the queue workload's --capacity (1024 ready
#     messages: x-max-length, reject-publish; unacked ones do not count), so that the latency is
#     the steady state's and not a backlog that grows for as long as the run lasts; RUNS
#     repetitions (default 3) each, interleaved by contend's rounds.
#  2. a PerfTest-style latency line at a fixed rate (open loop: --rate per producer, latency from
#     when each message was due): min, median, 75th, 95th, 99th percentile of the end-to-end
#     latency, every message timed (--sample 1), as RabbitMQ's PerfTest prints its consumer
#     latency, so a user can compare with the tool they know.
# Prints Markdown; exits 1 when target 1's shape is not there, or a delivery check fails. Starts
# the broker with scripts/servers.sh (its own directory and ports) and stops it on exit. About a
# minute and a half.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
./scripts/build.sh release >/dev/null
contend=build/release/cli/contend
runs=${RUNS:-3}
consume_ns=${CONSUME_NS:-20000}
rate=${RATE:-2000}
out=$(mktemp -d)
chmod 755 "$out"  # the broker runs as the rabbitmq user, which must reach its directory under it
export CONTEND_SERVERS_DIR="$out/servers"
export CONTEND_AMQP_PORT=${CONTEND_AMQP_PORT:-27672}
trap './scripts/servers.sh stop all >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
./scripts/servers.sh start rabbitmq
url=$(./scripts/servers.sh address rabbitmq)

"$contend" run queue -p amqp-queue --amqp "$url" --producers 1 --consumers 2 --prefetch 1,10,100,1000 \
  --consume-ns "$consume_ns" -d 3s --warmup 300ms -r "$runs" --format csv >"$out/sweep.csv"
"$contend" run queue -p amqp-queue --amqp "$url" --producers 1 --consumers 2 --prefetch 100 --rate "$rate" \
  --sample 1 -d 5s --warmup 500ms -r 1 -o "$out/latency" >/dev/null

python3 - "$out" "$runs" "$consume_ns" "$rate" <<'PY'
import csv, glob, statistics, sys
out, runs, consume_ns, rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rows = list(csv.DictReader(open(f"{out}/sweep.csv")))
failed = [r for r in rows if r["status"] != "ok"]
by = {}
for r in rows:
    # The CSV leaves a knob at its default empty: prefetch 100.
    by.setdefault(int(r["prefetch"] or 100), []).append(r)

def med(rs, key):
    # None when no repetition measured it (no latency sample: every item delivered in the window
    # was published in the warmup, before the backlog behind it).
    v = [float(r[key]) for r in rs if r[key] != ""]
    return statistics.median(v) if v else None

def us(ns):
    return "not measured" if ns is None else f"{ns / 1e3:,.0f} µs"

def spread(rs, key, scale=1.0):
    v = sorted(float(r[key]) / scale for r in rs)
    return f"{v[0]:,.0f}–{v[-1]:,.0f}"

print(f"### Prefetch sweep: 1 producer (confirms, window 100), 2 consumers, {consume_ns / 1000:g} µs of work a message, "
      f"a queue of 1,024 ready messages at most, 3 s, median of {runs} (min–max)\n")
print("| prefetch | items/s | latency p50 | latency p99 |")
print("|---:|---:|---:|---:|")
for p in sorted(by):
    rs = by[p]
    print(f"| {p} | {med(rs, 'throughput_ops_per_s'):,.0f} ({spread(rs, 'throughput_ops_per_s')}) "
          f"| {us(med(rs, 'latency_p50_ns'))} | {us(med(rs, 'latency_p99_ns'))} |")
tp = {p: med(by[p], "throughput_ops_per_s") for p in by}
p50 = {p: med(by[p], "latency_p50_ns") for p in by}
rises = tp[10] > 1.2 * tp[1]
flattens = tp[1000] < 1.25 * tp[100]
grows = p50[1000] is not None and p50[10] is not None and p50[1000] > p50[10]
print()
print(f"- throughput rises from prefetch 1 to 10: {tp[10] / tp[1]:.2f}× — {'met' if rises else 'MISSED'} (> 1.2×)")
print(f"- and flattens from 100 to 1000: {tp[1000] / tp[100]:.2f}× — {'met' if flattens else 'MISSED'} (< 1.25×)")
print(f"- latency grows with prefetch: p50 {us(p50[10])} at 10, {us(p50[1000])} at 1000 — "
      f"{'met' if grows else 'MISSED'}")
if not grows:
    print("  (the queue holds 1,024 ready messages, and each consumer up to `prefetch` more: at 1000 they wait "
          "in the consumers' buffers as well as in the queue)")
if failed:
    print(f"- {len(failed)} repetitions did not end ok: {sorted(set(r['status'] + ' ' + r['status_detail'] for r in failed))}")

# PerfTest prints "consumer latency min/median/75th/95th/99th" in µs; here from the .hgrm file.
hgrm = sorted(glob.glob(f"{out}/latency/*.hgrm"))[0]
points = []
for line in open(hgrm):
    parts = line.split()
    if len(parts) == 4 and parts[0][0].isdigit():
        points.append((float(parts[1]), float(parts[0])))
def at(q):
    return next(v for pct, v in points if pct >= q)
print(f"\n### PerfTest-style latency line: 1 producer at {rate:,} messages/s (open loop), 2 consumers, prefetch 100, "
      f"every message timed, 5 s\n")
print(f"consumer latency min/median/75th/95th/99th {points[0][1] / 1e3:,.0f}/{at(0.5) / 1e3:,.0f}/{at(0.75) / 1e3:,.0f}/"
      f"{at(0.95) / 1e3:,.0f}/{at(0.99) / 1e3:,.0f} µs")
sys.exit(0 if rises and flattens and grows and not failed else 1)
PY

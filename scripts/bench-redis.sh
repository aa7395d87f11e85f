#!/usr/bin/env bash
# Issue 18's Redis targets, measured side by side on one private redis-server in one script run:
#  1. one client, uncontended: contend's redis-lock costs at most 1.15 x what redis-benchmark (-c 1)
#     measures for the same two commands — its p50 of `SET key token NX PX 30000` plus its p50 of
#     `EVALSHA` of the same release script — so the client adds no hidden cost. contend's figure
#     is its time per operation (lock + unlock, the loop included: a mean, which is above the p50
#     of the same distribution, so the comparison leans against contend).
#  2. four clients on distinct keys: at least 0.45 x redis-benchmark -c 4's SET requests/s (an
#     operation is two round trips). The four are four `contend run` processes of one worker each,
#     started together: each run has a key space of its own, so no two share a key (one run's
#     workers share its lock's key, which would measure contention instead).
#  3. open loop: redis-lock at 4 workers offered 500 to 4,000 acquisitions a second each
#     (--rate), latency timed from each one's intended start — latency against offered load,
#     which redis-benchmark cannot measure. Printed, no target.
# Redlock against the single instance, and Redlock's restart experiment: scripts/bench-redlock.sh.
#
# RUNS rounds (default 5) of 1 and 2; each runs redis-benchmark, then contend. Prints Markdown
# with medians (min-max); exits 1 when a target is missed. Starts the server with
# scripts/servers.sh (its own directory and port) and stops it on exit. About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
./scripts/build.sh release >/dev/null
contend=build/release/cli/contend
runs=${RUNS:-5}
out=$(mktemp -d)
export CONTEND_SERVERS_DIR="$out/servers"
export CONTEND_REDIS_PORT=${CONTEND_REDIS_PORT:-27379}
trap './scripts/servers.sh stop all >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
./scripts/servers.sh start redis
address=$(./scripts/servers.sh address redis)
port=${address##*:}

release='if redis.call('"'"'get'"'"', KEYS[1]) == ARGV[1] then redis.call('"'"'del'"'"', KEYS[1]) redis.call('"'"'del'"'"', KEYS[2]) redis.call('"'"'rpush'"'"', KEYS[2], '"'"'1'"'"') redis.call('"'"'pexpire'"'"', KEYS[2], ARGV[2]) return 1 end return 0'
sha=$(redis-cli -p "$port" SCRIPT LOAD "$release")

for round in $(seq 1 "$runs"); do
  redis-benchmark -p "$port" -c 1 -n 20000 --csv SET contend:bench:lock tok NX PX 30000 \
    | tail -n 1 >"$out/set-$round.csv"
  redis-benchmark -p "$port" -c 1 -n 20000 --csv EVALSHA "$sha" 2 contend:bench:lock contend:bench:signal tok 30000 \
    | tail -n 1 >"$out/evalsha-$round.csv"
  "$contend" run lock -p redis-lock --redis "$address" -w 1 -d 1s --warmup 100ms -r 1 --format json \
    >"$out/contend-$round.json"
  redis-benchmark -p "$port" -c 4 -n 100000 --csv -t set | tail -n 1 >"$out/set4-$round.csv"
  pids=()
  for client in 1 2 3 4; do
    "$contend" run lock -p redis-lock --redis "$address" -w 1 -d 2s --warmup 100ms -r 1 --format json \
      >"$out/four-$round-$client.json" &
    pids+=($!)
  done
  wait "${pids[@]}"
done
"$contend" run lock -p redis-lock --redis "$address" -w 4 --rate 500,1000,2000,3000,4000 -d 2s --warmup 200ms -r 1 \
  --sample 1 --format json >"$out/open.json"

python3 - "$out" "$runs" <<'PY'
import csv, json, statistics, sys

out, runs = sys.argv[1], int(sys.argv[2])

def p50_us(path):
    row = next(csv.reader(open(path)))
    return float(row[4]) * 1000  # p50_latency_ms

def contend_us(path):
    rep = json.load(open(path))["contend"]["configurations"][0]["repetitions"][0]
    if rep["status"] != "ok":
        raise SystemExit(f"{path}: status {rep['status']}")
    ops = sum(w["operations"] for w in rep["workers"])
    return rep["elapsed_s"] * 1e6 / ops

sets = [p50_us(f"{out}/set-{r}.csv") for r in range(1, runs + 1)]
evals = [p50_us(f"{out}/evalsha-{r}.csv") for r in range(1, runs + 1)]
ours = [contend_us(f"{out}/contend-{r}.json") for r in range(1, runs + 1)]
ratios = [o / (s + e) for o, s, e in zip(ours, sets, evals)]

def spread(v):
    return f"{statistics.median(v):.1f} ({min(v):.1f}-{max(v):.1f})"

print(f"{runs} rounds; medians (min-max)\n")
print("| measured | µs |")
print("|---|---:|")
print(f"| redis-benchmark -c 1, SET NX PX, p50 | {spread(sets)} |")
print(f"| redis-benchmark -c 1, EVALSHA release, p50 | {spread(evals)} |")
print(f"| contend redis-lock -w 1, lock + unlock per operation | {spread(ours)} |")
ratio = statistics.median(ratios)
missed = []
print(f"\n1. contend / (SET p50 + EVALSHA p50): {ratio:.2f} ({min(ratios):.2f}-{max(ratios):.2f}); target <= 1.15")
if ratio > 1.15:
    missed.append("1")

def rps(path):
    return float(next(csv.reader(open(path)))[1])  # "SET","rps",...

def ops_per_s(path):
    rep = json.load(open(path))["contend"]["configurations"][0]["repetitions"][0]
    if rep["status"] != "ok":
        raise SystemExit(f"{path}: status {rep['status']}")
    return sum(w["operations"] for w in rep["workers"]) / rep["elapsed_s"]

bench4 = [rps(f"{out}/set4-{r}.csv") for r in range(1, runs + 1)]
four = [sum(ops_per_s(f"{out}/four-{r}-{c}.json") for c in range(1, 5)) for r in range(1, runs + 1)]
ratios4 = [f / b for f, b in zip(four, bench4)]
print("\n| measured | per second |")
print("|---|---:|")
print(f"| redis-benchmark -c 4 -t set, requests | {spread(bench4)} |")
print(f"| contend redis-lock, 4 processes x 1 worker, distinct keys, lock + unlock | {spread(four)} |")
ratio4 = statistics.median(ratios4)
print(f"\n2. contend operations / redis-benchmark requests: {ratio4:.2f} ({min(ratios4):.2f}-{max(ratios4):.2f}); "
      "target >= 0.45 (two round trips an operation)")
if ratio4 < 0.45:
    missed.append("2")

print("\n3. open loop, redis-lock, 4 workers, latency from each acquisition's intended start\n")
print("| offered per worker /s | offered in all /s | achieved /s | p50 µs | p99 µs | p99.9 µs |")
print("|---:|---:|---:|---:|---:|---:|")
for c in json.load(open(f"{out}/open.json"))["contend"]["configurations"]:
    rate = c["spec"]["rate"]
    rep = c["repetitions"][0]
    achieved = sum(w["operations"] for w in rep["workers"]) / rep["elapsed_s"] if rep["status"] == "ok" else None
    lat = rep.get("latency_ns", {})
    def us(key):
        return f"{lat[key] / 1000:.0f}" if key in lat else "not measured"
    print(f"| {rate} | {4 * rate} | {achieved:.0f} | {us('p50')} | {us('p99')} | {us('p99.9')} |"
          if achieved is not None else f"| {rate} | {4 * rate} | {rep['status']} | | | |")

if missed:
    print(f"targets missed: {', '.join(missed)}", file=sys.stderr)
    sys.exit(1)
print("\ntargets met")
PY

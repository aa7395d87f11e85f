#!/usr/bin/env bash
# Redlock on private redis-servers (scripts/servers.sh start redlock 5), in one script run:
#
#  4. The cost of the quorum: redlock-3 and redlock-5 against redis-lock on one of the same
#     servers, one worker each (uncontended), interleaved RUNS rounds (default 5) of 1 s: the time
#     per lock + unlock and its ratio to the single instance's. No target: the figure is the point.
#
#  The restart experiment (Kleppmann's "How to do distributed locking" against antirez's "Is
#  Redlock safe?"): redlock-3, 3 workers holding the lock 200 ms each time (--cs-ns: long against
#  an instance's restart), while instance 1 is killed (SIGKILL, as a crash) and started again
#  empty, with no persistence, every 0.6 s:
#    at once:  it comes back within ~0.1 s, having forgotten the keys it granted. A holder whose
#              majority included it now has a minority, and the next client can win a majority
#              beside it: overlaps, which stress counts (mutual exclusion, lost updates).
#    delayed:  it stays down for the lock's TTL (2.1 s > kTtlMs 2 s) before it starts, Redlock's
#              "delayed restarts": every key it granted has expired everywhere by then.
#  ROUNDS runs of 10 s each (default 3). Prints, per variant, the runs with an overlap and the
#  overlaps counted. Exits 1 if the delayed restart ever shows one (that is Redlock's claim); the
#  immediate restart showing none is reported, not failed: it needs a holder with exactly a
#  majority that includes the restarted instance, which is a matter of timing.
#
# Starts the servers with scripts/servers.sh (their own directory and ports) and stops them on
# exit. About 2 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
./scripts/build.sh release >/dev/null
contend=build/release/cli/contend
runs=${RUNS:-5}
rounds=${ROUNDS:-3}
out=$(mktemp -d)
export CONTEND_SERVERS_DIR="$out/servers"
export CONTEND_REDIS_PORT=${CONTEND_REDIS_PORT:-28380}
restarter=""
cleanup() {
  [ -n "$restarter" ] && kill "$restarter" 2>/dev/null && wait "$restarter" 2>/dev/null
  ./scripts/servers.sh stop all >/dev/null 2>&1 || true
  rm -rf "$out"
}
trap cleanup EXIT
./scripts/servers.sh start redlock 5
addresses=$(./scripts/servers.sh address redlock)
first=${addresses%%,*}

for round in $(seq 1 "$runs"); do
  for primitive in redis-lock redlock-3 redlock-5; do
    "$contend" run lock -p "$primitive" --redis "$addresses" -w 1 -d 1s --warmup 100ms -r 1 --format json \
      >"$out/$primitive-$round.json"
  done
done

python3 - "$out" "$runs" <<'PY'
import json, statistics, sys

out, runs = sys.argv[1], int(sys.argv[2])

def us_per_op(path):
    rep = json.load(open(path))["contend"]["configurations"][0]["repetitions"][0]
    if rep["status"] != "ok":
        raise SystemExit(f"{path}: status {rep['status']}")
    return rep["elapsed_s"] * 1e6 / sum(w["operations"] for w in rep["workers"])

def spread(v, digits=1):
    return f"{statistics.median(v):.{digits}f} ({min(v):.{digits}f}-{max(v):.{digits}f})"

single = [us_per_op(f"{out}/redis-lock-{r}.json") for r in range(1, runs + 1)]
print(f"{runs} rounds, one worker, uncontended; medians (min-max)\n")
print("| primitive | µs per lock + unlock | × redis-lock |")
print("|---|---:|---:|")
print(f"| redis-lock (one instance) | {spread(single)} | 1 |")
for name in ("redlock-3", "redlock-5"):
    v = [us_per_op(f"{out}/{name}-{r}.json") for r in range(1, runs + 1)]
    ratios = [a / b for a, b in zip(v, single)]
    print(f"| {name} | {spread(v)} | {spread(ratios, 2)} |")
PY

# The restart experiment on three of the five servers.
three=$(echo "$addresses" | cut -d, -f1-3)
restart_loop() {  # delay before the restarted instance starts
  while true; do
    ./scripts/servers.sh restart redlock 1 "$1" >/dev/null 2>&1 || true
    sleep 0.6
  done
}
delayed_overlaps=0
echo
echo "Restart experiment: redlock-3, 3 workers, 200 ms holds, instance 1 killed and restarted empty every 0.6 s; $rounds runs of 10 s each"
echo
echo "| restart | runs with an overlap | overlaps (entries beside another holder) | operations checked |"
echo "|---|---:|---:|---:|"
for variant in "at once:0" "delayed by the TTL:2.1"; do
  label=${variant%%:*}
  delay=${variant##*:}
  runs_with=0
  overlaps=0
  checked=0
  for round in $(seq 1 "$rounds"); do
    restart_loop "$delay" &
    restarter=$!
    rc=0
    "$contend" stress lock -p redlock-3 --redis "$three" -w 3 --cs-ns 200000000 -d 10s --stall 30s \
      --seed "$((500 + round))" >"$out/restart.txt" 2>&1 || rc=$?
    kill "$restarter" 2>/dev/null || true
    wait "$restarter" 2>/dev/null || true
    restarter=""
    # Every instance up again before the next run.
    for address in ${three//,/ }; do
      for _ in $(seq 1 500); do
        [ "$(redis-cli -p "${address##*:}" ping 2>/dev/null)" = PONG ] && break
        sleep 0.01
      done
    done
    # "mutual exclusion (strong|transparent): violation, K in M checked" or "lost updates:
    # violation, K in M checked" (the largest K of the three ways stress sees an overlap), or "no violation in M operations", or (inconclusive: too
    # few operations for a pass) "... (M in all)".
    n=$(grep -E "^ +(mutual exclusion \((strong|transparent)\)|lost updates): violation, [0-9]+ in [0-9]+ checked" "$out/restart.txt" \
      | sed -n 's/.*violation, \([0-9]*\) in [0-9]* checked.*/\1/p' | sort -n | tail -n 1 || true)
    m=$(grep -E "^ +mutual exclusion \((strong|transparent)\): violation, [0-9]+ in [0-9]+ checked" "$out/restart.txt" \
      | sed -n 's/.*violation, [0-9]* in \([0-9]*\) checked.*/\1/p' | head -n 1 || true)
    if [ -z "$m" ]; then
      m=$(grep -o -m1 -E "no violation in [0-9]+ operations|\([0-9]+ in all\)" "$out/restart.txt" | grep -o -E "[0-9]+" | head -n 1 || true)
    fi
    if [ -n "$n" ]; then
      runs_with=$((runs_with + 1))
      overlaps=$((overlaps + n))
    elif [ "$rc" -ne 0 ] && [ "$rc" -ne 4 ]; then
      echo "unexpected verdict (exit $rc):" >&2
      cat "$out/restart.txt" >&2
      exit 1
    fi
    checked=$((checked + ${m:-0}))
  done
  echo "| $label | $runs_with of $rounds | $overlaps | $checked |"
  [ "$delay" = 0 ] || delayed_overlaps=$overlaps
done
if [ "$delayed_overlaps" -ne 0 ]; then
  echo "the delayed restart showed overlaps: Redlock's claim does not hold here" >&2
  exit 1
fi

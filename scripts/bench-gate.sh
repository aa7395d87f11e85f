#!/usr/bin/env bash
# The CI gate's quality: how often `contend ab` over suites/quick.toml cries wolf, and how often
# it catches a real slowdown, on this machine.
#
#   A/A:     A = B = the example plugin's `example-ttas` (tests/plugins/example_plugin.c), loaded
#            twice. Target: at most 1 of 20 trials exits 3 (a false `regressed`). Trials the
#            gate calls inconclusive (exit 4: some configuration noisy) are counted and shown.
#   planted: A = the example plugin, B = tests/plugins/slowed_plugin.c, the same lock with
#            CONTEND_SLOWDOWN_SPINS empty iterations inside the critical section, calibrated first
#            so that B is about 10% slower than A uncontended (1 worker, threads). Target: at
#            least 19 of 20 trials exit 3.
#
# A/A and planted trials alternate, so the machine's drift falls on both alike. Each trial is one
# `contend ab` of the suite's lock runs (1, 2 and 4 workers, threads and processes: 6
# configurations, 10 repetitions per variant, default alpha 0.01 Holm-corrected, threshold 5%).
# Prints a Markdown summary (scripts/bench/MEASURED.md, "The CI gate"): per configuration, the planted change
# as measured (median of the trials' Hodges-Lehmann estimates), how often each verdict came, and
# the half-width of the A/A 95% interval, from which the smallest change the gate can detect
# here follows (threshold + half-width: the whole interval must clear the threshold).
# Exits 1 if a target is missed. TRIALS (default 20), TARGET_SLOWDOWN (default 0.10) and
# SPINS (skip the calibration) can be set in the environment. About 12 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release
contend=build/release/cli/contend
example=build/release/tests/libcontend_example_plugin.so
slowed=build/release/tests/libcontend_slowed_plugin.so
trials=${TRIALS:-20}
target=${TARGET_SLOWDOWN:-0.10}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

ab() {  # ab OUTDIR B-PLUGIN [SUITE [extra options]]: one gate run, A = the example plugin
  local dir=$1 plugin_b=$2 suite=${3:-suites/quick.toml}
  shift 3 || shift $#
  local rc=0
  "$contend" ab "$suite" -p example-ttas --a-plugin "$example" --b-plugin "$plugin_b" -o "$dir" "$@" \
    --format json >"$dir.stdout" 2>"$dir.stderr" || rc=$?
  echo "$rc" >"$dir.rc"
}

# Calibration: the uncontended slowdown is the cleanest to set; measure it for a few spin counts
# (1 worker, threads, 12 repetitions per variant) and interpolate to the target.
spins=${SPINS:-}
if [ -z "$spins" ]; then
  cat >"$out/calibrate.toml" <<'EOF'
name = "calibrate"
[defaults]
mode = "threads"
duration = "70ms"
warmup = "20ms"
[[run]]
workload = "lock"
primitive = "example-ttas"
workers = 1
EOF
  for s in 0 10 20 40; do
    echo "calibrating: CONTEND_SLOWDOWN_SPINS=$s" >&2
    CONTEND_SLOWDOWN_SPINS=$s ab "$out/cal-$s" "$slowed" "$out/calibrate.toml" -r 12
  done
  spins=$(python3 - "$out" "$target" <<'PY'
import json, sys
out, target = sys.argv[1], float(sys.argv[2])
points = []
for s in (0, 10, 20, 40):
    doc = json.load(open(f"{out}/cal-{s}/ab.json"))
    change = doc["configs"][0]["change"]  # new / base - 1 of throughput: negative is slower
    points.append((s, -change))
    print(f"  {s:3d} spins: B is {-change * 100:+.1f}% slower than A", file=sys.stderr)
# The extra time per operation grows linearly with the spins; fit slowdown = a + b * spins.
n = len(points)
mx = sum(p[0] for p in points) / n
my = sum(p[1] for p in points) / n
b = sum((p[0] - mx) * (p[1] - my) for p in points) / sum((p[0] - mx) ** 2 for p in points)
a = my - b * mx
print(max(1, round((target - a) / b)))
PY
)
fi
echo "planted slowdown: CONTEND_SLOWDOWN_SPINS=$spins (target ${target})" >&2

start=$(date +%s)
for i in $(seq 1 "$trials"); do
  echo "trial $i/$trials: A/A, then planted" >&2
  ab "$out/aa-$i" "$example"
  CONTEND_SLOWDOWN_SPINS=$spins ab "$out/slow-$i" "$slowed"
done
elapsed=$(($(date +%s) - start))

python3 - "$out" "$trials" "$spins" "$elapsed" <<'PY'
import json, statistics, sys
out, trials, spins, elapsed = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])

def load(kind):
    runs = []
    for i in range(1, trials + 1):
        rc = int(open(f"{out}/{kind}-{i}.rc").read())
        try:
            doc = json.load(open(f"{out}/{kind}-{i}/ab.json"))
        except OSError:
            sys.exit(f"{kind} trial {i} wrote no ab.json (exit {rc}): " + open(f"{out}/{kind}-{i}.stderr").read())
        runs.append((rc, doc))
    return runs

aa, slow = load("aa"), load("slow")
false_alarms = sum(1 for rc, _ in aa if rc == 3)
caught = sum(1 for rc, _ in slow if rc == 3)
inconclusive_aa = sum(1 for rc, _ in aa if rc == 4)
inconclusive_slow = sum(1 for rc, _ in slow if rc == 4)
other = [rc for rc, _ in aa + slow if rc not in (0, 3, 4)]
names = [c["name"] for c in aa[0][1]["configs"]]

def pct(x):
    return f"{x * 100:+.1f}%"

print(f"{trials} A/A and {trials} planted trials of `contend ab suites/quick.toml` (lock runs: "
      f"{len(names)} configurations, 10 repetitions per variant, alpha 0.01 Holm, threshold 5%), "
      f"alternating, {elapsed / 60:.1f} min; planted: CONTEND_SLOWDOWN_SPINS={spins}.")
print()
print(f"- A/A trials with a false `regressed` (exit 3): **{false_alarms} of {trials}** (target: at most 1)")
print(f"- planted trials caught (exit 3): **{caught} of {trials}** (target: at least 19)")
print(f"- trials the gate called inconclusive (exit 4: a configuration noisy or missing): "
      f"**{inconclusive_aa} of {trials}** A/A, **{inconclusive_slow} of {trials}** planted")
if other:
    print(f"- trials that exited otherwise (1: a configuration failed): {other}")
print()
print("| configuration | planted change, median (range) | planted: regressed / noisy / unchanged | "
      "A/A: regressed / noisy / unchanged / improved | A/A 95% interval half-width, median | detectable here |")
print("|---|---|---|---|---|---|")
for k, name in enumerate(names):
    def verdicts(runs):
        return [doc["configs"][k]["verdict"] for _, doc in runs]
    changes = [doc["configs"][k]["change"] for _, doc in slow if doc["configs"][k]["change"] is not None]
    half = [(doc["configs"][k]["change_high"] - doc["configs"][k]["change_low"]) / 2 for _, doc in aa
            if doc["configs"][k]["change_low"] is not None]
    sv, av = verdicts(slow), verdicts(aa)
    half_w = statistics.median(half) if half else float("nan")
    print(f"| {name} | {pct(statistics.median(changes))} ({pct(min(changes))}..{pct(max(changes))}) | "
          f"{sv.count('regressed')} / {sv.count('noisy')} / {sv.count('unchanged')} | "
          f"{av.count('regressed')} / {av.count('noisy')} / {av.count('unchanged')} / {av.count('improved')} | "
          f"±{half_w * 100:.1f}% | {5 + half_w * 100:.0f}% |")
print()
print("'detectable here' is the threshold plus the median A/A half-width: a slowdown that large puts the")
print("whole 95% interval past the 5% threshold in about half of the trials; smaller ones are `noisy`.")
ok = false_alarms <= 1 and caught >= 19 * trials / 20
sys.exit(0 if ok else 1)
PY

#!/usr/bin/env bash
# What contend's lock workload adds to the lock it measures.
#
# In one run, 5 rounds, alternating the two so that drift hits both alike:
#   baseline: Google Benchmark's loop of lock()+unlock() over contend's own StdMutex header,
#             in a process with a second (idle) thread, as every contend worker has
#   contend:  contend run lock -p std-mutex -w 1 --sample 0 (default workload: 1 shared line)
# and the median of the per-round ratios, with the target ratio <= 1.25. Beside it: the same
# loop in a single-threaded process (glibc's mutex then skips its atomics: not a state any
# contended program is in, shown so the difference is not hidden), and what one sampled
# operation costs (two fenced clock reads and a histogram record): the difference in ns/op
# between --sample 1 and --sample 0.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release
contend=build/release/cli/contend
baseline=build/release/scripts/bench/gbench_baseline
rounds=${ROUNDS:-5}

contend_ns_per_op() {  # $1: primitive, $2: sample
  "$contend" run lock -p "$1" -w 1 --sample "$2" -d 500ms --warmup 100ms -r 1 --format json |
    python3 -c 'import json,sys; b=[x for x in json.load(sys.stdin)["benchmarks"] if x["run_type"]=="iteration"]; print(b[0]["real_time"])'
}
baseline_ns_per_op() {  # $1: benchmark name, then extra flags
  "$baseline" --benchmark_filter="^$1\$" --benchmark_min_time=0.5 --benchmark_format=json "${@:2}" 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["benchmarks"][0]["real_time"])'
}

ratios=(); base=(); single=(); ours=(); sampled=()
for ((i = 1; i <= rounds; i++)); do
  b=$(baseline_ns_per_op std-mutex)
  c=$(contend_ns_per_op std-mutex 0)
  s1=$(contend_ns_per_op std-mutex 1)
  st=$(baseline_ns_per_op std-mutex --single-threaded-process)
  base+=("$b"); ours+=("$c"); sampled+=("$s1"); single+=("$st")
  ratios+=("$(python3 -c "print($c/$b)")")
  printf 'round %d: baseline %.2f ns/op, contend %.2f ns/op (ratio %.3f), contend --sample 1 %.2f ns/op, single-threaded baseline %.2f\n' \
    "$i" "$b" "$c" "${ratios[-1]}" "$s1" "$st" >&2
done

python3 - "${base[*]}" "${ours[*]}" "${ratios[*]}" "${sampled[*]}" "${single[*]}" <<'PY'
import statistics, sys
base, ours, ratios, sampled, single = ([float(x) for x in a.split()] for a in sys.argv[1:6])
med = statistics.median
spread = lambda xs: f"{min(xs):.2f}..{max(xs):.2f}"
per_sample = [s - o for s, o in zip(sampled, ours)]
print(f"| figure (uncontended std-mutex, 1 worker) | median of {len(ratios)} | range |")
print("|---|---|---|")
print(f"| Google Benchmark loop, ns/op | {med(base):.2f} | {spread(base)} |")
print(f"| (same loop, single-threaded process: glibc skips atomics) | {med(single):.2f} | {spread(single)} |")
print(f"| contend run lock --sample 0, ns/op | {med(ours):.2f} | {spread(ours)} |")
print(f"| ratio contend / Google Benchmark (target <= 1.25) | {med(ratios):.3f} | {min(ratios):.3f}..{max(ratios):.3f} |")
print(f"| contend --sample 1, ns/op | {med(sampled):.2f} | {spread(sampled)} |")
print(f"| cost of one sampled operation, ns | {med(per_sample):.2f} | {spread(per_sample)} |")
verdict = "PASS" if med(ratios) <= 1.25 else "FAIL"
print(f"\n{verdict}: median ratio {med(ratios):.3f} (target <= 1.25)")
sys.exit(0 if verdict == "PASS" else 1)
PY

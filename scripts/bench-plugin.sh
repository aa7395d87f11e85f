#!/usr/bin/env bash
# What the plugin path costs: the example plugin's `example-ttas` (tests/plugins/example_plugin.c,
# the same algorithm as the built-in `ttas`, compiled as C and called through contend's function
# pointers) against the built-in `ttas` (a template, inlined into the measured loop).
#
# One `contend run` measures both, interleaved round by round (-r rounds), uncontended (1 worker)
# and contended (2 workers on the 2 cores); the figure is the median over rounds of the per-round
# ratio of ns/op, plugin / built-in, with its range. No target: it is reported, not gated.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release
contend=build/release/cli/contend
plugin=build/release/tests/libcontend_example_plugin.so
rounds=${ROUNDS:-7}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$contend" run lock --plugin "$plugin" -p ttas,example-ttas -w 1,2 --sample 0 -d 300ms -r "$rounds" \
  -o "$out" --format csv >/dev/null

python3 - "$out" <<'PY'
import json, statistics, sys
doc = json.load(open(f"{sys.argv[1]}/results.json"))
rows = {}
for b in doc["benchmarks"]:
    if b["run_type"] == "iteration":
        rows.setdefault(b["run_name"], {})[b["repetition_index"]] = b["real_time"]
print("| workers | ttas ns/op (median) | example-ttas ns/op (median) | plugin / built-in, median of per-round ratios | range |")
print("|---|---|---|---|---|")
for workers in (1, 2):
    base = rows[f"lock/ttas/threads/workers:{workers}"]
    plug = rows[f"lock/example-ttas/threads/workers:{workers}"]
    ratios = [plug[i] / base[i] for i in base if i in plug]
    print(f"| {workers} | {statistics.median(base.values()):.2f} | {statistics.median(plug.values()):.2f} | "
          f"{statistics.median(ratios):.3f} | {min(ratios):.3f}..{max(ratios):.3f} |")
PY

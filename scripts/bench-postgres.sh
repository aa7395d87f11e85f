#!/usr/bin/env bash
# Issue 19's PostgreSQL targets for the jobs table, measured side by side on one private server in
# one script run:
#  1. `contend run jobs -p pg-jobs --claim skip` at N workers does at least 0.9 x the jobs a second
#     that `pgbench -M prepared -c N` does running the identical statements: pg-jobs's claim (one
#     job, FOR UPDATE SKIP LOCKED) and its completion (the DELETE by id and token). pgbench cannot
#     check that each job was done once; contend does, in the same run (a violation fails it).
#  2. `--batch 50` does at least 5 x the jobs a second of `--batch 1` (contend, same workers).
#  3. the isolation workload on 2 counters, both taken by every transaction (2 workers, 2 s each):
#     lost updates > 0 under read committed with read-modify-write, exactly 0 under the five other
#     combinations; and the serialization failures (40001) a committed transaction met under
#     repeatable read and serializable with rmw of the same order (within 10x either way) as
#     pgbench's retries (`--max-tries 1000 --failures-detailed`) running the same transaction.
# Also measured, with no target: 4. the claim rate and claim latency with and without a snapshot
# held open for the whole run (--long-transaction off,on), and the dead rows VACUUM could not
# remove after it.
#
# RUNS rounds (default 5) of 1, 2 and 4, each: pgbench, then contend --batch 1, then contend --batch
# 50, at WORKERS workers (default 2: the machine's cores); 3 once. Prints Markdown with medians (min-max); exits
# 1 when a target is missed. Starts the server with scripts/servers.sh (its own directory and
# port) and stops it on exit. About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >/dev/null
./scripts/build.sh release >/dev/null
contend=build/release/cli/contend
runs=${RUNS:-5}
workers=${WORKERS:-2}
seconds=3
out=$(mktemp -d)
chmod 755 "$out"  # the server runs as the postgres user, which must reach its directory under it
export CONTEND_SERVERS_DIR="$out/servers"
export CONTEND_PG_PORT=${CONTEND_PG_PORT:-27432}
trap './scripts/servers.sh stop all >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
./scripts/servers.sh start postgres
conninfo=$(./scripts/servers.sh address postgres)
pg_bin=$(dirname "$(printf '%s\n' /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -n 1)")

# pgbench's jobs: a table of their own, made as pg-jobs makes its (primitives/backends/
# pg_job_table.hpp: one per repetition, filled and analyzed), more jobs than either does in the
# time. The statements are pg-jobs's at --batch 1, with pgbench's variables where contend binds
# parameters.
cat >"$out/claim.sql" <<'SQL'
\set token random(1, 1000000000000)
WITH picked AS (SELECT id FROM contend_jobs_bench WHERE token IS NULL OR locked_until < clock_timestamp() ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) UPDATE contend_jobs_bench j SET token = :token, locked_until = CASE WHEN 0::bigint > 0 THEN clock_timestamp() + 0::bigint * interval '1 microsecond' END FROM picked WHERE j.id = picked.id RETURNING j.id AS job \gset
DELETE FROM contend_jobs_bench WHERE id = ANY(ARRAY[:job]::int[]) AND token = :token;
SQL

jobs=400000
for round in $(seq 1 "$runs"); do
  "$pg_bin/psql" -X -q "$conninfo" -c "DROP TABLE IF EXISTS contend_jobs_bench" \
    -c "CREATE TABLE contend_jobs_bench (id int PRIMARY KEY, token bigint, locked_until timestamptz)" \
    -c "INSERT INTO contend_jobs_bench (id) SELECT g FROM generate_series(0, $((jobs - 1))) g" \
    -c "ANALYZE contend_jobs_bench"
  "$pg_bin/pgbench" -n -M prepared -c "$workers" -j "$workers" -T "$seconds" -f "$out/claim.sql" "$conninfo" \
    >"$out/pgbench-$round.txt" 2>&1 || { cat "$out/pgbench-$round.txt" >&2; exit 1; }
  for batch in 1 50; do
    "$contend" run jobs -p pg-jobs --pg "$conninfo" -w "$workers" --claim skip --batch "$batch" --jobs "$jobs" \
      -d "${seconds}s" --warmup 200ms -r 1 --format json >"$out/batch$batch-$round.json"
  done
  "$contend" run jobs -p pg-jobs --pg "$conninfo" -w "$workers" --claim skip --long-transaction off,on \
    -d "${seconds}s" -r 1 --format json >"$out/long-$round.json"
done

# 3: contend's six combinations, then pgbench's transaction at the two levels that refuse.
for level in read-committed repeatable-read serializable; do
  for update in rmw atomic; do
    "$contend" run isolation -p pg-counters --pg "$conninfo" -w 2 --rows 2 --take 2 --level "$level" \
      --update "$update" -d 2s --warmup 0s -r 1 --format json >"$out/iso-$level-$update.json"
  done
done
"$pg_bin/psql" -X -q "$conninfo" -c "DROP TABLE IF EXISTS contend_counters_bench" \
  -c "CREATE TABLE contend_counters_bench (id int PRIMARY KEY, n bigint NOT NULL DEFAULT 0)" \
  -c "INSERT INTO contend_counters_bench (id) VALUES (0), (1)"
for level in "repeatable read" serializable; do
  cat >"$out/rmw.sql" <<SQL
BEGIN ISOLATION LEVEL ${level^^};
SELECT n AS a FROM contend_counters_bench WHERE id = 0 \gset
UPDATE contend_counters_bench SET n = :a + 1 WHERE id = 0;
SELECT n AS b FROM contend_counters_bench WHERE id = 1 \gset
UPDATE contend_counters_bench SET n = :b + 1 WHERE id = 1;
COMMIT;
SQL
  "$pg_bin/pgbench" -n -M prepared -c 2 -j 2 -T 2 --max-tries 1000 --failures-detailed -f "$out/rmw.sql" \
    "$conninfo" >"$out/pgbench-${level// /-}.txt" 2>&1 || { cat "$out/pgbench-${level// /-}.txt" >&2; exit 1; }
done

python3 - "$out" "$runs" "$workers" <<'PY'
import json, re, statistics, sys

out, runs, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def pgbench_tps(path):
    text = open(path).read()
    m = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", text)
    if not m:
        raise SystemExit(f"{path}: no tps line:\n{text}")
    failed = re.search(r"number of failed transactions: ([0-9]+)", text)
    if failed and int(failed.group(1)) > 0:
        raise SystemExit(f"{path}: pgbench had failed transactions:\n{text}")
    return float(m.group(1))

def jobs_per_s(path):
    rep = json.load(open(path))["contend"]["configurations"][0]["repetitions"][0]
    if rep["status"] != "ok":
        raise SystemExit(f"{path}: status {rep['status']}: {rep.get('status_detail', '')}")
    return sum(w["operations"] for w in rep["workers"]) / rep["elapsed_s"]

def spread(v):
    return f"{statistics.median(v):,.0f} ({min(v):,.0f}-{max(v):,.0f})"

bench = [pgbench_tps(f"{out}/pgbench-{r}.txt") for r in range(1, runs + 1)]
one = [jobs_per_s(f"{out}/batch1-{r}.json") for r in range(1, runs + 1)]
fifty = [jobs_per_s(f"{out}/batch50-{r}.json") for r in range(1, runs + 1)]
print(f"{runs} rounds at {workers} workers; medians (min-max)\n")
print("| measured | jobs/s |")
print("|---|---:|")
print(f"| pgbench -M prepared -c {workers}, claim + complete (one job a transaction) | {spread(bench)} |")
print(f"| contend run jobs -p pg-jobs --claim skip --batch 1, exactly-once checked | {spread(one)} |")
print(f"| contend run jobs -p pg-jobs --claim skip --batch 50 | {spread(fifty)} |")
missed = []
r1 = [o / b for o, b in zip(one, bench)]
print(f"\n1. contend --batch 1 / pgbench: {statistics.median(r1):.2f} ({min(r1):.2f}-{max(r1):.2f}); target >= 0.9")
if statistics.median(r1) < 0.9:
    missed.append("1")
r2 = [f / o for f, o in zip(fifty, one)]
print(f"2. --batch 50 / --batch 1: {statistics.median(r2):.1f} ({min(r2):.1f}-{max(r2):.1f}); target >= 5")
if statistics.median(r2) < 5:
    missed.append("2")

print("\n3. isolation, 2 workers on 2 counters, every transaction takes both (one run of 2 s each)\n")
print("| level | update | committed/s | lost updates | 40001 per commit | 40P01 |")
print("|---|---|---:|---:|---:|---:|")
per_commit = {}
for level in ("read-committed", "repeatable-read", "serializable"):
    for update in ("rmw", "atomic"):
        c = json.load(open(f"{out}/iso-{level}-{update}.json"))["contend"]["configurations"][0]
        rep = c["repetitions"][0]
        if rep["status"] != "ok":
            raise SystemExit(f"isolation {level} {update}: status {rep['status']}: {rep.get('status_detail', '')}")
        ev = rep.get("events", {})
        ops = sum(w["operations"] for w in rep["workers"])
        lost = ev.get("increments_lost")
        failures = ev.get("serialization_failures", 0)
        per_commit[(level, update)] = failures / ops if ops else float("nan")
        print(f"| {level} | {update} | {ops / rep['elapsed_s']:,.0f} | {lost} | {failures / ops:.3f} | "
              f"{ev.get('deadlocks_detected', 0)} |")
        should_lose = level == "read-committed" and update == "rmw"
        if lost is None or (should_lose and lost == 0) or (not should_lose and lost != 0):
            missed.append(f"3 ({level} {update}: {lost} lost updates)")

def pgbench_retries(path):
    text = open(path).read()
    processed = re.search(r"number of transactions actually processed: ([0-9]+)", text)
    retries = re.search(r"total number of retries: ([0-9]+)", text)
    if not processed or not retries:
        raise SystemExit(f"{path}: no counts:\n{text}")
    return int(retries.group(1)) / int(processed.group(1))

print("\n| level, rmw | contend 40001 per commit | pgbench retries per transaction |")
print("|---|---:|---:|")
for level, name in (("repeatable-read", "repeatable-read"), ("serializable", "serializable")):
    theirs = pgbench_retries(f"{out}/pgbench-{name}.txt")
    ours = per_commit[(level, "rmw")]
    print(f"| {level} | {ours:.3f} | {theirs:.3f} |")
    if not (theirs > 0 and ours > 0 and 0.1 <= ours / theirs <= 10):
        missed.append(f"3 ({level}: 40001 per commit {ours:.3f} against pgbench's {theirs:.3f})")

print(f"\n4. a snapshot held open for the whole run ({runs} rounds of {workers} workers, --batch 1, 3 s; medians "
      "(min-max))\n")
print("| --long-transaction | jobs/s | claim p50 | claim p99 | dead rows VACUUM could not remove |")
print("|---|---:|---:|---:|---:|")
long_runs = [json.load(open(f"{out}/long-{r}.json"))["contend"]["configurations"] for r in range(1, runs + 1)]
rate = {}
for i, held in enumerate(("off", "on")):
    reps = [configs[i]["repetitions"][0] for configs in long_runs]
    for rep in reps:
        if rep["status"] != "ok":
            raise SystemExit(f"--long-transaction {held}: status {rep['status']}: {rep.get('status_detail', '')}")
    rate[held] = [sum(w["operations"] for w in rep["workers"]) / rep["elapsed_s"] for rep in reps]
    p50 = statistics.median(rep["latency_ns"]["p50"] for rep in reps) / 1000
    p99 = statistics.median(rep["latency_ns"]["p99"] for rep in reps) / 1000
    dead = [rep["events"]["dead_rows_kept"] for rep in reps]
    print(f"| {held} | {spread(rate[held])} | {p50:,.0f} µs | {p99:,.0f} µs | {spread(dead)} |")
slowdown = [off / on for off, on in zip(rate["off"], rate["on"])]
print(f"\nclaims with the snapshot held: {statistics.median(slowdown):.1f}x slower "
      f"({min(slowdown):.1f}-{max(slowdown):.1f})")

if missed:
    print(f"targets missed: {', '.join(missed)}", file=sys.stderr)
    sys.exit(1)
print("\ntargets met")
PY

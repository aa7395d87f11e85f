#!/usr/bin/env bash
# The default comparison: suites/quick.toml (a representative of each kind of lock and every
# semaphore at 1, 2 and 4 workers, the reader-writer locks at 4 workers, our queues against the
# peer libraries' and a pipe with one producer and one consumer; threads and forked processes),
# then the HTML report of what it measured. Installs what is missing, builds Release, prints the
# tables and writes results/: results.csv, results.json, one .hgrm per configuration, and
# report.html. About a minute after the build on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
./scripts/build.sh release
contend=build/release/cli/contend

rm -rf results.tmp
status=0
echo "== contend suite suites/quick.toml -o results/"
"$contend" suite suites/quick.toml -o results.tmp || status=$?
rm -rf results && mv results.tmp results
echo
echo "== contend report results/results.json -o results/report.html"
"$contend" report results/results.json --title "contend demo: suites/quick.toml" \
  -o results/report.html || status=$?
echo
echo "Wrote results/: results.csv, results.json, one .hgrm per configuration, and report.html"
echo "(open it in a browser; it needs no network)."
exit "$status"

#!/usr/bin/env bash
# The default comparison: suites/quick.toml (a representative of each kind of lock and every
# semaphore at 1, 2 and 4 workers, the reader-writer locks at 4 workers, our queues against the
# peer libraries' and a pipe with one producer and one consumer; threads and forked processes),
# then the HTML report of what it measured. Installs what is missing, builds Release, prints the
# tables and writes results/: results.csv, results.json, one .hgrm per configuration, and
# report.html. About a minute after the build on 2 cores.
#
#   ./scripts/demo.sh redis     a backend demo instead: starts a private redis-server and five for
#                               Redlock (scripts/servers.sh, loopback only), runs suites/redis.toml
#                               into results/redis/ with its report, and stops the servers.
#   ./scripts/demo.sh postgres  the same with a private PostgreSQL server and suites/postgres.toml,
#                               into results/postgres/.
#   ./scripts/demo.sh rabbitmq  the same with a private RabbitMQ node and suites/rabbitmq.toml,
#                               into results/rabbitmq/ (the node takes 6-7 s to start).
# The default demo never starts a server.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  "" | redis | postgres | rabbitmq) ;;
  *)
    echo "usage: $0 [redis|postgres|rabbitmq]" >&2
    exit 2
    ;;
esac
./scripts/setup.sh
./scripts/build.sh release
contend=build/release/cli/contend

if [ -n "${1:-}" ]; then
  backend=$1
  # Servers of the demo's own, whatever else runs: its own state directory and ports. The
  # directory is reachable by others: PostgreSQL's server runs as the postgres user, RabbitMQ's as
  # the rabbitmq user.
  export CONTEND_SERVERS_DIR="${TMPDIR:-/tmp}/contend-demo-servers-$$"
  export CONTEND_REDIS_PORT=${CONTEND_REDIS_PORT:-29379}
  export CONTEND_PG_PORT=${CONTEND_PG_PORT:-29432}
  export CONTEND_AMQP_PORT=${CONTEND_AMQP_PORT:-29672}
  trap './scripts/servers.sh stop all >/dev/null 2>&1 || true' EXIT
  if [ "$backend" = redis ]; then
    ./scripts/servers.sh start redis
    ./scripts/servers.sh start redlock 5
  else
    ./scripts/servers.sh start "$backend"
  fi
  rm -rf "results.$backend.tmp"
  status=0
  echo "== contend suite suites/$backend.toml -o results/$backend/"
  "$contend" suite "suites/$backend.toml" -o "results.$backend.tmp" || status=$?
  "$contend" report "results.$backend.tmp/results.json" --title "contend demo: suites/$backend.toml" \
    -o "results.$backend.tmp/report.html" || status=$?
  mkdir -p results
  rm -rf "results/$backend" && mv "results.$backend.tmp" "results/$backend"
  echo
  echo "Wrote results/$backend/: results.csv, results.json, one .hgrm per configuration, and report.html"
  exit "$status"
fi

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

#!/usr/bin/env bash
# Private servers for contend's backends, on loopback only, each in its own directory with its own
# port, nothing persisted, stopped by `stop`. Used by the backend tests (ctest starts and stops
# them as fixtures), the benchmark scripts and the backend demo.
#
#   scripts/servers.sh start redis          one redis-server
#   scripts/servers.sh start redlock [N]    N independent redis-servers (default 5), for Redlock
#   scripts/servers.sh start postgres [--durable]
#                                           one PostgreSQL server; fsync, synchronous commit and
#                                           full-page writes off unless --durable
#   scripts/servers.sh start rabbitmq       one RabbitMQ node, with an epmd of its own
#   scripts/servers.sh restart NAME I [D]   kills instance I (1-based) of NAME as a crash, starts it
#                                           again after D seconds (default 0): redis empty,
#                                           postgres with its data, after crash recovery, rabbitmq
#                                           with its durable queues and persistent messages
#   scripts/servers.sh stop [NAME|all]      stops them and removes their directories
#   scripts/servers.sh status               what runs, where
#   scripts/servers.sh address NAME         prints HOST:PORT[,HOST:PORT...], for postgres a libpq
#                                           conninfo, for rabbitmq an AMQP URL (exit 1 if not
#                                           running)
#
# State lives under $CONTEND_SERVERS_DIR (default /tmp/contend-servers-$UID): NAME.addr holds the
# addresses contend reads when --redis is not given; NAME/PORT/ each server's directory, log and
# pid file (for postgres also the cluster, data/, and the unix socket; for rabbitmq the node's
# env.sh, cookie, configuration and database, mnesia/). Ports are taken from $CONTEND_REDIS_PORT
# (default 26379), for postgres $CONTEND_PG_PORT (default 25432), for rabbitmq $CONTEND_AMQP_PORT
# (default 25672; its epmd listens 1303 below, its distribution 20000 above), upward, skipping any
# in use. `start` waits until every server answers PING, postgres `select 1`, rabbitmq has booted
# (at most 10 s each, postgres 30 s, rabbitmq 60 s), prints how long it took, and on failure
# prints the server's log tail and exits 1, leaving nothing running. The postgres and rabbitmq
# parts are in scripts/servers/.
set -euo pipefail

dir=${CONTEND_SERVERS_DIR:-/tmp/contend-servers-$(id -u)}
base_port=${CONTEND_REDIS_PORT:-26379}
pg_port=${CONTEND_PG_PORT:-25432}
amqp_port=${CONTEND_AMQP_PORT:-25672}

die() {
  echo "servers: $*" >&2
  exit 2
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

now_ms() { date +%s%3N; }

# Running, and not a zombie waiting for a parent that does not reap it (a daemonized server's
# parent is init, which in a container may be a process that never reaps).
alive() {
  [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}

stop_one() {  # a server's directory
  local d=$1 pid
  if [ -f "$d/server.pid" ]; then
    pid=$(cat "$d/server.pid")
    if alive "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do
        alive "$pid" || break
        sleep 0.1
      done
      alive "$pid" && kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -rf "$d"
}

stop_name() {
  local name=$1 d
  [ -d "$dir/$name" ] || { rm -f "$dir/$name.addr"; return 0; }
  for d in "$dir/$name"/*/; do
    [ -d "$d" ] || continue
    case "$name" in
      postgres) pg_stop_one "${d%/}" ;;
      rabbitmq) rmq_stop_one "${d%/}" ;;
      *) stop_one "${d%/}" ;;
    esac
  done
  rm -rf "${dir:?}/$name" "$dir/$name.addr"
  echo "servers: $name stopped"
}

# Starts one redis-server in directory $1 on port $2 and waits until it answers PING (at most
# 10 s); on failure prints its log tail and returns 1.
start_server() {
  local d=$1 port=$2
  mkdir -p "$d"
  # Loopback only, no snapshot and no append-only file: a restart forgets everything, which is
  # what the Redlock fault experiments need; protected mode stays on.
  if ! redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$d" \
    --daemonize yes --pidfile "$d/server.pid" --logfile "$d/server.log" >/dev/null 2>&1; then
    tail -n 20 "$d/server.log" >&2 2>/dev/null || true
    echo "servers: redis-server on port $port did not start" >&2
    return 1
  fi
  for _ in $(seq 1 1000); do
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.01
  done
  tail -n 20 "$d/server.log" >&2 2>/dev/null || true
  echo "servers: redis-server on port $port did not answer within 10 s" >&2
  return 1
}

start_redis() {  # name, count
  local name=$1 count=$2 port=$base_port addrs="" i d start pid
  command -v redis-server >/dev/null || die "redis-server is not installed (./scripts/setup.sh installs it)"
  [ -e "$dir/$name.addr" ] && die "$name is already running at $(cat "$dir/$name.addr"); stop it first"
  mkdir -p "$dir/$name"
  for i in $(seq 1 "$count"); do
    while port_in_use "$port"; do port=$((port + 1)); done
    d="$dir/$name/$port"
    start=$(now_ms)
    if ! start_server "$d" "$port"; then
      stop_name "$name" >/dev/null
      exit 1
    fi
    pid=$(cat "$d/server.pid")
    echo "servers: $name: redis-server pid $pid on 127.0.0.1:$port, ready in $(($(now_ms) - start)) ms"
    addrs="${addrs:+$addrs,}127.0.0.1:$port"
    port=$((port + 1))
  done
  echo "$addrs" >"$dir/$name.addr"
}

# Kills instance I (1-based, in the address file's order) of NAME with SIGKILL, as a crash: with
# no persistence it comes back empty, having forgotten every key it granted. Starts it again on
# the same port after DELAY seconds (0: at once; Redlock's "delayed restart" waits the locks' TTL).
restart_redis() {  # name, index, delay
  local name=$1 index=$2 delay=$3 address port d pid start
  [ -f "$dir/$name.addr" ] || die "$name is not running"
  address=$(tr ',' '\n' <"$dir/$name.addr" | sed -n "${index}p")
  [ -n "$address" ] || die "$name has no instance $index"
  port=${address##*:}
  d="$dir/$name/$port"
  pid=$(cat "$d/server.pid")
  start=$(now_ms)
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 500); do
    alive "$pid" || break
    sleep 0.01
  done
  rm -f "$d/server.pid"
  sleep "$delay"
  start_server "$d" "$port" || exit 1
  echo "servers: $name: instance $index (127.0.0.1:$port) killed and back, empty, in $(($(now_ms) - start)) ms"
}

# PostgreSQL's and RabbitMQ's servers, in files of their own, next to this one (wherever it is
# called from, through whatever link).
servers_lib=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/servers
# shellcheck source-path=SCRIPTDIR source=servers/postgres.sh
. "$servers_lib/postgres.sh"
# shellcheck source-path=SCRIPTDIR source=servers/rabbitmq.sh
. "$servers_lib/rabbitmq.sh"

command=${1:-}
case "$command" in
  start)
    name=${2:-}
    # 755 when it is made: the postgres and rabbitmq users, which run those servers when root
    # calls this, have to get through it. (Only $dir itself is ours; the directories above it are
    # as they are.)
    # shellcheck disable=SC2174
    mkdir -p -m 755 "$dir"
    case "$name" in
      redis) start_redis redis 1 ;;
      redlock)
        n=${3:-5}
        [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 9 ] || die "redlock: N is 1 to 9, not '$n'"
        start_redis redlock "$n"
        ;;
      postgres)
        [ $# -le 3 ] || die "start postgres: expected nothing or --durable, not '${*:3}'"
        case "${3:-}" in
          "") start_postgres no ;;
          --durable) start_postgres yes ;;
          *) die "start postgres: expected nothing or --durable, not '$3'" ;;
        esac
        ;;
      rabbitmq)
        [ $# -le 2 ] || die "start rabbitmq: expected nothing more, not '${*:3}'"
        start_rabbitmq
        ;;
      *) die "start what? expected redis, redlock [N], postgres [--durable] or rabbitmq, not '$name'" ;;
    esac
    ;;
  restart)
    name=${2:-}
    index=${3:-}
    delay=${4:-0}
    case "$name" in
      redis | redlock | postgres | rabbitmq) ;;
      *) die "restart what? expected redis, redlock, postgres or rabbitmq, not '$name'" ;;
    esac
    [[ "$index" =~ ^[1-9]$ ]] || die "restart $name: the instance is 1 to 9, not '$index'"
    [[ "$delay" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "restart $name: the delay is seconds (e.g. 0, 2.5), not '$delay'"
    case "$name" in
      postgres) restart_postgres "$index" "$delay" ;;
      rabbitmq) restart_rabbitmq "$index" "$delay" ;;
      *) restart_redis "$name" "$index" "$delay" ;;
    esac
    ;;
  stop)
    name=${2:-all}
    case "$name" in
      redis | redlock | postgres | rabbitmq) stop_name "$name" ;;
      all)
        stop_name redis
        stop_name redlock
        stop_name postgres
        stop_name rabbitmq
        rmdir "$dir" 2>/dev/null || true
        ;;
      *) die "stop what? expected redis, redlock, postgres, rabbitmq or all, not '$name'" ;;
    esac
    ;;
  status)
    found=no
    for name in redis redlock postgres rabbitmq; do
      if [ -f "$dir/$name.addr" ]; then
        echo "$name: $(cat "$dir/$name.addr")"
        found=yes
      fi
    done
    [ "$found" = yes ] || echo "no servers running (under $dir)"
    ;;
  address)
    name=${2:-}
    [ -f "$dir/$name.addr" ] || exit 1
    cat "$dir/$name.addr"
    ;;
  *) die "expected start, restart, stop, status or address (see the top of scripts/servers.sh)" ;;
esac

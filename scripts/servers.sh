#!/usr/bin/env bash
# Private servers for contend's backends, on loopback only, each in its own directory with its own
# port, nothing persisted, stopped by `stop`. Used by the backend tests (ctest starts and stops
# them as fixtures), the benchmark scripts and the backend demo.
#
#   scripts/servers.sh start redis          one redis-server
#   scripts/servers.sh start redlock [N]    N independent redis-servers (default 5), for Redlock
#   scripts/servers.sh stop [NAME|all]      stops them and removes their directories
#   scripts/servers.sh status               what runs, where
#   scripts/servers.sh address NAME         prints HOST:PORT[,HOST:PORT...] (exit 1 if not running)
#
# State lives under $CONTEND_SERVERS_DIR (default /tmp/contend-servers-$UID): NAME.addr holds the
# addresses contend reads when --redis is not given; NAME/PORT/ each server's directory, log and
# pid file. Ports are taken from $CONTEND_REDIS_PORT (default 26379) upward, skipping any in use.
# `start` waits until every server answers PING (at most 10 s each), prints how long it took, and
# on failure prints the server's log tail and exits 1, leaving nothing running.
set -euo pipefail

dir=${CONTEND_SERVERS_DIR:-/tmp/contend-servers-$(id -u)}
base_port=${CONTEND_REDIS_PORT:-26379}

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
    [ -d "$d" ] && stop_one "${d%/}"
  done
  rm -rf "${dir:?}/$name" "$dir/$name.addr"
  echo "servers: $name stopped"
}

start_redis() {  # name, count
  local name=$1 count=$2 port=$base_port addrs="" i d start pid
  command -v redis-server >/dev/null || die "redis-server is not installed (./scripts/setup.sh installs it)"
  [ -e "$dir/$name.addr" ] && die "$name is already running at $(cat "$dir/$name.addr"); stop it first"
  mkdir -p "$dir/$name"
  for i in $(seq 1 "$count"); do
    while port_in_use "$port"; do port=$((port + 1)); done
    d="$dir/$name/$port"
    mkdir -p "$d"
    start=$(now_ms)
    # Loopback only, no snapshot and no append-only file: a restart forgets everything, which is
    # what the Redlock fault experiments need; protected mode stays on.
    if ! redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$d" \
      --daemonize yes --pidfile "$d/server.pid" --logfile "$d/server.log" >/dev/null 2>&1; then
      tail -n 20 "$d/server.log" >&2 2>/dev/null || true
      stop_name "$name" >/dev/null
      echo "servers: redis-server on port $port did not start" >&2
      exit 1
    fi
    for _ in $(seq 1 100); do
      [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break
      sleep 0.1
    done
    if [ "$(redis-cli -p "$port" ping 2>/dev/null)" != PONG ]; then
      tail -n 20 "$d/server.log" >&2 2>/dev/null || true
      stop_name "$name" >/dev/null
      echo "servers: redis-server on port $port did not answer within 10 s" >&2
      exit 1
    fi
    pid=$(cat "$d/server.pid")
    echo "servers: $name: redis-server pid $pid on 127.0.0.1:$port, ready in $(($(now_ms) - start)) ms"
    addrs="${addrs:+$addrs,}127.0.0.1:$port"
    port=$((port + 1))
  done
  echo "$addrs" >"$dir/$name.addr"
}

command=${1:-}
case "$command" in
  start)
    name=${2:-}
    mkdir -p "$dir"
    case "$name" in
      redis) start_redis redis 1 ;;
      redlock)
        n=${3:-5}
        [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 9 ] || die "redlock: N is 1 to 9, not '$n'"
        start_redis redlock "$n"
        ;;
      *) die "start what? expected redis or redlock [N], not '$name'" ;;
    esac
    ;;
  stop)
    name=${2:-all}
    case "$name" in
      redis | redlock) stop_name "$name" ;;
      all)
        stop_name redis
        stop_name redlock
        rmdir "$dir" 2>/dev/null || true
        ;;
      *) die "stop what? expected redis, redlock or all, not '$name'" ;;
    esac
    ;;
  status)
    found=no
    for name in redis redlock; do
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
  *) die "expected start, stop, status or address (see the top of scripts/servers.sh)" ;;
esac

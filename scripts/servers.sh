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
#   scripts/servers.sh restart NAME I [D]   kills instance I (1-based) of NAME as a crash, starts it
#                                           again after D seconds (default 0): redis empty,
#                                           postgres with its data, after crash recovery
#   scripts/servers.sh stop [NAME|all]      stops them and removes their directories
#   scripts/servers.sh status               what runs, where
#   scripts/servers.sh address NAME         prints HOST:PORT[,HOST:PORT...], for postgres a libpq
#                                           conninfo (exit 1 if not running)
#
# State lives under $CONTEND_SERVERS_DIR (default /tmp/contend-servers-$UID): NAME.addr holds the
# addresses contend reads when --redis is not given; NAME/PORT/ each server's directory, log and
# pid file (for postgres also the cluster, data/, and the unix socket). Ports are taken from
# $CONTEND_REDIS_PORT (default 26379), for postgres $CONTEND_PG_PORT (default 25432), upward,
# skipping any in use. `start` waits until every server answers PING, postgres `select 1` (at most
# 10 s each, postgres 30 s), prints how long it took, and on failure prints the server's log tail
# and exits 1, leaving nothing running.
set -euo pipefail

dir=${CONTEND_SERVERS_DIR:-/tmp/contend-servers-$(id -u)}
base_port=${CONTEND_REDIS_PORT:-26379}
pg_port=${CONTEND_PG_PORT:-25432}

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
    if [ "$name" = postgres ]; then pg_stop_one "${d%/}"; else stop_one "${d%/}"; fi
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

# Debian installs the server's programs (initdb, pg_ctl, postgres) in
# /usr/lib/postgresql/VERSION/bin, not on PATH; the highest version there is taken. psql is taken
# from there too: the one on PATH is Debian's wrapper, which picks a version by its own rules.
pg_bin=""
pg_find() {
  local ctl
  ctl=$(printf '%s\n' /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)
  pg_bin=${ctl%/pg_ctl}
  [ -x "$pg_bin/pg_ctl" ] && [ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/psql" ]
}

# initdb and pg_ctl refuse to run as root (the server must not): as root they run as the postgres
# user, which the package creates, and as anyone else as that user. From / because runuser keeps
# the working directory, which the postgres user may not enter (root's home), and they complain.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

pg_conninfo() {  # a server's directory, its port
  echo "host=$1 port=$2 user=contend dbname=postgres"
}

# The pids of every process of the cluster on port $1. The server is started with
# cluster_name=contend-PORT (pg_start): it is an argument of the postmaster's and in each child's
# process title, which, unlike the parent link, outlives the postmaster's death. Read from /proc
# (procps, hence pgrep, may not be installed); a zombie has no command line and is not counted.
pg_pids() {
  grep -lzE -e "^cluster_name=contend-$1\$" -e "^postgres: contend-$1: " /proc/[0-9]*/cmdline \
    2>/dev/null | sed 's|^/proc/\([0-9]*\)/cmdline$|\1|' || true
}

# SIGKILLs whatever is left of the cluster on port $1 and waits (at most 5 s) until nothing is.
pg_kill_all() {
  local port=$1 pids
  pids=$(pg_pids "$port")
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086  # one pid a word
  kill -KILL $pids 2>/dev/null || true
  for _ in $(seq 1 50); do
    [ -z "$(pg_pids "$port")" ] && return 0
    sleep 0.1
  done
  echo "servers: postgres on port $port: processes $(pg_pids "$port" | tr '\n' ' ')survived SIGKILL" >&2
  return 1
}

# Stops the cluster in directory $1 (its name is its port): a fast shutdown (clients disconnected,
# a checkpoint) when pg_ctl can, SIGKILL to whatever is left after 10 s or when it cannot (a start
# that failed half-way, postgres uninstalled since); then the directory goes.
pg_stop_one() {  # a server's directory
  local d=$1
  if [ -f "$d/data/postmaster.pid" ] && { [ -n "$pg_bin" ] || pg_find; }; then
    as_pg "$pg_bin/pg_ctl" -D "$d/data" -m fast -w -t 10 stop >/dev/null 2>&1 || true
  fi
  pg_kill_all "${d##*/}" || true
  rm -rf "$d"
}

# Starts the cluster in directory $1 on port $2, with the options kept in $1/options, and checks
# it answers a query; pg_ctl -w waits (at most 30 s) until it accepts connections, crash recovery
# included. On failure prints its log tail, leaves nothing of it running and returns 1.
pg_start() {
  local d=$1 port=$2
  if ! as_pg "$pg_bin/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 30 start -o "$(cat "$d/options")" \
    >"$d/pg_ctl.out" 2>&1; then
    tail -n 20 "$d/server.log" >&2 2>/dev/null || cat "$d/pg_ctl.out" >&2
    echo "servers: postgres on port $port did not start" >&2
    pg_kill_all "$port" || true
    return 1
  fi
  head -n 1 "$d/data/postmaster.pid" >"$d/server.pid"
  # Over the unix socket, as contend: trust authentication lets any local user connect as it.
  if ! "$pg_bin/psql" -X "$(pg_conninfo "$d" "$port")" -Atqc 'select 1' >"$d/psql.out" 2>&1; then
    tail -n 20 "$d/server.log" >&2 2>/dev/null || true
    cat "$d/psql.out" >&2
    echo "servers: postgres on port $port started but does not answer" >&2
    as_pg "$pg_bin/pg_ctl" -D "$d/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    pg_kill_all "$port" || true
    return 1
  fi
}

start_postgres() {  # durable: yes or no
  local durable=$1 port=$pg_port d start opts
  pg_find || die "postgres is not installed (./scripts/setup.sh installs it)"
  [ -e "$dir/postgres.addr" ] && die "postgres is already running at $(cat "$dir/postgres.addr"); stop it first"
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 ||
      die "there is no postgres user to run the server as (./scripts/setup.sh installs it)"
  fi
  while port_in_use "$port"; do port=$((port + 1)); done
  d="$dir/postgres/$port"
  # The directory goes, unquoted, into the server's command line (pg_ctl passes -o through a
  # shell) and into unix_socket_directories, a comma-separated list; and a unix socket's path has
  # at most 107 bytes.
  [[ "$d" =~ ^[A-Za-z0-9/._+-]+$ ]] ||
    die "postgres: the servers' directory may hold only letters, digits and / . _ + -, not '$dir'"
  [ $((${#d} + ${#port} + 10)) -le 107 ] ||
    die "postgres: '$d/.s.PGSQL.$port' is too long for a unix socket (107 bytes);" \
      "set CONTEND_SERVERS_DIR to a shorter directory"
  start=$(now_ms)
  [ -d "$dir/postgres" ] || mkdir -m 755 "$dir/postgres"
  rm -rf "$d"  # left by a start that was interrupted: nothing listens on its port
  mkdir -m 755 "$d"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$d"
    if ! as_pg test -w "$d"; then
      rm -rf "$d"
      rmdir "$dir/postgres" 2>/dev/null || true
      die "postgres: the postgres user cannot write in $d (is every directory above it searchable by others?)"
    fi
  fi
  # Trust over the socket and loopback, superuser contend, UTF-8 in the C locale (any other would
  # have to exist on the machine, and collation costs time); nothing flushed to disk: the cluster
  # is thrown away with its directory.
  if ! as_pg "$pg_bin/initdb" -D "$d/data" --auth=trust -U contend -E UTF8 --locale=C --no-sync \
    --no-instructions >"$d/initdb.log" 2>&1; then
    cat "$d/initdb.log" >&2
    echo "servers: postgres: initdb failed" >&2
    stop_name postgres >/dev/null
    exit 1
  fi
  # Loopback only, the socket in the server's directory (not /var/run/postgresql, which may not
  # exist and is shared), room for many clients, and cluster_name for pg_pids. By default
  # nothing waits for the disk: a postgres crash (restart) loses only the commits of the last
  # moments (synchronous_commit), and only a machine crash could corrupt the cluster, which is
  # thrown away anyway. --durable keeps the defaults, for measuring what a commit costs.
  opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$d -c max_connections=200"
  opts+=" -c shared_buffers=128MB -c cluster_name=contend-$port"
  [ "$durable" = yes ] || opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  echo "$opts" >"$d/options"
  if ! pg_start "$d" "$port"; then
    stop_name postgres >/dev/null
    exit 1
  fi
  local fsync="fsync off"
  [ "$durable" = yes ] && fsync="durable: fsync on"
  echo "servers: postgres: postgres pid $(cat "$d/server.pid") on 127.0.0.1:$port (socket $d)," \
    "$fsync, ready in $(($(now_ms) - start)) ms"
  pg_conninfo "$d" "$port" >"$dir/postgres.addr"
}

# Stops the server with pg_ctl -m immediate, as a crash: no checkpoint, in-flight transactions
# lost (and, unless --durable, the last asynchronous commits), the cluster kept. Starts it again
# on the same port with the same options after DELAY seconds; it replays its WAL before it
# accepts connections again.
restart_postgres() {  # index, delay
  local index=$1 delay=$2 port d start
  [ -f "$dir/postgres.addr" ] || die "postgres is not running"
  [ "$index" = 1 ] || die "postgres has no instance $index"
  pg_find || die "postgres is not installed (./scripts/setup.sh installs it)"
  port=$(sed -n 's/.* port=\([0-9]*\) .*/\1/p' "$dir/postgres.addr")
  d="$dir/postgres/$port"
  start=$(now_ms)
  as_pg "$pg_bin/pg_ctl" -D "$d/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
  pg_kill_all "$port" || exit 1
  rm -f "$d/server.pid"
  sleep "$delay"
  pg_start "$d" "$port" || exit 1
  echo "servers: postgres: instance 1 (127.0.0.1:$port) crashed and back, after recovery," \
    "in $(($(now_ms) - start)) ms"
}

command=${1:-}
case "$command" in
  start)
    name=${2:-}
    # 755 when it is made: the postgres user, which runs the server when root calls this, has to
    # get through it. (Only $dir itself is ours; the directories above it are as they are.)
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
      *) die "start what? expected redis, redlock [N] or postgres [--durable], not '$name'" ;;
    esac
    ;;
  restart)
    name=${2:-}
    index=${3:-}
    delay=${4:-0}
    case "$name" in
      redis | redlock | postgres) ;;
      *) die "restart what? expected redis, redlock or postgres, not '$name'" ;;
    esac
    [[ "$index" =~ ^[1-9]$ ]] || die "restart $name: the instance is 1 to 9, not '$index'"
    [[ "$delay" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "restart $name: the delay is seconds (e.g. 0, 2.5), not '$delay'"
    if [ "$name" = postgres ]; then
      restart_postgres "$index" "$delay"
    else
      restart_redis "$name" "$index" "$delay"
    fi
    ;;
  stop)
    name=${2:-all}
    case "$name" in
      redis | redlock | postgres) stop_name "$name" ;;
      all)
        stop_name redis
        stop_name redlock
        stop_name postgres
        rmdir "$dir" 2>/dev/null || true
        ;;
      *) die "stop what? expected redis, redlock, postgres or all, not '$name'" ;;
    esac
    ;;
  status)
    found=no
    for name in redis redlock postgres; do
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

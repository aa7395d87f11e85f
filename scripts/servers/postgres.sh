# shellcheck shell=bash disable=SC2154  # dir and pg_port are servers.sh's
# PostgreSQL for scripts/servers.sh, which sources this file (its helpers, die, port_in_use,
# now_ms, stop_name, and its settings, dir and pg_port, are that script's).

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
  # Dynamic shared memory (parallel queries) in files under the cluster's directory, not in
  # /dev/shm: a postmaster killed by SIGKILL (restart, a failed stop) leaves its segments behind,
  # and in /dev/shm (PostgreSQL.*) nothing would remove them; here they go with the directory.
  opts+=" -c dynamic_shared_memory_type=mmap"
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

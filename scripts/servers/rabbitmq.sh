# shellcheck shell=bash disable=SC2154  # dir and amqp_port are servers.sh's
# RabbitMQ for scripts/servers.sh, which sources this file (its helpers, die, port_in_use, alive,
# now_ms, stop_name, and its settings, dir and amqp_port, are that script's). One node, with an
# epmd of its own, both on loopback; its name is contend-PORT@localhost, PORT its AMQP port.

# Debian's package keeps the broker's scripts in /usr/lib/rabbitmq/bin. Not the /usr/sbin
# wrappers: they cd to /var/lib/rabbitmq and run with the system node's cookie and log directory.
rmq_bin=/usr/lib/rabbitmq/bin

# Like the postgres server, the node does not run as root: as root it runs as the rabbitmq user,
# which the package creates, and as anyone else as that user. From / as in as_pg.
as_rmq() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u rabbitmq -- "$@")
  else
    "$@"
  fi
}

# Runs a command as the node's user with the node's environment, $1/env.sh, and nothing else of
# the caller's: a RABBITMQ_* or ERL_* variable exported there (for another node, say) would reach
# the node or rabbitmqctl, and rabbitmqctl must see what the server saw (HOME, where the cookie
# is, the node name, epmd's port). A UTF-8 locale, which the CLI (Elixir) wants. In the server's
# directory, where an Erlang VM that crashes writes erl_crash.dump.
rmq_run() {  # a server's directory, a command and its arguments
  local d=$1
  shift
  # shellcheck disable=SC2016  # expanded by that sh
  as_rmq env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    sh -c 'cd "$0" && . ./env.sh && exec "$@"' "$d" "$@"
}

rmq_epmd_port() {  # a server's directory; nothing when env.sh is not there (yet)
  sed -n 's/^export ERL_EPMD_PORT=//p' "$1/env.sh" 2>/dev/null || true
}

# The pids of the node on port $2 in directory $1: the rabbitmq-server script, beam.smp, what beam
# starts (erl_child_setup, inet_gethost, the disk monitor's sh) and any rabbitmqctl of ours. Their
# command lines do not say whose they are: beam's has -home DIR but not the node's name (RabbitMQ
# starts the distribution itself, once booted), its children's not even that, and they have
# sessions of their own. What they all have is the environment env.sh gave them, read from /proc
# (a zombie's is empty; another user's is not readable, and not ours). epmd is not among them: it
# is started without it.
rmq_pids() {  # a server's directory, its port
  local f
  for f in $(grep -lzxF "HOME=$1" /proc/[0-9]*/environ 2>/dev/null || true); do
    if grep -qzxF "RABBITMQ_NODENAME=contend-$2@localhost" "$f" 2>/dev/null; then
      f=${f#/proc/}
      echo "${f%/environ}"
    fi
  done
}

# The pid of the epmd on port $1 that rmq_epmd_start started: its command line names the port.
# (The grep finds every process with an argument $1, itself included; the command line decides.)
rmq_epmd_pids() {  # epmd's port
  local f
  for f in $(grep -lzxF -e "$1" /proc/[0-9]*/cmdline 2>/dev/null || true); do
    if [[ "$(tr '\0' ' ' <"$f" 2>/dev/null)" == */epmd" -daemon -port $1 -address 127.0.0.1 " ]]; then
      f=${f#/proc/}
      echo "${f%/cmdline}"
    fi
  done
}

# SIGKILLs the processes that the command "$@" lists, again while it lists any (a process may
# have started one more meanwhile), for at most 5 s.
rmq_kill() {  # a function listing pids, its arguments
  local pids
  for _ in $(seq 1 250); do
    pids=$("$@")
    [ -n "$pids" ] || return 0
    # shellcheck disable=SC2086  # one pid a word
    kill -KILL $pids 2>/dev/null || true
    sleep 0.02
  done
  echo "servers: rabbitmq: processes $("$@" | tr '\n' ' ')survived SIGKILL" >&2
  return 1
}

# Kills everything of the node in directory $1, its epmd too.
rmq_kill_all() {  # a server's directory
  local d=$1 epmd
  epmd=$(rmq_epmd_port "$d")
  rmq_kill rmq_pids "$d" "${d##*/}" || true
  [ -z "$epmd" ] || rmq_kill rmq_epmd_pids "$epmd" || true
}

# Prints the node's log tails and what went wrong, kills everything of it and returns 1. Each log's
# first errors too: they say why ("Syntax error in .../rabbitmq.conf after line 3"), and some 50
# lines of the VM's report of its own end follow them.
rmq_fail() {  # a server's directory, what went wrong
  local d=$1 f
  for f in "$d"/log/*.log "$d/stdout.log" "$d/ctl.out"; do
    [ -s "$f" ] || continue
    echo "==> $f <==" >&2
    if grep -q -E '\[error\]|^Error' "$f"; then
      grep -m 5 -E '\[error\]|^Error' "$f" >&2
      echo "..." >&2
    fi
    tail -n 20 "$f" >&2
  done
  echo "servers: rabbitmq on port ${d##*/} $2" >&2
  rmq_kill_all "$d"
  return 1
}

# Starts epmd for the node in directory $1 on port $2, loopback only. Started here and not left to
# erl, which would start an `epmd -daemon` that says nothing of which one it is, and outlives the
# node: this one's command line names its port, for rmq_epmd_pids. Without env.sh, so as not to be
# taken for the node (rmq_pids). Returns 1 if it does not listen within 5 s.
rmq_epmd_start() {  # a server's directory, epmd's port
  local d=$1 port=$2 epmd_bin
  epmd_bin=$(printf '%s\n' /usr/lib/erlang/erts-*/bin/epmd | sort -V | tail -n 1)
  as_rmq env -i "$epmd_bin" -daemon -port "$port" -address 127.0.0.1 </dev/null >/dev/null 2>&1 ||
    true
  for _ in $(seq 1 250); do
    [ -n "$(rmq_epmd_pids "$port")" ] && port_in_use "$port" && return 0
    sleep 0.02
  done
  rmq_fail "$d" "did not start: its epmd ($epmd_bin) does not listen on port $port"
}

# Starts the node in directory $1 (its name is its AMQP port), whose epmd runs, waits until it has
# booted (at most 60 s) and checks its AMQP port answers. On failure prints its log tails, leaves
# nothing of it running, its epmd included, and returns 1.
rmq_start() {  # a server's directory
  local d=$1 port=${1##*/} job deadline
  rm -f "$d/server.pid" "$d/ctl.out"
  # In a session of its own (setsid), its output to a file and its input from /dev/null: nothing of
  # the caller reaches the node or is held by it (the terminal, the process group, the pipe that
  # ctest reads this script's output from).
  rmq_run "$d" setsid -w "$rmq_bin/rabbitmq-server" >>"$d/stdout.log" 2>&1 </dev/null &
  job=$!
  deadline=$(($(now_ms) + 60000))
  # rabbitmqctl wait waits for the pid file, then for the node, then for the broker to boot (it
  # returns within some 30 ms of "Server startup complete") and notices the node die meanwhile,
  # but not before the pid file is written (a bad configuration): that first part is watched here.
  # (rabbitmqctl await_startup would have to be retried: until the node has registered with epmd
  # it fails at once.) setsid -w, should it have to fork, waits for the server, so that $job runs
  # as long as the server does.
  until [ -s "$d/server.pid" ]; do
    alive "$job" || { rmq_fail "$d" "exited while starting"; return 1; }
    [ "$(now_ms)" -lt "$deadline" ] || { rmq_fail "$d" "did not start within 60 s"; return 1; }
    sleep 0.02
  done
  if ! rmq_run "$d" timeout -k 5 65 "$rmq_bin/rabbitmqctl" wait "$d/server.pid" \
    --timeout $(((deadline - $(now_ms)) / 1000 + 1)) >"$d/ctl.out" 2>&1; then
    [ "$(now_ms)" -lt "$deadline" ] || { rmq_fail "$d" "did not boot within 60 s"; return 1; }
    rmq_fail "$d" "did not boot"
    return 1
  fi
  port_in_use "$port" || { rmq_fail "$d" "booted but does not listen"; return 1; }
}

start_rabbitmq() {
  local port=$amqp_port d epmd start
  if [ ! -x "$rmq_bin/rabbitmq-server" ] || [ ! -x "$rmq_bin/rabbitmqctl" ]; then
    die "rabbitmq-server is not installed (./scripts/setup.sh installs it)"
  fi
  [ -e "$dir/rabbitmq.addr" ] && die "rabbitmq is already running at $(cat "$dir/rabbitmq.addr"); stop it first"
  if [ "$(id -u)" -eq 0 ]; then
    id -u rabbitmq >/dev/null 2>&1 ||
      die "there is no rabbitmq user to run the server as (./scripts/setup.sh installs it)"
  fi
  # Three ports a node: AMQP's, the Erlang distribution's 20000 above it (as RabbitMQ's defaults,
  # 5672 and 25672) and epmd's 1303 below it (so 24369 with 25672, like 4369 with 5672), all free;
  # a node of another servers' directory, started from another port, has other ones.
  if ! [[ "$port" =~ ^[1-9][0-9]{3,4}$ ]] || [ "$port" -lt 2327 ] || [ "$port" -gt 45535 ]; then
    die "rabbitmq: CONTEND_AMQP_PORT is 2327 to 45535 (epmd listens 1303 below, the distribution" \
      "20000 above), not '$port'"
  fi
  while port_in_use "$port" || port_in_use $((port + 20000)) || port_in_use $((port - 1303)); do
    port=$((port + 1))
    if [ "$port" -gt 45535 ]; then
      echo "servers: rabbitmq: no free ports from $amqp_port to 45535" >&2
      exit 1
    fi
  done
  epmd=$((port - 1303))
  d="$dir/rabbitmq/$port"
  # The directory goes, unquoted, into env.sh, which sh sources.
  [[ "$d" =~ ^[A-Za-z0-9/._+-]+$ ]] ||
    die "rabbitmq: the servers' directory may hold only letters, digits and / . _ + -, not '$dir'"
  start=$(now_ms)
  [ -d "$dir/rabbitmq" ] || mkdir -m 755 "$dir/rabbitmq"
  rm -rf "$d"  # left by a start that was interrupted: nothing listens on its port
  mkdir -m 755 "$d"
  # Nothing of the system's node: its own cookie (HOME), environment file (none), configuration,
  # database, logs and plugins (none, not even the management plugin). Distribution on loopback
  # too; the CLI's own node on a port the kernel picks, not on one of RabbitMQ's 35672 to 35682,
  # which some other server may be about to listen on. No crash dump (erl_crash.dump, some 700 KB
  # written as the VM ends): a failed start removes the directory, and the log says why.
  cat >"$d/env.sh" <<EOF
export HOME=$d
export RABBITMQ_CONF_ENV_FILE=/dev/null
export RABBITMQ_NODENAME=contend-$port@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=$port
export RABBITMQ_DIST_PORT=$((port + 20000))
export ERL_EPMD_PORT=$epmd
export ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_MNESIA_BASE=$d/mnesia
export RABBITMQ_LOG_BASE=$d/log
export RABBITMQ_PID_FILE=$d/server.pid
export RABBITMQ_ENABLED_PLUGINS_FILE=$d/enabled_plugins
export RABBITMQ_CONFIG_FILE=$d/rabbitmq
export RABBITMQ_ADVANCED_CONFIG_FILE=$d/advanced.config
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}'
export RABBITMQ_CTL_DIST_PORT_MIN=0
export RABBITMQ_CTL_DIST_PORT_MAX=0
export ERL_CRASH_DUMP_BYTES=0
EOF
  echo '[].' >"$d/enabled_plugins"
  # guest may connect, from loopback only (RabbitMQ's default, said here).
  printf 'listeners.tcp.1 = 127.0.0.1:%s\nloopback_users.guest = true\n' "$port" >"$d/rabbitmq.conf"
  (umask 077 && od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$d/.erlang.cookie")
  chmod 400 "$d/.erlang.cookie"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R rabbitmq: "$d"
    if ! as_rmq test -w "$d"; then
      rm -rf "$d"
      rmdir "$dir/rabbitmq" 2>/dev/null || true
      die "rabbitmq: the rabbitmq user cannot write in $d (is every directory above it searchable by others?)"
    fi
  fi
  if ! rmq_epmd_start "$d" "$epmd" || ! rmq_start "$d"; then
    stop_name rabbitmq >/dev/null
    exit 1
  fi
  echo "servers: rabbitmq: beam pid $(cat "$d/server.pid") on 127.0.0.1:$port (epmd on $epmd)," \
    "ready in $(($(now_ms) - start)) ms"
  echo "amqp://guest:guest@127.0.0.1:$port/%2f" >"$dir/rabbitmq.addr"
}

# Stops the node in directory $1 (its name is its port): SIGTERM stops the broker (connections
# closed, queues and messages written), waited for at most 10 s; then SIGKILL to whatever is left of it (or of a start that failed half-way), and to its
# epmd; then the directory goes.
rmq_stop_one() {  # a server's directory
  local d=$1 pid
  pid=$(cat "$d/server.pid" 2>/dev/null || true)
  # SIGTERM is the broker's own graceful stop (queues closed, mnesia written): measured 1.1 s,
  # against 2.0-2.2 s for `rabbitmqctl shutdown`, which starts an Erlang node of its own first.
  if [ -n "$pid" ] && alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      alive "$pid" || break
      sleep 0.1
    done
  fi
  rmq_kill_all "$d"
  rm -rf "$d"
}

# Kills the node with SIGKILL, as a crash: what the broker had written (durable queues, persistent
# messages, in mnesia/) stays, the rest is lost; its epmd keeps running. Starts it again in the same
# directory after DELAY seconds; it recovers its queues before it accepts connections again.
restart_rabbitmq() {  # index, delay
  local index=$1 delay=$2 port d epmd start
  [ -f "$dir/rabbitmq.addr" ] || die "rabbitmq is not running"
  [ "$index" = 1 ] || die "rabbitmq has no instance $index"
  port=$(sed -n 's|^amqp://.*@127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$dir/rabbitmq.addr")
  d="$dir/rabbitmq/$port"
  start=$(now_ms)
  rmq_kill rmq_pids "$d" "$port" || exit 1
  epmd=$(rmq_epmd_port "$d")
  # Should its epmd have gone meanwhile, erl would start one of its own.
  [ -n "$(rmq_epmd_pids "$epmd")" ] || rmq_epmd_start "$d" "$epmd" || exit 1
  sleep "$delay"
  rmq_start "$d" || exit 1
  echo "servers: rabbitmq: instance 1 (127.0.0.1:$port) killed and back, in $(($(now_ms) - start)) ms"
}

#pragma once
// Where the Redis servers of backend primitives (redis-lock, redis-lease) are: --redis, else
// $CONTEND_REDIS, else the address file scripts/servers.sh writes
// ($CONTEND_SERVERS_DIR or /tmp/contend-servers-$UID, redis.addr).
#include <string>

#include "cli/run_options.hpp"

namespace contend::cli {

// The addresses, each checked with a PING, so that an unreachable server is one line (a
// UsageError naming it) before anything runs; `primitive` names the one that needs them.
std::string resolve_redis(const RunOptions& options, const std::string& primitive);

// The same when every server answers; empty when none is given or one does not answer.
std::string find_redis(const RunOptions& options);

}  // namespace contend::cli

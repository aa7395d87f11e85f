#pragma once
// Where the Redis servers of backend primitives (redis-lock, redlock-N, ...) are: --redis, else
// $CONTEND_REDIS, else the address files scripts/servers.sh writes
// ($CONTEND_SERVERS_DIR or /tmp/contend-servers-$UID: redis.addr, redlock.addr).
#include <cstdint>
#include <string>
#include <vector>

#include "cli/run_options.hpp"

namespace contend::cli {

// The addresses, each checked with a PING, so that an unreachable server is one line (a
// UsageError naming it) before anything runs; `primitive` names the one that needs them, and
// `servers_needed` how many (Redlock's instances; fewer is a UsageError). Redlock runs with a
// minority of its servers down, and says so in `notes`. What each server it uses says of itself
// ("Redis 7.0.15 at 127.0.0.1:26379") is added to `servers` (the results' record), once.
std::string resolve_redis(const RunOptions& options, const std::string& primitive, std::uint32_t servers_needed,
                          std::vector<std::string>& notes, std::vector<std::string>& servers);

// The same when every server answers; empty when none is given or one does not answer.
std::string find_redis(const RunOptions& options);

}  // namespace contend::cli

// Where the Redis servers are (redis_servers.hpp).
#include "cli/redis_servers.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "cli/usage_error.hpp"
#include "primitives/backends/redis_client.hpp"

namespace contend::cli {
namespace {

// Where Redis is for a backend primitive: --redis, else $CONTEND_REDIS, else the address file
// scripts/servers.sh writes (`from` says which); empty when none is given.
std::string redis_addresses(const RunOptions& o, std::string& from) {
  from = "--redis";
  if (!o.redis.empty()) return o.redis;
  from = "$CONTEND_REDIS";
  if (const char* env = std::getenv("CONTEND_REDIS"); env != nullptr && *env != '\0') return env;
  const char* dir = std::getenv("CONTEND_SERVERS_DIR");
  from = (dir != nullptr && *dir != '\0' ? std::string(dir) : fmt::format("/tmp/contend-servers-{}", getuid())) +
         "/redis.addr";
  std::string list;
  std::ifstream in(from);
  std::getline(in, list);
  return list;
}

// The addresses for a backend primitive, each checked with a PING, so that an unreachable server
// is one line before anything runs.
}  // namespace

std::string resolve_redis(const RunOptions& o, const std::string& primitive) {
  std::string from;
  const std::string list = redis_addresses(o, from);
  if (list.empty()) {
    throw UsageError(fmt::format("--primitive: '{}' is kept on a Redis server, and none was given: start one "
                                 "with scripts/servers.sh start redis, or give --redis HOST:PORT",
                                 primitive));
  }
  for (const std::string& address : redis::split_addresses(list)) {
    const std::string error = redis::probe(address);
    if (!error.empty()) throw UsageError(fmt::format("{}: cannot use Redis at {}", from, error));
  }
  return list;
}

std::string find_redis(const RunOptions& o) {
  std::string from;
  const std::string list = redis_addresses(o, from);
  if (list.empty()) return {};
  for (const std::string& address : redis::split_addresses(list)) {
    if (!redis::probe(address).empty()) return {};
  }
  return list;
}

}  // namespace contend::cli

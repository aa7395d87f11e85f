// Where the Redis servers are (redis_servers.hpp).
#include "cli/redis_servers.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <vector>

#include "cli/server_address.hpp"
#include "cli/usage_error.hpp"
#include "primitives/backends/redis_client.hpp"

namespace contend::cli {
namespace {

// Where Redis is for a backend primitive: --redis, else $CONTEND_REDIS, else the address file
// scripts/servers.sh writes (`from` says which): redis.addr for a primitive on one server
// (redlock.addr when only that runs), redlock.addr for one that needs several; empty when none
// is given.
std::string redis_addresses(const RunOptions& o, std::uint32_t servers_needed, std::string& from) {
  from = "--redis";
  if (!o.redis.empty()) return o.redis;
  from = "$CONTEND_REDIS";
  if (const char* env = std::getenv("CONTEND_REDIS"); env != nullptr && *env != '\0') return env;
  const std::string base = servers_state_dir();
  std::vector<std::string> files = {base + "/redlock.addr"};
  if (servers_needed <= 1) files.insert(files.begin(), base + "/redis.addr");
  for (const std::string& file : files) {
    from = file;
    std::string list;
    std::ifstream in(file);
    std::getline(in, list);
    if (!list.empty()) return list;
  }
  return {};
}

// The addresses for a backend primitive, each checked with a PING, so that an unreachable server
// is one line before anything runs.
}  // namespace

std::string resolve_redis(const RunOptions& o, const std::string& primitive, std::uint32_t servers_needed,
                          std::vector<std::string>& notes, std::vector<std::string>& servers) {
  std::string from;
  const std::string list = redis_addresses(o, servers_needed, from);
  if (list.empty()) {
    if (servers_needed > 1) {
      throw UsageError(fmt::format("--primitive: '{}' needs {} Redis servers, and none were given: start them with "
                                   "scripts/servers.sh start redlock {}, or give --redis with {} HOST:PORT addresses",
                                   primitive, servers_needed, servers_needed, servers_needed));
    }
    throw UsageError(fmt::format("--primitive: '{}' is kept on a Redis server, and none was given: start one "
                                 "with scripts/servers.sh start redis, or give --redis HOST:PORT",
                                 primitive));
  }
  const std::vector<std::string> addresses = redis::split_addresses(list);
  if (addresses.size() < servers_needed) {
    throw UsageError(fmt::format("--primitive: '{}' needs {} Redis servers (independent instances), and {} gives "
                                 "{}: start them with scripts/servers.sh start redlock {}, or give --redis with {} "
                                 "addresses",
                                 primitive, servers_needed, from, addresses.size(), servers_needed, servers_needed));
  }
  // The servers it uses (the first one, or Redlock's first N) must answer, but for Redlock a
  // majority: a minority down is what Redlock is built to survive, and measuring it so is the
  // point (the note says which are down).
  const std::size_t used = std::max<std::size_t>(1, servers_needed);
  std::vector<std::string> down;
  for (std::size_t i = 0; i < used; ++i) {
    const std::string error = redis::probe(addresses[i]);
    if (error.empty()) continue;
    if (used == 1) throw UsageError(fmt::format("{}: cannot use Redis at {}", from, error));
    down.push_back(error);
  }
  if (!down.empty()) {
    if (used - down.size() < used / 2 + 1) {
      throw UsageError(fmt::format("{}: '{}' needs a majority of its {} Redis servers, and {} do not answer: {}", from,
                                   primitive, used, down.size(), fmt::join(down, "; ")));
    }
    notes.push_back(fmt::format("{}: {} of its {} Redis servers do not answer ({}): it runs on the majority that does",
                                primitive, down.size(), used, fmt::join(down, "; ")));
  }
  for (std::size_t i = 0; i < used; ++i) {
    std::string described = redis::describe(addresses[i]);
    if (described.empty()) described = "Redis at " + addresses[i] + " (did not say its version)";
    if (std::find(servers.begin(), servers.end(), described) == servers.end()) servers.push_back(std::move(described));
  }
  return list;
}

std::string find_redis(const RunOptions& o) {
  std::string from;
  const std::string list = redis_addresses(o, 1, from);
  if (list.empty()) return {};
  for (const std::string& address : redis::split_addresses(list)) {
    if (!redis::probe(address).empty()) return {};
  }
  return list;
}

}  // namespace contend::cli

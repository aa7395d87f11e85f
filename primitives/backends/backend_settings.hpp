#pragma once
// What a backend primitive (a lock or lease kept on a server) is built with: where its servers
// are, and a key space of its own. Plain characters and numbers, so that a primitive holding them
// can live in a MAP_SHARED mapping and be used by forked workers, each of which opens its own
// connections (primitives/backends/redis_client.hpp).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace contend {

struct BackendSettings {
  char redis[512] = {};          // comma-separated HOST:PORT or unix socket paths
  std::uint64_t key_space = 0;   // unique per repetition: keys are "contend:<key_space>:..."
  std::int64_t retry_interval_ns = 0;  // --retry-interval: a waiter polls this often; 0: as built
};

// The first of the Redis servers (a single-server primitive's).
inline std::string_view first_redis(const BackendSettings& settings) {
  const std::string_view all(settings.redis);
  return all.substr(0, std::min(all.find(','), all.size()));
}

// Copies `from` into a fixed array of a primitive that lives in shared memory, cut to fit.
template <std::size_t N>
void copy_text(char (&to)[N], std::string_view from) {
  const std::size_t n = std::min(from.size(), N - 1);
  std::copy_n(from.data(), n, to);
  to[n] = '\0';
}

}  // namespace contend

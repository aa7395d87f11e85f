#pragma once
// What a backend primitive (a lock or lease kept on a server) is built with: where its servers
// are, and a key space of its own. Plain characters and numbers, so that a primitive holding them
// can live in a MAP_SHARED mapping and be used by forked workers, each of which opens its own
// connections (primitives/backends/redis_client.hpp).
#include <cstdint>

namespace contend {

struct BackendSettings {
  char redis[512] = {};          // comma-separated HOST:PORT or unix socket paths
  std::uint64_t key_space = 0;   // unique per repetition: keys are "contend:<key_space>:..."
};

}  // namespace contend

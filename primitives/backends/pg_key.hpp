#pragma once
// What a primitive kept in PostgreSQL names its rows (or its advisory lock) by: the server, the
// repetition's key space and a number of its own within it (the deadlock workload builds several
// locks in one repetition), as text for the statements' parameters. Plain characters, so that the
// primitive can live in a MAP_SHARED mapping and be used by forked workers.
#include <fmt/format.h>

#include <atomic>
#include <cstdint>

#include "primitives/backends/backend_settings.hpp"

namespace contend {

struct PgKey {
  explicit PgKey(const BackendSettings& settings) {
    copy_text(conninfo, settings.postgres);
    static std::atomic<std::uint32_t> made{0};
    const std::uint32_t n = made.fetch_add(1, std::memory_order_relaxed);
    copy_text(space, fmt::format("{}", settings.key_space));
    copy_text(id, fmt::format("{}", n));
    // One bigint for pg_advisory_lock: the key space's 44 bits and 16 of the number.
    copy_text(advisory, fmt::format("{}", static_cast<std::int64_t>((settings.key_space << 16) | (n & 0xffff))));
  }

  char conninfo[512] = {};
  char space[24] = {};
  char id[12] = {};
  char advisory[24] = {};
};

}  // namespace contend

#pragma once
// Building a primitive in a repetition's arena, whatever its constructor asks for, and the
// shared counter lines that the lock and rw workloads write and check.
#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <new>

#include <unistd.h>

#include "primitives/backends/backend_settings.hpp"
#include "primitives/primitive.hpp"
#include "workloads/run_control.hpp"
#include "workloads/shared_arena.hpp"
#include "workloads/model/spec.hpp"

namespace contend {

inline Sharing sharing_for(Mode mode) {
  return mode == Mode::processes ? Sharing::process_shared : Sharing::thread_private;
}

// Bytes a lock or semaphore occupies when constructed in place: sizeof(T), or more for a type
// that keeps further state right after itself and says how much with `static std::size_t
// footprint()` (a plugin's adapter, followed by the plugin's instance).
template <class T>
constexpr std::size_t primitive_footprint() {
  if constexpr (requires { { T::footprint() } -> std::convertible_to<std::size_t>; }) {
    return T::footprint();
  } else {
    return sizeof(T);
  }
}

// What a backend primitive is built with: the configuration's servers, and a key space of this
// repetition's own (its child's pid and a count of primitives built in it).
inline BackendSettings backend_settings(const RunSpec& spec) {
  BackendSettings b;
  const std::size_t n = std::min(spec.redis.size(), sizeof(b.redis) - 1);
  std::copy_n(spec.redis.data(), n, b.redis);
  copy_text(b.postgres, spec.postgres);
  copy_text(b.amqp, spec.amqp);
  b.prefetch = spec.prefetch;
  b.confirm_window = spec.confirm;
  b.max_length = spec.capacity;
  b.autoack = spec.autoack;
  b.persistent = spec.persistent;
  static std::uint64_t built = 0;
  b.key_space = (static_cast<std::uint64_t>(getpid()) << 20) + built++;
  b.retry_interval_ns = spec.retry_interval_ns;
  b.lock_timeout_ns = spec.lock_timeout_ns;
  b.long_transaction = spec.long_transaction;
  return b;
}

// A primitive whose constructor takes nothing but, maybe, the Sharing: a lock, a reader-writer
// lock, a handoff channel — or, for a backend (redis-lock), the configuration's servers.
template <class P>
P* make_primitive(SharedArena& arena, const RunSpec& spec) {
  if constexpr (std::constructible_from<P, const BackendSettings&, Sharing>) {
    void* storage = arena.allocate(primitive_footprint<P>(), alignof(P));
    return new (storage) P(backend_settings(spec), sharing_for(spec.mode));
  } else {
    return make_primitive<P>(arena, spec.mode);
  }
}

// A primitive whose constructor takes nothing but, maybe, the Sharing: a lock, a reader-writer
// lock, a handoff channel.
template <class P>
P* make_primitive(SharedArena& arena, Mode mode) {
  void* storage = arena.allocate(primitive_footprint<P>(), alignof(P));
  if constexpr (std::constructible_from<P, Sharing>) {
    return new (storage) P(sharing_for(mode));
  } else {
    return new (storage) P();
  }
}

// A semaphore of `permits`; a backend one (redis-semaphore) also gets the configuration's servers.
template <class S>
S* make_semaphore(SharedArena& arena, const RunSpec& spec, std::uint32_t permits) {
  if constexpr (std::constructible_from<S, std::uint32_t, const BackendSettings&, Sharing>) {
    void* storage = arena.allocate(primitive_footprint<S>(), alignof(S));
    return new (storage) S(permits, backend_settings(spec), sharing_for(spec.mode));
  } else {
    return make_semaphore<S>(arena, spec.mode, permits);
  }
}

template <class S>
S* make_semaphore(SharedArena& arena, Mode mode, std::uint32_t permits) {
  void* storage = arena.allocate(primitive_footprint<S>(), alignof(S));
  if constexpr (std::constructible_from<S, std::uint32_t, Sharing>) {
    return new (storage) S(permits, sharing_for(mode));
  } else {
    return new (storage) S(permits);
  }
}

// `count` zeroed SharedLines in the arena; shared_lines_bytes is what they may take there.
inline std::size_t shared_lines_bytes(std::uint32_t count) { return sizeof(SharedLine) * (count + 1); }

inline SharedLine* make_shared_lines(SharedArena& arena, std::uint32_t count) {
  auto* lines = static_cast<SharedLine*>(arena.allocate(sizeof(SharedLine) * count, alignof(SharedLine)));
  for (std::uint32_t i = 0; i < count; ++i) new (&lines[i]) SharedLine();
  return lines;
}

// After the workers are done: every line must have been incremented `expected` times (one per
// exclusive critical section, warmup included). Records the largest shortfall as lost updates.
inline void check_shared_lines(const SharedLine* lines, std::uint32_t count, std::uint64_t expected,
                               RunControl& control) {
  std::uint64_t lost = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint64_t seen = lines[i].value.load(std::memory_order_relaxed);
    if (seen < expected) lost = std::max(lost, expected - seen);
  }
  control.lost_updates = lost;
  control.checked_updates = expected;
}

}  // namespace contend

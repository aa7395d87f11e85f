#pragma once
// Building a primitive in a repetition's arena, whatever its constructor asks for.
#include <concepts>
#include <cstdint>

#include "primitives/primitive.hpp"
#include "workloads/shared_arena.hpp"
#include "workloads/spec.hpp"

namespace contend {

inline Sharing sharing_for(Mode mode) {
  return mode == Mode::processes ? Sharing::process_shared : Sharing::thread_private;
}

template <class L>
L* make_lock(SharedArena& arena, Mode mode) {
  if constexpr (std::constructible_from<L, Sharing>) {
    return arena.make<L>(sharing_for(mode));
  } else {
    return arena.make<L>();
  }
}

template <class S>
S* make_semaphore(SharedArena& arena, Mode mode, std::uint32_t permits) {
  if constexpr (std::constructible_from<S, std::uint32_t, Sharing>) {
    return arena.make<S>(permits, sharing_for(mode));
  } else {
    return arena.make<S>(permits);
  }
}

}  // namespace contend

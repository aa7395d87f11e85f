#pragma once
// std-binary — std::binary_semaphore from the C++ standard library (libstdc++ 12: the same
// atomic counter with futex-based waiting as std::counting_semaphore, with a maximum of 1).
//
// Contract: it holds at most one permit, so it must be constructed with exactly 1 (any other
// count throws std::invalid_argument: a workload that asks for more gets an error status, not a
// silently different semaphore). Releasing while the permit is free (count would exceed 1) is
// undefined behaviour.
// Fairness: none promised; a releasing thread wakes waiters with no ordering guarantee.
// Process-shared: no — libstdc++ waits with FUTEX_PRIVATE_FLAG, which a forked process's wake
// never reaches, so process mode refuses it.
// Memory ordering: release() strongly happens-before an acquire() that observes its effect.
// A known bug: std-counting's (std_counting.hpp), in the same code: a wake-up can be lost (GCC bug
// 104928). Seen here as a 20 s hang of its contract test under ThreadSanitizer (CI, 2026-12-05).
#include <cstddef>
#include <cstdint>
#include <semaphore>
#include <stdexcept>

#include "primitives/primitive.hpp"

namespace contend {

class StdBinarySemaphore {
 public:
  static constexpr std::string_view kName = "std-binary";
  static constexpr std::string_view kDescription = "std::binary_semaphore (permits must be 1)";
  static constexpr Origin kOrigin = Origin::std_library;
  static constexpr bool kProcessShared = false;
  static constexpr std::uint32_t kMaxPermits = 1;
  static constexpr std::string_view kKnownBug = "libstdc++'s lost wake-up in std::binary_semaphore (GCC bug 104928)";

  explicit StdBinarySemaphore(std::uint32_t permits) : sem_(checked(permits)) {}

  void acquire() { sem_.acquire(); }
  void release() { sem_.release(); }
  bool try_acquire() { return sem_.try_acquire(); }

 private:
  static std::ptrdiff_t checked(std::uint32_t permits) {
    if (permits != 1) throw std::invalid_argument("std-binary holds exactly 1 permit");
    return 1;
  }

  std::binary_semaphore sem_;
};

}  // namespace contend

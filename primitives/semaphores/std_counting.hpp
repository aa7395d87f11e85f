#pragma once
// std-counting — std::counting_semaphore from the C++ standard library (libstdc++: an atomic
// counter with futex-based waiting through std::atomic::wait).
//
// Contract: release() may be called by any thread; the count must not exceed max().
// Fairness: none promised; a releasing thread wakes waiters with no ordering guarantee.
// Process-shared: no — libstdc++ may wait on a process-private futex or a waiter table in the
// process, so process mode refuses it.
// Memory ordering: release() strongly happens-before an acquire() that observes its effect.
// A known bug: libstdc++ 12 (Debian 12's) can lose a wake-up in this semaphore: release() skips the
// futex notify when the count was already positive, and a waiter whose compare-exchange failed
// meanwhile sleeps with a permit free (GCC bug 104928; arangodb and PyTorch stopped using it for
// this). Seen here once, as a 20 s hang of its contract test under ThreadSanitizer (CI, 2026-12-05);
// kKnownBug says so, and the test reports such a hang as that bug rather than as contend's.
#include <cstdint>
#include <semaphore>

#include "primitives/primitive.hpp"

namespace contend {

class StdCountingSemaphore {
 public:
  static constexpr std::string_view kName = "std-counting";
  static constexpr std::string_view kDescription = "std::counting_semaphore (libstdc++: atomic + futex wait)";
  static constexpr Origin kOrigin = Origin::std_library;
  static constexpr bool kProcessShared = false;
  static constexpr std::string_view kKnownBug = "libstdc++'s lost wake-up in std::counting_semaphore (GCC bug 104928)";

  explicit StdCountingSemaphore(std::uint32_t permits) : sem_(permits) {}

  void acquire() { sem_.acquire(); }
  void release() { sem_.release(); }
  bool try_acquire() { return sem_.try_acquire(); }

 private:
  std::counting_semaphore<> sem_;
};

}  // namespace contend

#pragma once
// std-counting — std::counting_semaphore from the C++ standard library (libstdc++: an atomic
// counter with futex-based waiting through std::atomic::wait).
//
// Contract: release() may be called by any thread; the count must not exceed max().
// Fairness: none promised; a releasing thread wakes waiters with no ordering guarantee.
// Process-shared: no — libstdc++ may wait on a process-private futex or a waiter table in the
// process, so process mode refuses it.
// Memory ordering: release() strongly happens-before an acquire() that observes its effect.
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

  explicit StdCountingSemaphore(std::uint32_t permits) : sem_(permits) {}

  void acquire() { sem_.acquire(); }
  void release() { sem_.release(); }
  bool try_acquire() { return sem_.try_acquire(); }

 private:
  std::counting_semaphore<> sem_;
};

}  // namespace contend

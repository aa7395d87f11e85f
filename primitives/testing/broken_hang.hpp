#pragma once
// broken-hang — a planted bug: unlock() forgets to release, so the second lock() waits forever
// (in sched_yield, so the hang does not burn a whole core until the watchdog fires).
//
// It exists to prove that a hang in a measured primitive becomes a `timeout` verdict for its
// configuration and never hangs the suite. Hidden from `list` unless --show-broken.
// Process-shared: yes (one atomic word).
// Memory ordering: acquire on the successful exchange; unlock() is deliberately a no-op.
#include <sched.h>

#include <atomic>

#include "primitives/primitive.hpp"

namespace contend {

class BrokenHangLock {
 public:
  static constexpr std::string_view kName = "broken-hang";
  static constexpr std::string_view kDescription = "planted bug: unlock() never releases, the next lock() hangs";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;
  static constexpr bool kProvidesExclusion = false;

  void lock() {
    while (locked_.exchange(true, std::memory_order_acquire)) sched_yield();
  }
  void unlock() {}

 private:
  std::atomic<bool> locked_{false};
};

}  // namespace contend

#pragma once
// broken-crash — a planted bug: after kCrashAfter acquisitions, lock() kills its caller with
// SIGSEGV, as a primitive that dereferences a freed node would.
//
// It exists to prove that a crash in a measured primitive becomes a `crashed: SIGSEGV` verdict
// for its configuration while the rest of the suite goes on. Hidden unless --show-broken.
// Process-shared: yes. Memory ordering: as ttas (acquire on lock, release on unlock).
#include <atomic>
#include <csignal>
#include <cstdint>

#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class BrokenCrashLock {
 public:
  static constexpr std::string_view kName = "broken-crash";
  static constexpr std::string_view kDescription = "planted bug: lock() raises SIGSEGV after 1000 acquisitions";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  void lock() {
    while (locked_.exchange(true, std::memory_order_acquire)) cpu_relax();
    // Counted under the lock, so the count is exact; raise() makes the signal deterministic
    // where a real wild write would depend on the allocator.
    if (++acquisitions_ == kCrashAfter) std::raise(SIGSEGV);
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  static constexpr std::uint64_t kCrashAfter = 1000;
  std::atomic<bool> locked_{false};
  std::uint64_t acquisitions_ = 0;
};

}  // namespace contend

#pragma once
// atomic-add — the lock-free baseline: no lock at all; the lock workload sees kAtomicCounter
// and updates its shared counters with an atomic fetch_add instead of a plain increment.
//
// Contract: lock() and unlock() do nothing and return at once. The exclusion it "provides" is
// only that of the atomic read-modify-write on each counter, which the workload does itself, so
// no update is lost and kProvidesExclusion is true; it protects nothing else.
// Fairness: none promised; each fetch_add completes in bounded time on x86 (lock xadd).
// Process-shared: yes (it has no state).
// Memory ordering: none of its own; lock()/unlock() create no happens-before edges.
// Use it to see what the same counter costs without a lock: the cache line still bounces.
#include "primitives/primitive.hpp"

namespace contend {

class AtomicAddBaseline {
 public:
  static constexpr std::string_view kName = "atomic-add";
  static constexpr std::string_view kDescription =
      "no lock: the counters are updated with atomic fetch_add (lock-free baseline)";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;
  static constexpr bool kProvidesExclusion = true;
  static constexpr bool kBaseline = true;  // not a lock: stress leaves it out of "all"
  static constexpr bool kAtomicCounter = true;

  void lock() {}
  void unlock() {}
};

}  // namespace contend

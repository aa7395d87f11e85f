#pragma once
// nolock — the do-nothing baseline (folly's NoLock).
//
// Contract: lock() and unlock() do nothing and return at once. It gives no mutual exclusion;
// the lock workload therefore reports its lost updates as expected, not as a violation.
// Fairness: not applicable. Process-shared: yes (it has no state).
// Memory ordering: none; it creates no happens-before edges.
// Use it to see what the workload itself costs around a lock.
#include "primitives/primitive.hpp"

namespace contend {

class NoLock {
 public:
  static constexpr std::string_view kName = "nolock";
  static constexpr std::string_view kDescription = "does nothing: the cost of the workload itself";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;
  static constexpr bool kProvidesExclusion = false;
  static constexpr bool kBaseline = true;  // not a lock: stress leaves it out of "all"

  void lock() {}
  void unlock() {}
  bool try_lock() { return true; }
};

}  // namespace contend

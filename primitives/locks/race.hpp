#pragma once
// race — the broken baseline: no synchronization at all, so the workload's read-increment-write
// of its counters races and is expected to lose updates.
//
// Contract: lock() and unlock() do nothing and return at once. It gives no mutual exclusion;
// kProvidesExclusion is false, so the lock workload reports its lost updates as expected, not
// as a violation. It behaves like nolock; it exists under its own name so that a run shows
// "what an unsynchronized counter loses" next to the real locks, where nolock answers "what the
// workload costs".
// Fairness: not applicable. Process-shared: yes (it has no state).
// Memory ordering: none; it creates no happens-before edges.
#include "primitives/primitive.hpp"

namespace contend {

class RaceBaseline {
 public:
  static constexpr std::string_view kName = "race";
  static constexpr std::string_view kDescription =
      "unsynchronized: no lock at all, expected to lose updates";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;
  static constexpr bool kProvidesExclusion = false;
  static constexpr bool kBaseline = true;  // not a lock: stress leaves it out of "all"

  void lock() {}
  void unlock() {}
};

}  // namespace contend

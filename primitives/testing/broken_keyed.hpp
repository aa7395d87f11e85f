#pragma once
// Planted bugs in keyed limiters, one for each check of the keyed workload
// (workloads/keyed_workload.hpp), each keyed-map with one decision changed:
//
// broken-keyed-check-then-add  looks for room under the lock, then adds the holder under it
//                              again (GET, then INCR): two callers see the last slot free and
//                              both take it. Caught by "per-key limit".
// broken-keyed-off-by-one      its room check counts one holder too many (`>= per_key - 1`):
//                              callers are turned away from a key that has room. Caught by "no
//                              spurious rejection" (--on-busy fail, --per-key 2 or more).
// broken-keyed-no-remove       never removes a key's entry when its last holder leaves: the
//                              table grows with every key ever used. Caught by "table empty
//                              when idle".
//
// Process-shared: yes, as keyed-map. Fairness: none.
#include "primitives/keyed/striped_limiter.hpp"

namespace contend {

class BrokenKeyedCheckThenAdd : public StripedKeyedLimiter<1, KeyedFlaw::check_then_add> {
 public:
  static constexpr std::string_view kName = "broken-keyed-check-then-add";
  static constexpr std::string_view kDescription = "planted bug: checks for room, then adds the holder (GET, then INCR)";
  static constexpr Origin kOrigin = Origin::test;
  using StripedKeyedLimiter::StripedKeyedLimiter;
};

class BrokenKeyedNoRemove : public StripedKeyedLimiter<1, KeyedFlaw::never_remove> {
 public:
  static constexpr std::string_view kName = "broken-keyed-no-remove";
  static constexpr std::string_view kDescription = "planted bug: a key's entry is never removed when it falls idle";
  static constexpr Origin kOrigin = Origin::test;
  using StripedKeyedLimiter::StripedKeyedLimiter;
};

class BrokenKeyedOffByOne : public StripedKeyedLimiter<1, KeyedFlaw::off_by_one> {
 public:
  static constexpr std::string_view kName = "broken-keyed-off-by-one";
  static constexpr std::string_view kDescription = "planted bug: the room check counts one holder too many";
  static constexpr Origin kOrigin = Origin::test;
  using StripedKeyedLimiter::StripedKeyedLimiter;
};

}  // namespace contend

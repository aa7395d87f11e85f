#pragma once
// Planted bugs in the Redis lease (primitives/backends/redis_lease.hpp), for the lease workload's
// checks against a real server, each redis-lease with one decision changed:
//
// broken-redis-lease-plain-del  releases with a plain DEL: a holder that outlived its TTL deletes
//                               the next holder's lease. Caught by "release by token" (and lease
//                               exclusion: a third caller gets in beside the second).
// broken-redis-lease-no-px      sets the key without PX: nothing expires, so a holder that never
//                               releases (killed, or stalled past --ttl) blocks every caller for
//                               ever. Caught by "lease expiry" (refused with no live lease).
//
// Process-shared: yes, as redis-lease. Fairness: none.
#include "primitives/backends/redis_lease.hpp"

namespace contend {

struct BrokenRedisLeasePlainDel : BasicRedisLease<RedisLeaseFlaw::plain_del> {
  static constexpr std::string_view kName = "broken-redis-lease-plain-del";
  static constexpr std::string_view kDescription = "planted bug: releases the Redis lease with a plain DEL";
  static constexpr Origin kOrigin = Origin::test;
  using BasicRedisLease::BasicRedisLease;
};

struct BrokenRedisLeaseNoPx : BasicRedisLease<RedisLeaseFlaw::no_expiry> {
  static constexpr std::string_view kName = "broken-redis-lease-no-px";
  static constexpr std::string_view kDescription = "planted bug: sets the Redis lease without PX (it never expires)";
  static constexpr Origin kOrigin = Origin::test;
  using BasicRedisLease::BasicRedisLease;
};

}  // namespace contend

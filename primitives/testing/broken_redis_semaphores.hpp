#pragma once
// A planted bug in the Redis semaphore (primitives/backends/redis_semaphore.hpp), for the
// semaphore workload's checks against a real server:
//
// broken-redis-fair-semaphore  "Redis in Action"'s fair semaphore with its steps split over two
//                              round trips: INCR a counter for a ticket, then ZADD the ticket and
//                              ZRANK it, holding if its rank is below the permits. A client that
//                              took its ticket earlier but adds it later ranks ahead of holders
//                              already in, and gets in beside them. Caught by "holders within
//                              permits".
//
// Process-shared: yes, as redis-semaphore. Fairness: none.
#include "primitives/backends/redis_semaphore.hpp"

namespace contend {

struct BrokenRedisFairSemaphore : BasicRedisSemaphore<RedisSemaphoreFlaw::two_round_trips> {
  static constexpr std::string_view kName = "broken-redis-fair-semaphore";
  static constexpr std::string_view kDescription =
      "planted bug: a Redis 'fair semaphore' whose ticket and rank check are two round trips apart";
  static constexpr Origin kOrigin = Origin::test;
  using BasicRedisSemaphore::BasicRedisSemaphore;
};

}  // namespace contend

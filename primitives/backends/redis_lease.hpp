#pragma once
// redis-lease — a TTL lease kept as a key on a Redis server: the Django `concurrency_safe()` and
// redis-py `Lock` pattern (`SET key token NX PX ttl`, waiters poll every --retry-interval),
// with a fencing token from `INCR` handed out in the same script as the grant.
//
// Contract (the LeaseStore concept, primitives/primitive.hpp): try_acquire(token, ttl) sets the
// key to the token if it is absent (an expired key is absent) with a TTL of ttl rounded up to
// whole milliseconds, and returns the next value of the fence counter; release(token) and
// renew(token, ttl) act only while the key holds the token (a Lua compare-and-delete and
// compare-and-PEXPIRE). wait() does not sleep (kNotifies is false): waiters poll, as redis-py's do.
// The server's guarantee: a script runs alone, so the grant and its fence are one step, and
// fences increase in grant order. Expiry is the server's clock, in whole milliseconds, checked on
// every access: a lease ends no earlier than its TTL after the SET and up to 2 ms later
// (kExpirySlackNs: the millisecond tick and the rounding up), which the lease workload's checks
// allow.
// Fairness: none: the first poll after the key is gone wins.
// Memory ordering: as redis-lock (redis_lock.hpp): through the server's round trips.
// Process-shared: yes (the object holds the address and key names; each worker connects itself).
// A crash: a holder that dies keeps the lease until its TTL runs out — what a TTL is for; a
// server lost mid-run ends the repetition as an error naming it (redis_client.hpp).
//
// The template parameter plants a bug for `contend stress --self-test`
// (primitives/testing/broken_redis_leases.hpp); RedisLeaseFlaw::none is the real one.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "primitives/backends/backend_settings.hpp"
#include "primitives/backends/redis_client.hpp"
#include "primitives/primitive.hpp"

namespace contend {

enum class RedisLeaseFlaw {
  none,
  plain_del,  // release is a plain DEL: it deletes whoever's lease is there
  no_expiry,  // SET NX without PX: a holder that never releases keeps it for ever
};

template <RedisLeaseFlaw kFlaw>
class BasicRedisLease {
 public:
  static constexpr Origin kOrigin = Origin::backend;
  static constexpr bool kProcessShared = true;
  static constexpr std::string_view kBackend = "redis";
  static constexpr std::int64_t kExpirySlackNs = 2'000'000;
  static constexpr bool kNotifies = false;

  BasicRedisLease(const BackendSettings& settings, Sharing) {
    copy_text(address_, first_redis(settings));
    copy_text(key_, fmt::format("contend:{}:lease", settings.key_space));
    copy_text(fence_, fmt::format("contend:{}:lease:fence", settings.key_space));
  }

  std::uint64_t try_acquire(std::uint64_t token, std::int64_t ttl_ns) {
    static constexpr std::string_view kAcquire =
        kFlaw == RedisLeaseFlaw::no_expiry
            ? "if redis.call('set', KEYS[1], ARGV[1], 'NX') then return redis.call('incr', KEYS[2]) end return 0"
            : "if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return redis.call('incr', KEYS[2]) "
              "end return 0";
    const std::string t = std::to_string(token);
    const std::string ms = std::to_string(ttl_ms(ttl_ns));
    return static_cast<std::uint64_t>(
        redis::connection(address_).script(kAcquire, {key_, fence_}, {t, ms}).integer());
  }

  bool release(std::uint64_t token) {
    static constexpr std::string_view kRelease =
        kFlaw == RedisLeaseFlaw::plain_del
            ? "return redis.call('del', KEYS[1])"
            : "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";
    const std::string t = std::to_string(token);
    return redis::connection(address_).script(kRelease, {key_}, {t}).integer() == 1;
  }

  bool renew(std::uint64_t token, std::int64_t ttl_ns) {
    static constexpr std::string_view kRenew =
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0";
    const std::string t = std::to_string(token);
    const std::string ms = std::to_string(ttl_ms(ttl_ns));
    return redis::connection(address_).script(kRenew, {key_}, {t, ms}).integer() == 1;
  }

  // No notification: the lease workload polls (kNotifies).
  void wait(std::int64_t) {}

 private:
  static std::int64_t ttl_ms(std::int64_t ns) { return std::max<std::int64_t>(1, (ns + 999'999) / 1'000'000); }


  char address_[256] = {};
  char key_[96] = {};
  char fence_[112] = {};
};

struct RedisLease : BasicRedisLease<RedisLeaseFlaw::none> {
  static constexpr std::string_view kName = "redis-lease";
  static constexpr std::string_view kDescription =
      "a key on a Redis server: SET NX PX with an INCR fence in one script, Lua compare-and-delete, polled";
  using BasicRedisLease::BasicRedisLease;
};

}  // namespace contend

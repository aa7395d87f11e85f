#pragma once
// redis-lock — a lock kept as a key on a Redis server, the way services lock across machines:
// `SET key token NX PX ttl` takes it, a Lua compare-and-delete (EVALSHA) releases it only for the
// token that holds it, and waiters block on a notification list (BLPOP), which the release pushes
// to, as python-redis-lock does, instead of polling.
//
// Contract (the Lock and TryLock concepts): lock() returns holding the key; try_lock() takes it
// only if it is free; unlock() releases it if this thread (its token: process and thread id) still
// holds it. The key expires kTtlMs after it was taken: a holder paused or dead longer than that
// loses the lock (the lease workload, with its fencing tokens, is where that is measured; here
// holds are short and the TTL long). Not recursive.
// The server's guarantee: each command and each script runs alone, so SET NX admits one holder
// and the release's GET-compare-DEL cannot interleave with another client's SET.
// What the client adds: the token (redis::thread_token), the release script, and the wait: BLPOP on the lock's signal
// list for at most kWaitSeconds, then SET NX again; or, with --retry-interval, a sleep of that long
// between tries (polling, as redis-py's Lock does). A release empties the list and pushes one element
// (with the TTL as its expiry), so one waiter wakes per release; a waiter that misses it (the
// lock expired, nobody released) retries after kWaitSeconds.
// Fairness: none: a release wakes one waiter, and any client's SET NX may come first.
// Memory ordering: everything a holder did before unlock() happens-before what the next holder
// does after lock() only through the server: the release's reply comes after the DEL, and the
// next SET's success after it; contend's own shared memory (the lock workload's counters) is
// ordered by the same round trips (a process's write to the socket and the server's reply are a
// chain of system calls, each a full barrier).
// Process-shared: yes: the object holds only the server's address and the key's name; each
// worker thread or process opens its own connection. A crash: a holder that dies keeps the key
// until its TTL runs out (kTtlMs); a server that dies or stops answering ends the repetition with
// an error naming it (redis_client.hpp), never a hang.
#include <fmt/format.h>
#include <time.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "primitives/backends/backend_settings.hpp"
#include "primitives/backends/redis_client.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class RedisLock {
 public:
  static constexpr std::string_view kName = "redis-lock";
  static constexpr std::string_view kDescription =
      "a key on a Redis server: SET NX PX, compare-and-delete by Lua, waiters notified through BLPOP";
  static constexpr Origin kOrigin = Origin::backend;
  static constexpr bool kProcessShared = true;
  static constexpr std::string_view kBackend = "redis";
  // As the commands take them: PX's milliseconds (30 s), BLPOP's seconds (50 ms).
  static constexpr std::string_view kTtlMs = "30000";
  static constexpr std::string_view kWaitSeconds = "0.05";

  RedisLock(const BackendSettings& settings, Sharing) : retry_interval_ns_(settings.retry_interval_ns) {
    copy_text(address_, first_redis(settings));
    // Each lock of a repetition (the deadlock workload makes several) gets its own key.
    static std::atomic<std::uint32_t> made{0};
    const std::uint32_t id = made.fetch_add(1, std::memory_order_relaxed);
    copy_text(key_, fmt::format("contend:{}:lock:{}", settings.key_space, id));
    copy_text(signal_, fmt::format("contend:{}:lock:{}:signal", settings.key_space, id));
  }

  void lock() {
    redis::Connection& c = redis::connection(address_);
    while (!take(c)) {
      if (retry_interval_ns_ > 0) {
        // --retry-interval: poll, as redis-py's Lock does (its `sleep`), instead of waiting.
        const timespec pause{static_cast<time_t>(retry_interval_ns_ / 1'000'000'000),
                             static_cast<long>(retry_interval_ns_ % 1'000'000'000)};
        nanosleep(&pause, nullptr);
      } else {
        c.command({"BLPOP", signal_, kWaitSeconds});
      }
    }
  }

  bool try_lock() { return take(redis::connection(address_)); }

  void unlock() {
    static constexpr std::string_view kRelease =
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "redis.call('del', KEYS[1]) redis.call('del', KEYS[2]) redis.call('rpush', KEYS[2], '1') "
        "redis.call('pexpire', KEYS[2], ARGV[2]) return 1 end return 0";
    redis::connection(address_).script(kRelease, {key_, signal_}, {redis::thread_token(), kTtlMs});
  }

 private:
  bool take(redis::Connection& c) {
    return c.command({"SET", key_, redis::thread_token(), "NX", "PX", kTtlMs}).is_status("OK");
  }

  const std::int64_t retry_interval_ns_;  // 0: wait on the signal list
  char address_[256] = {};
  char key_[96] = {};
  char signal_[112] = {};
};

}  // namespace contend

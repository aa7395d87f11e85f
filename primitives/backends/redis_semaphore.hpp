#pragma once
// redis-semaphore — a counting semaphore kept on a Redis server: the holders are members of a
// sorted set scored by their expiry, and one Lua script drops the expired ones, counts the rest
// and adds the caller if fewer than the permits hold it. Release removes the caller's member and
// pushes a wake-up onto a signal list that waiters block on (BLPOP), as redis-lock does.
//
// Contract (the Semaphore and TrySemaphore concepts): acquire() returns holding one of the
// permits; try_acquire() takes one only if one is free; release() gives back the one this thread
// took last (a thread may hold several, up to kMaxPermits: the stress check takes every permit
// from one thread). A member expires kTtlMs after it was added: a holder that dies gives its permit
// back then, not before — what the expiry is for (the "permits conserved" check after a run with
// `--fault kill-holder` reports the permits the dead still held).
// The server's guarantee: a script runs alone, so counting and adding are one step and holders
// never exceed the permits. Expiry is read from the server's own clock (TIME inside the script),
// never from a client's, so clients' clocks cannot disagree about it.
// Fairness: none: a release wakes one waiter, and any client's script may come first.
// Memory ordering: as redis-lock (redis_lock.hpp): through the server's round trips.
// Process-shared: yes (the object holds the address and key names; each worker connects itself).
// A crash: see the expiry above; a server lost mid-run ends the repetition as an error naming it
// (redis_client.hpp), never a hang.
//
// The template parameter plants a bug for `contend stress --self-test`
// (primitives/testing/broken_redis_semaphores.hpp); RedisSemaphoreFlaw::none is the real one.
#include <fmt/format.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "primitives/backends/backend_settings.hpp"
#include "primitives/backends/redis_client.hpp"
#include "primitives/primitive.hpp"

namespace contend {

enum class RedisSemaphoreFlaw {
  none,
  // "Redis in Action"'s fair semaphore split in two round trips: INCR a counter for a ticket,
  // then ZADD the ticket and ZRANK it. A client that took its ticket earlier but adds it later
  // ranks ahead of a holder that is already in: two holders of one permit.
  two_round_trips,
};

template <RedisSemaphoreFlaw kFlaw>
class BasicRedisSemaphore {
 public:
  static constexpr Origin kOrigin = Origin::backend;
  static constexpr bool kProcessShared = true;
  static constexpr std::string_view kBackend = "redis";
  static constexpr std::uint32_t kMaxPermits = 64;
  // As the commands take them: the holder's expiry in milliseconds (30 s), BLPOP's seconds (50 ms).
  static constexpr std::string_view kTtlMs = "30000";
  static constexpr std::string_view kWaitSeconds = "0.05";

  BasicRedisSemaphore(std::uint32_t permits, const BackendSettings& settings, Sharing) {
    copy_text(address_, first_redis(settings));
    copy_text(permits_, std::to_string(permits));
    static std::atomic<std::uint32_t> made{0};
    const std::uint32_t id = made.fetch_add(1, std::memory_order_relaxed);
    copy_text(holders_, fmt::format("contend:{}:sem:{}", settings.key_space, id));
    copy_text(signal_, fmt::format("contend:{}:sem:{}:signal", settings.key_space, id));
    copy_text(tickets_, fmt::format("contend:{}:sem:{}:tickets", settings.key_space, id));
  }

  void acquire() {
    redis::Connection& c = redis::connection(address_);
    while (!take(c)) c.command({"BLPOP", signal_, kWaitSeconds});
  }

  bool try_acquire() { return take(redis::connection(address_)); }

  void release() {
    static constexpr std::string_view kRelease =
        "if redis.call('zrem', KEYS[1], ARGV[1]) == 1 then "
        "redis.call('rpush', KEYS[2], '1') redis.call('ltrim', KEYS[2], 0, tonumber(ARGV[2]) - 1) "
        "redis.call('pexpire', KEYS[2], ARGV[3]) return 1 end return 0";
    Held& held = held_here();
    if (held.count == 0) {
      std::fputs("contend: redis-semaphore: release() without a permit held by this thread\n", stderr);
      std::abort();
    }
    --held.count;
    redis::connection(address_).script(kRelease, {holders_, signal_}, {held.members[held.count], permits_, kTtlMs});
  }

 private:
  // The permits this thread holds, newest last: each a member of the holders' set of its own.
  struct Held {
    std::uint32_t count = 0;
    std::uint64_t made = 0;
    char members[kMaxPermits + 1][48];
  };
  static Held& held_here() {
    thread_local Held held;
    thread_local pid_t for_pid = 0;
    if (for_pid != getpid()) {  // a forked worker starts with none
      for_pid = getpid();
      held.count = 0;
    }
    return held;
  }

  bool take(redis::Connection& c) {
    Held& held = held_here();
    if (held.count > kMaxPermits) {
      std::fputs("contend: redis-semaphore: one thread holds more permits than kMaxPermits\n", stderr);
      std::abort();
    }
    char* member = held.members[held.count];
    const auto end = fmt::format_to_n(member, sizeof(held.members[0]) - 1, "{}.{}.{}", getpid(),
                                      static_cast<long>(syscall(SYS_gettid)), held.made++);
    *end.out = '\0';
    if (!admitted(c, member)) return false;
    ++held.count;
    return true;
  }

  bool admitted(redis::Connection& c, std::string_view member) {
    if constexpr (kFlaw == RedisSemaphoreFlaw::none) {
      static constexpr std::string_view kAcquire =
          "local t = redis.call('time') "
          "local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) "
          "redis.call('zremrangebyscore', KEYS[1], '-inf', now) "
          "if redis.call('zcard', KEYS[1]) < tonumber(ARGV[2]) then "
          "redis.call('zadd', KEYS[1], now + tonumber(ARGV[3]), ARGV[1]) return 1 end return 0";
      return c.script(kAcquire, {holders_}, {member, permits_, kTtlMs}).integer() == 1;
    } else {
      // The bug: the ticket and the rank check are two round trips apart.
      static constexpr std::string_view kRank =
          "redis.call('zadd', KEYS[1], ARGV[2], ARGV[1]) "
          "if redis.call('zrank', KEYS[1], ARGV[1]) < tonumber(ARGV[3]) then return 1 end "
          "redis.call('zrem', KEYS[1], ARGV[1]) return 0";
      const std::string ticket = std::to_string(c.command({"INCR", tickets_}).integer());
      return c.script(kRank, {holders_}, {member, ticket, permits_}).integer() == 1;
    }
  }

  char address_[256] = {};
  char permits_[16] = {};
  char holders_[96] = {};
  char signal_[112] = {};
  char tickets_[112] = {};
};

struct RedisSemaphore : BasicRedisSemaphore<RedisSemaphoreFlaw::none> {
  static constexpr std::string_view kName = "redis-semaphore";
  static constexpr std::string_view kDescription =
      "a sorted set on a Redis server: expire, count and add in one Lua script; waiters notified through BLPOP";
  using BasicRedisSemaphore::BasicRedisSemaphore;
};

}  // namespace contend

#pragma once
// redlock-3, redlock-5 — the Redlock algorithm over N independent Redis servers (redis.io's
// "Distributed Locks with Redis"): a lock is held when a majority of the instances accepted it
// in time.
//
// Contract (the Lock and TryLock concepts): an attempt sends `SET key token NX PX ttl` to every
// instance at once, then reads the replies (one round trip, as redsync's parallel requests; each
// with kQuorumTimeoutMs limits, so a dead or paused instance costs at most that). It holds the
// lock when at least N/2+1 said OK and the validity left, TTL − elapsed − drift (TTL/100 + 2 ms),
// is positive; otherwise it releases on every instance and, in lock(), sleeps a random
// kRetryMinUs..kRetryMaxUs before the next attempt (redsync waits 50–250 ms on a WAN; a loopback
// round trip is 30 µs, so a hundredth of that), or 0.5 to 1.5 times --retry-interval when given.
// try_lock() is one attempt.
// unlock() runs the compare-and-delete script (as redis-lock's) on every instance at once,
// ignoring failures: an instance that is down keeps the key until its TTL.
// The servers' guarantee: each instance runs each command alone; the majority is what makes the
// lock exclusive — as long as no instance forgets a key it granted before the key's TTL has run
// out. One that restarts without persistence does forget: a holder with exactly a majority then
// shares the lock with the next client (scripts/servers.sh restart; README, "Redlock"), unless
// the restarted instance stays unavailable for a TTL first (Redlock's "delayed restarts").
// Fairness: none: attempts race, and the losers back off at random.
// Memory ordering: as redis-lock (redis_lock.hpp): through the servers' round trips.
// Process-shared: yes (the object holds the addresses and the key's name; each worker thread or
// process opens its own connections). A crash: a holder that dies keeps the key on its majority
// until kTtlMs; an instance that dies or stops answering is a vote lost, never an error, and the
// run goes on while a majority answers.
#include <fmt/format.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "primitives/backends/backend_settings.hpp"
#include "primitives/backends/redis_client.hpp"
#include "primitives/primitive.hpp"

namespace contend {

template <int N>
class Redlock {
 public:
  static constexpr Origin kOrigin = Origin::backend;
  static constexpr bool kProcessShared = true;
  static constexpr std::string_view kBackend = "redis";
  static constexpr std::uint32_t kRedisServers = N;
  // PX's milliseconds: 2 s, long against the lock workload's holds, short enough that a
  // restart delayed by it (the fault experiment) takes seconds, not the 30 s of redis-lock.
  static constexpr std::int64_t kTtlMs = 2000;
  static constexpr std::int64_t kRetryMinUs = 500;
  static constexpr std::int64_t kRetryMaxUs = 2500;
  static constexpr int kQuorum = N / 2 + 1;

  Redlock(const BackendSettings& settings, Sharing) : retry_interval_ns_(settings.retry_interval_ns) {
    const std::vector<std::string> all = redis::split_addresses(settings.redis);
    if (all.size() < static_cast<std::size_t>(N)) {
      // The plan refuses this before a run (cli/redis_servers.cpp); a direct user of the class
      // learns it here.
      std::fprintf(stderr, "contend: redlock-%d needs %d Redis servers, got %zu\n", N, N, all.size());
      std::_Exit(redis::kServerLostStatus);
    }
    for (int i = 0; i < N; ++i) copy_text(addresses_[i], all[static_cast<std::size_t>(i)]);
    static std::atomic<std::uint32_t> made{0};
    const std::uint32_t id = made.fetch_add(1, std::memory_order_relaxed);
    copy_text(key_, fmt::format("contend:{}:redlock:{}", settings.key_space, id));
  }

  void lock() {
    while (!attempt()) back_off(retry_interval_ns_);
  }

  bool try_lock() { return attempt(); }

  void unlock() { release_everywhere(); }

 private:
  bool attempt() {
    const auto start = std::chrono::steady_clock::now();
    redis::Connection* sent[N] = {};
    for (int i = 0; i < N; ++i) {
      redis::Connection* c = redis::quorum_connection(addresses_[i]);
      if (c != nullptr && c->try_send({"SET", key_, redis::thread_token(), "NX", "PX", ttl_text()})) sent[i] = c;
    }
    int votes = 0;
    for (int i = 0; i < N; ++i) {
      if (sent[i] == nullptr) continue;
      const std::optional<redis::Reply> r = sent[i]->try_receive();
      if (r && r->is_status("OK")) ++votes;
    }
    const std::int64_t elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    const std::int64_t validity_ms = kTtlMs - elapsed_ms - (kTtlMs / 100 + 2);
    if (votes >= kQuorum && validity_ms > 0) return true;
    release_everywhere();
    return false;
  }

  void release_everywhere() {
    static constexpr std::string_view kRelease =
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";
    redis::Connection* sent[N] = {};
    for (int i = 0; i < N; ++i) {
      redis::Connection* c = redis::quorum_connection(addresses_[i]);
      if (c != nullptr && c->try_send_script(kRelease, {key_}, {redis::thread_token()})) sent[i] = c;
    }
    for (int i = 0; i < N; ++i) {
      if (sent[i] != nullptr) (void)sent[i]->try_receive();
    }
  }

  // A random pause of kRetryMinUs..kRetryMaxUs, or of 0.5 to 1.5 times --retry-interval when
  // given (xorshift, seeded per thread), so that the losers of an attempt do not retry in step.
  static void back_off(std::int64_t retry_interval_ns) {
    thread_local std::uint64_t state = 0;
    if (state == 0) state = (static_cast<std::uint64_t>(syscall(SYS_gettid)) << 17) ^ 0x9e3779b97f4a7c15ULL;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    const std::int64_t min_ns = retry_interval_ns > 0 ? retry_interval_ns / 2 : kRetryMinUs * 1000;
    const std::int64_t max_ns = retry_interval_ns > 0 ? retry_interval_ns * 3 / 2 : kRetryMaxUs * 1000;
    const std::int64_t ns = min_ns + static_cast<std::int64_t>(state % static_cast<std::uint64_t>(max_ns - min_ns + 1));
    const timespec pause{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    nanosleep(&pause, nullptr);
  }

  static std::string_view ttl_text() {
    static const std::string text = std::to_string(kTtlMs);
    return text;
  }

  const std::int64_t retry_interval_ns_;  // 0: kRetryMinUs..kRetryMaxUs
  char addresses_[N][128] = {};
  char key_[96] = {};
};

struct Redlock3 : Redlock<3> {
  static constexpr std::string_view kName = "redlock-3";
  static constexpr std::string_view kDescription =
      "Redlock over 3 Redis servers: SET NX PX on each, held with 2 votes in time, released everywhere";
  using Redlock::Redlock;
};

struct Redlock5 : Redlock<5> {
  static constexpr std::string_view kName = "redlock-5";
  static constexpr std::string_view kDescription =
      "Redlock over 5 Redis servers: SET NX PX on each, held with 3 votes in time, released everywhere";
  using Redlock::Redlock;
};

}  // namespace contend

#pragma once
// lease-mem — a TTL lease kept in (shared) memory, the way a Redis key with `SET NX PX` keeps
// one: a record {holder's token, expiry, last fencing token} behind a short spinlock, and a
// futex word that waiters sleep on.
//
// Contract (the LeaseStore concept, primitives/primitive.hpp): try_acquire takes the lease when
// it is free or the holder's expiry has passed on CLOCK_MONOTONIC (the same clock in every
// process), and hands out the next fencing token; release and renew act only for the token that
// holds a live lease — an expired lease is as good as deleted, as an expired Redis key is.
// Waiting: wait(until) sleeps on the change counter until a release, or until the holder's
// expiry (when the lease is taken by the next caller) or `until`, whichever comes first; a
// release wakes every sleeper (they race for it, as redis-py's pollers do, but without the poll
// interval). Fairness: none: the first try_acquire after a release wins, sleeper or not.
// Memory ordering: the record's spinlock is taken with acquire and dropped with release, so what
// a holder wrote before release() happens-before what the next holder does after its grant.
// Process-shared: yes (plain words and a futex keyed by the mapping's page in process mode).
// A crash: a holder that dies keeps the lease until its TTL runs out, then the next caller takes
// it — what a TTL is for. A process killed inside one of these calls, holding the spinlock for
// its few instructions, would block everyone: the progress watchdog would say `hang`.
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>

#include "primitives/cpu_relax.hpp"
#include "primitives/futex.hpp"
#include "primitives/primitive.hpp"

namespace contend {

namespace detail {

// The record and its machinery, shared by lease-mem and the planted bugs built from it
// (primitives/testing/broken_leases.hpp), which differ only in one decision each.
class LeaseCell {
 public:
  explicit LeaseCell(Sharing sharing) : sharing_(sharing) {}

  static std::int64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  }

  // The record's spinlock: held for a handful of instructions, so spinning is right; a yield
  // now and then lets a descheduled holder of it run when workers outnumber cores.
  class Guard {
   public:
    explicit Guard(LeaseCell& c) : c_(c) {
      for (std::uint32_t tries = 1; c_.locked_.exchange(1, std::memory_order_acquire) != 0; ++tries) {
        if ((tries & 63) == 0) sched_yield();
        cpu_relax();
      }
    }
    ~Guard() { c_.locked_.store(0, std::memory_order_release); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;

   private:
    LeaseCell& c_;
  };

  // Under the guard: whether a live lease is held at `now`.
  bool live(std::int64_t now) const { return holder_ != 0 && now < expires_ns_; }

  // Under the guard: the lease goes to `token` until now + ttl, with the next fencing token.
  std::uint64_t grant(std::uint64_t token, std::int64_t now, std::int64_t ttl_ns) {
    holder_ = token;
    expires_ns_ = now + ttl_ns;
    return ++fence_;
  }

  // Under the guard: the lease is free; returns whether anyone sleeps in wait() to be woken
  // (after the guard is dropped, with wake_waiters()).
  bool clear() {
    holder_ = 0;
    changes_.fetch_add(1, std::memory_order_relaxed);
    return waiters_ != 0;
  }

  void wake_waiters() { futex::wake(changes_, INT_MAX, sharing_); }

  // The correct operations (LeaseStore), which lease-mem forwards to.
  std::uint64_t try_acquire(std::uint64_t token, std::int64_t ttl_ns) {
    Guard g(*this);
    const std::int64_t now = now_ns();
    if (live(now)) return 0;
    return grant(token, now, ttl_ns);
  }
  bool release(std::uint64_t token) {
    bool wake = false;
    {
      Guard g(*this);
      if (holder_ != token || !live(now_ns())) return false;
      wake = clear();
    }
    if (wake) wake_waiters();
    return true;
  }
  bool renew(std::uint64_t token, std::int64_t ttl_ns) {
    Guard g(*this);
    const std::int64_t now = now_ns();
    if (holder_ != token || !live(now)) return false;
    expires_ns_ = now + ttl_ns;
    return true;
  }

  // Sleeps until the lease may be free: a release (the change counter moves), the holder's
  // expiry, or `until_ns`. The counter is read under the guard, so a release after that read
  // makes the futex wait return at once: no wake-up is lost.
  void wait(std::int64_t until_ns) {
    std::uint32_t seen = 0;
    std::int64_t wake_at = 0;
    std::int64_t now = 0;
    {
      Guard g(*this);
      now = now_ns();
      if (!live(now)) return;
      seen = changes_.load(std::memory_order_relaxed);
      wake_at = std::min(until_ns, expires_ns_);
      ++waiters_;
    }
    futex::wait_for(changes_, seen, wake_at - now, sharing_);
    Guard g(*this);
    --waiters_;
  }

  std::uint64_t holder_ = 0;
  std::int64_t expires_ns_ = 0;
  std::uint64_t fence_ = 0;

 private:
  std::atomic<std::uint32_t> locked_{0};
  std::atomic<std::uint32_t> changes_{0};
  std::uint32_t waiters_ = 0;
  const Sharing sharing_;
};

}  // namespace detail

class MemLease {
 public:
  static constexpr std::string_view kName = "lease-mem";
  static constexpr std::string_view kDescription =
      "own TTL lease in shared memory: token, expiry and fencing counter behind a spinlock; waiters on a futex";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  explicit MemLease(Sharing sharing) : cell_(sharing) {}

  std::uint64_t try_acquire(std::uint64_t token, std::int64_t ttl_ns) { return cell_.try_acquire(token, ttl_ns); }
  bool release(std::uint64_t token) { return cell_.release(token); }
  bool renew(std::uint64_t token, std::int64_t ttl_ns) { return cell_.renew(token, ttl_ns); }
  void wait(std::int64_t until_ns) { cell_.wait(until_ns); }

 private:
  detail::LeaseCell cell_;
};

}  // namespace contend

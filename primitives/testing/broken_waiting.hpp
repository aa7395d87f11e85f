#pragma once
// Planted bugs that break progress or bounded waiting while the other workers go on: the ones
// the whole-run progress watchdog misses, because the next worker that contends rescues the
// victim (see broken_locks.hpp for what planted bugs are for). `contend stress --self-test`
// runs each; each says which check must catch it.
//
// broken-rare-wakeup   a futex mutex (Drepper's "mutex 2") whose unlock() skips the wake once in
//                      10,000 unlocks that owe one. The sleeper stays asleep while the lock is
//                      free until someone else contends. Caught by "lost wake-up".
// broken-waiter-flag   the same mutex, but a woken waiter retakes the lock with 0 -> 1 ("held, no
//                      waiters") instead of 2: the other sleepers are forgotten, and its unlock
//                      wakes nobody (the classic "mutex 1" bug). Caught by "lost wake-up".
// broken-sem-no-wake   a futex semaphore whose release() skips the wake when the count was 0 —
//                      exactly when a sleeper may be waiting for it. Caught by "lost wake-up".
// broken-fifo-barging  says FIFO (a ticket queue), but an arriving lock() first tries to grab the
//                      lock outright, ahead of everyone queued. Caught by "bounded waiting": the
//                      FIFO bound on overtakes.
//
// Process-shared: yes, all of them (atomic words, futexes in the form the mode asks for).
// Fairness: none, whatever broken-fifo-barging claims.
#include <sched.h>

#include <atomic>
#include <cstdint>

#include "primitives/cpu_relax.hpp"
#include "primitives/futex.hpp"
#include "primitives/primitive.hpp"

namespace contend {

// Drepper's "mutex 2": 0 free, 1 held, 2 held and maybe sleepers. `Bug` says when an unlock that
// owes a wake skips it, and whether a woken waiter forgets the other sleepers.
template <class Bug>
class BrokenFutexMutex {
 public:
  static constexpr std::string_view kName = Bug::kName;
  static constexpr std::string_view kDescription = Bug::kDescription;
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  explicit BrokenFutexMutex(Sharing sharing) : sharing_(sharing) {}

  void lock() {
    std::uint32_t c = 0;
    if (state_.compare_exchange_strong(c, 1, std::memory_order_acquire)) return;
    if (c != 2) c = state_.exchange(2, std::memory_order_acquire);
    while (c != 0) {
      futex::wait(state_, 2, sharing_);
      if constexpr (Bug::kWokenWaiterClearsFlag) {
        // The bug: a woken waiter that finds the lock free takes it as "no waiters".
        c = 0;
        if (state_.compare_exchange_strong(c, 1, std::memory_order_acquire)) return;
      }
      c = state_.exchange(2, std::memory_order_acquire);
    }
  }
  void unlock() {
    if (state_.fetch_sub(1, std::memory_order_release) != 1) {
      // Counted while still holding the lock (the state is 2 until the store): guarded by it.
      const bool skip = Bug::kSkipWakeEvery != 0 && ++owed_wakes_ % Bug::kSkipWakeEvery == 0;
      state_.store(0, std::memory_order_release);
      if (!skip) futex::wake(state_, 1, sharing_);
    }
  }

 private:
  std::atomic<std::uint32_t> state_{0};
  const Sharing sharing_;
  std::uint64_t owed_wakes_ = 0;
};

struct RareWakeupBug {
  static constexpr std::string_view kName = "broken-rare-wakeup";
  static constexpr std::string_view kDescription =
      "planted bug: a futex mutex whose unlock() skips the wake once in 10,000";
  static constexpr std::uint64_t kSkipWakeEvery = 10'000;
  static constexpr bool kWokenWaiterClearsFlag = false;
};
using BrokenRareWakeupLock = BrokenFutexMutex<RareWakeupBug>;

struct WaiterFlagBug {
  static constexpr std::string_view kName = "broken-waiter-flag";
  static constexpr std::string_view kDescription =
      "planted bug: a woken waiter retakes the futex mutex as 'no waiters', forgetting the other sleepers";
  static constexpr std::uint64_t kSkipWakeEvery = 0;
  static constexpr bool kWokenWaiterClearsFlag = true;
};
using BrokenWaiterFlagLock = BrokenFutexMutex<WaiterFlagBug>;

class BrokenSemNoWake {
 public:
  static constexpr std::string_view kName = "broken-sem-no-wake";
  static constexpr std::string_view kDescription = "planted bug: release() skips the wake when the count was 0";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  BrokenSemNoWake(std::uint32_t permits, Sharing sharing) : count_(permits), sharing_(sharing) {}

  void acquire() {
    while (true) {
      std::uint32_t c = count_.load(std::memory_order_relaxed);
      while (c > 0) {
        if (count_.compare_exchange_weak(c, c - 1, std::memory_order_acquire)) return;
      }
      waiters_.fetch_add(1, std::memory_order_seq_cst);
      futex::wait(count_, 0, sharing_);
      waiters_.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  bool try_acquire() {
    std::uint32_t c = count_.load(std::memory_order_relaxed);
    while (c > 0) {
      if (count_.compare_exchange_weak(c, c - 1, std::memory_order_acquire)) return true;
    }
    return false;
  }
  void release() {
    const std::uint32_t before = count_.fetch_add(1, std::memory_order_seq_cst);
    // The bug: "nobody can be waiting if there were permits" was turned around; the wake is
    // skipped exactly when a sleeper may be waiting for this permit.
    if (before != 0 && waiters_.load(std::memory_order_seq_cst) > 0) futex::wake(count_, 1, sharing_);
  }

 private:
  std::atomic<std::uint32_t> count_;
  std::atomic<std::uint32_t> waiters_{0};
  const Sharing sharing_;
};

class BrokenFifoBargingLock {
 public:
  static constexpr std::string_view kName = "broken-fifo-barging";
  static constexpr std::string_view kDescription =
      "planted bug: a ticket queue that says FIFO, but lock() first grabs the lock ahead of the queue";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;
  static constexpr bool kFifo = true;  // what it claims, and what stress holds it to

  void lock() {
    // The bug: a fast path "for the uncontended case" that does not check the queue.
    if (!held_.exchange(true, std::memory_order_acquire)) return;
    const std::uint32_t ticket = next_.fetch_add(1, std::memory_order_relaxed);
    for (std::uint32_t spins = 1;; ++spins) {
      if (serving_.load(std::memory_order_acquire) == ticket && !held_.exchange(true, std::memory_order_acquire)) {
        serving_.store(ticket + 1, std::memory_order_release);
        return;
      }
      if ((spins & 63) == 0) sched_yield();
      cpu_relax();
    }
  }
  void unlock() { held_.store(false, std::memory_order_release); }

 private:
  alignas(64) std::atomic<bool> held_{false};
  alignas(64) std::atomic<std::uint32_t> next_{0};
  alignas(64) std::atomic<std::uint32_t> serving_{0};
};

}  // namespace contend

#pragma once
// spin-yield — test-and-test-and-set spinlock that gives up the CPU with sched_yield() after
// kSpins reads of a held lock.
//
// Contract: unlock() only by the owner; relocking from the owner never returns. The yield helps
// when workers outnumber cores (a preempted holder gets the CPU back sooner), but it is only a
// hint: the scheduler may run the yielder again at once, so a waiter still burns CPU.
// Fairness: none; whoever sees the lock free first and wins the exchange gets it, and a waiter
// that yielded comes back behind the ones that kept spinning.
// Process-shared: yes — one atomic word, no pointers, no kernel object.
// Memory ordering: the exchange that takes the lock is acquire and the store in unlock() is
// release, so everything before unlock() happens-before everything after the next lock().
//
// Algorithm:
//  1. Read the word; if it looks free, try to take it with one exchange.
//  2. Otherwise `pause` and read again, up to kSpins reads.
//  3. After kSpins failed reads, sched_yield() and start the count again at 1.
#include <sched.h>

#include <atomic>
#include <cstdint>

#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class SpinYieldLock {
 public:
  static constexpr std::string_view kName = "spin-yield";
  static constexpr std::string_view kDescription =
      "test-and-test-and-set spinlock, sched_yield() after 100 spins";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  void lock() {
    for (;;) {
      for (std::uint32_t i = 0; i < kSpins; ++i) {
        if (try_lock()) return;
        cpu_relax();
      }
      sched_yield();
    }
  }

  bool try_lock() {
    // Read first so a waiter does not steal the line from the holder; relaxed because the
    // exchange does the acquiring.
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }

  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  static constexpr std::uint32_t kSpins = 100;
  std::atomic<bool> locked_{false};
};

static_assert(std::atomic<bool>::is_always_lock_free, "process sharing needs a lock-free word");

}  // namespace contend

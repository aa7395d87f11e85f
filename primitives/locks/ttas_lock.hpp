#pragma once
// ttas — test-and-test-and-set spinlock, no backoff.
//
// Contract: unlock() only by the owner; relocking from the owner spins forever. Never sleeps in
// the kernel: a waiter spins (with `pause`), so with more workers than cores it burns the CPU
// the holder needs. On release every waiter sees the line change and all try the exchange at
// once (a thundering herd that ttas-backoff spreads out).
// Fairness: none; whoever sees the lock free first and wins the exchange gets it.
// Process-shared: yes — one atomic word, no pointers, no kernel object.
// Memory ordering: the exchange that takes the lock is acquire and the store in unlock() is
// release, so everything before unlock() happens-before everything after the next lock().
//
// Algorithm:
//  1. Try to take the lock with one exchange.
//  2. On failure, spin reading the word (a read keeps the line shared, so waiters do not steal
//     it from the holder) with `pause` between reads, until it looks free.
//  3. Go back to 1: the word looked free, but another waiter may win the exchange.
#include <atomic>

#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class TtasLock {
 public:
  static constexpr std::string_view kName = "ttas";
  static constexpr std::string_view kDescription = "test-and-test-and-set spinlock, no backoff";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  void lock() {
    while (locked_.exchange(true, std::memory_order_acquire)) {
      // Relaxed: this read only decides when to try again; the exchange does the acquiring.
      while (locked_.load(std::memory_order_relaxed)) cpu_relax();
    }
  }

  bool try_lock() {
    // Read first so a failing try_lock does not steal the line from the holder.
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }

  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

static_assert(std::atomic<bool>::is_always_lock_free, "process sharing needs a lock-free word");

}  // namespace contend

#pragma once
// tas — test-and-set spinlock: every attempt is an atomic exchange.
//
// Contract: unlock() only by the owner; relocking from the owner spins forever. Never sleeps in
// the kernel: a waiter spins (with `pause`), so with more workers than cores it burns the CPU
// the holder needs. Each failed exchange takes the cache line exclusive, so waiters steal the
// line from the holder and from each other — the baseline that ttas and ttas-backoff improve on.
// Fairness: none; whichever exchange reaches the line first after the release wins.
// Process-shared: yes — one atomic word, no pointers, no kernel object.
// Memory ordering: the exchange that takes the lock is acquire and the store in unlock() is
// release, so everything before unlock() happens-before everything after the next lock().
#include <atomic>

#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class TasLock {
 public:
  static constexpr std::string_view kName = "tas";
  static constexpr std::string_view kDescription = "test-and-set spinlock: spins on exchange, pause between tries";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  void lock() {
    while (locked_.exchange(true, std::memory_order_acquire)) cpu_relax();
  }

  bool try_lock() { return !locked_.exchange(true, std::memory_order_acquire); }

  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

static_assert(std::atomic<bool>::is_always_lock_free, "process sharing needs a lock-free word");

}  // namespace contend

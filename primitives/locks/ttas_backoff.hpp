#pragma once
// ttas-backoff — test-and-test-and-set spinlock with bounded exponential backoff.
//
// Contract: unlock() only by the owner. Never sleeps in the kernel: a waiter spins (with
// `pause`), so with more workers than cores it burns the CPU the holder needs.
// Fairness: none; whoever sees the lock free first and wins the exchange gets it.
// Process-shared: yes — one atomic word, no pointers, no kernel object.
// Memory ordering: the successful exchange in lock() is acquire and the store in unlock() is
// release, so everything before unlock() happens-before everything after the next lock().
//
// Algorithm:
//  1. Try to take the lock with one exchange.
//  2. On failure, spin reading the word (a read keeps the line shared, no coherence traffic)
//     until it looks free, pausing `backoff` times between reads.
//  3. Double `backoff` after each failed attempt, up to kMaxBackoff, so contenders spread out.
#include <atomic>
#include <cstdint>

#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class TtasBackoffLock {
 public:
  static constexpr std::string_view kName = "ttas-backoff";
  static constexpr std::string_view kDescription =
      "test-and-test-and-set spinlock, exponential backoff with pause";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  void lock() {
    std::uint32_t backoff = kMinBackoff;
    while (locked_.exchange(true, std::memory_order_acquire)) {
      do {
        for (std::uint32_t i = 0; i < backoff; ++i) cpu_relax();
        if (backoff < kMaxBackoff) backoff *= 2;
      } while (locked_.load(std::memory_order_relaxed));
    }
  }

  bool try_lock() {
    // Read first so a failing try_lock does not steal the line from the holder.
    return !locked_.load(std::memory_order_relaxed) &&
           !locked_.exchange(true, std::memory_order_acquire);
  }

  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  static constexpr std::uint32_t kMinBackoff = 4;
  static constexpr std::uint32_t kMaxBackoff = 1024;
  std::atomic<bool> locked_{false};
};

static_assert(std::atomic<bool>::is_always_lock_free, "process sharing needs a lock-free word");

}  // namespace contend

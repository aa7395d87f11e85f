#pragma once
// hybrid — our spin-then-park mutex on one futex word, in the spirit of WebKit's WTF::Lock,
// folly's and Drepper's "Futexes Are Tricky" mutex 3.
//
// Contract: unlock() only by the owner; relocking from the owner deadlocks. A waiter spins
// briefly (kSpins relaxed reads with `pause`) in case the holder is about to leave, then sleeps
// in FUTEX_WAIT, so with more workers than cores it gives the CPU back. An uncontended
// lock()/unlock() is one CAS and one exchange, no system call; unlock() enters the kernel only
// when someone may be asleep.
// Fairness: none; a running thread may take the lock ahead of a woken sleeper (barging), which
// buys throughput and allows starvation in theory.
// Process-shared: yes, when constructed with Sharing::process_shared — one word, no pointers;
// the futex calls then use the shared (non-PRIVATE) form so waiters in other processes wake.
// Memory ordering: every operation that takes the lock (the CAS from 0, the exchange that finds
// 0) is acquire and the exchange in unlock() is release, so everything before unlock()
// happens-before everything after the next lock().
//
// Algorithm (state: 0 unlocked, 1 locked, 2 locked and someone may be asleep):
//  1. lock(): CAS 0 -> 1. On failure, spin up to kSpins reads, retrying the CAS whenever the
//     word reads 0; stop spinning early if it reads 2 (sleepers exist: join them, do not barge).
//  2. Then exchange the word to 2. If it was 0 we hold the lock (in state 2, which may cost one
//     unneeded wake later, never a lost one). Otherwise FUTEX_WAIT while it is 2, and repeat.
//  3. unlock(): exchange the word to 0; if it was 2, FUTEX_WAKE one sleeper.
//
// Why no wake-up is lost: a thread sleeps only in FUTEX_WAIT(word, 2), and the kernel checks
// that the word is still 2 atomically with queuing the sleeper, so a sleeper always went to
// sleep while the word was 2. Before sleeping it set the word to 2 itself (step 2), so the word
// leaves 2 only through an unlock() exchange, which sees the 2 and wakes one sleeper. The woken
// thread sets the word back to 2 (it cannot know whether others still sleep), so the next
// unlock() wakes the next sleeper, and so on. If an unlock() lands between a waiter's exchange
// and its FUTEX_WAIT, the word is no longer 2, the wait returns at once and the waiter retries.
// A thread that takes the lock by CAS 0 -> 1 while sleepers exist leaves state 1, but only after
// an unlock() that woke a sleeper; that sleeper's exchange turns 1 into 2 before it sleeps again,
// so the barger's unlock() wakes it.
#include <atomic>
#include <cstdint>

#include "primitives/cpu_relax.hpp"
#include "primitives/futex.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class HybridLock {
 public:
  static constexpr std::string_view kName = "hybrid";
  static constexpr std::string_view kDescription =
      "own spin-then-park futex mutex (Drepper's mutex 3): ~100 spins, then FUTEX_WAIT";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  explicit HybridLock(Sharing sharing) : sharing_(sharing) {}

  void lock() {
    if (try_lock()) return;
    std::uint32_t seen = kLocked;
    for (std::uint32_t i = 0; i < kSpins && seen != kSleepers; ++i) {
      cpu_relax();
      // Relaxed: the read only decides whether to try; the CAS does the acquiring.
      seen = state_.load(std::memory_order_relaxed);
      if (seen == kUnlocked && try_lock()) return;
    }
    // Acquire: returning kUnlocked means this exchange took the lock.
    while (state_.exchange(kSleepers, std::memory_order_acquire) != kUnlocked) {
      futex::wait(state_, kSleepers, sharing_);
    }
  }

  bool try_lock() {
    std::uint32_t expected = kUnlocked;
    return state_.compare_exchange_strong(expected, kLocked, std::memory_order_acquire,
                                          std::memory_order_relaxed);
  }

  void unlock() {
    if (state_.exchange(kUnlocked, std::memory_order_release) == kSleepers) {
      futex::wake(state_, 1, sharing_);
    }
  }

 private:
  static constexpr std::uint32_t kUnlocked = 0;
  static constexpr std::uint32_t kLocked = 1;
  static constexpr std::uint32_t kSleepers = 2;
  static constexpr std::uint32_t kSpins = 100;

  std::atomic<std::uint32_t> state_{kUnlocked};
  const Sharing sharing_;
};

}  // namespace contend

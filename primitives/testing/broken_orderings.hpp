#pragma once
// Planted bugs whose machine code on x86-64 equals the correct version's: a weaker memory order
// than the algorithm needs (see broken_locks.hpp for what planted bugs are for). x86 orders
// every plain store after the stores before it (TSO), and GCC 12 emits the same instruction for
// the weaker order (checked with objdump: `movb $0` for a relaxed and a release store; `lock
// xadd` and `lock cmpxchg` whatever the order), so on this machine they behave exactly as the
// correct primitives do and no test run here can catch them. They are listed apart in the
// README's mutation score as "equivalent on this platform — needs ThreadSanitizer's model or a
// weak-memory machine (ARM, POWER)", not counted as missed, and `--self-test` does not run them.
// (The compiler may also move the critical section's plain accesses past a relaxed store once
// it is inlined; with the workloads' relaxed-atomic counters GCC 12 does not.)
//
// broken-relaxed-unlock  the ttas spinlock whose unlock() stores `false` relaxed instead of with
//                        release: on a weak-memory machine the next holder may not see the
//                        critical section's writes (lost updates).
// broken-relaxed-sem     a spinning counting semaphore whose acquire takes a permit with a
//                        relaxed CAS and whose release gives it back with a relaxed fetch_add:
//                        a holder's writes are not ordered before the next holder's reads.
//
// Process-shared: yes (one atomic word each). Fairness: none.
#include <sched.h>

#include <atomic>
#include <cstdint>

#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class BrokenRelaxedUnlockLock {
 public:
  static constexpr std::string_view kName = "broken-relaxed-unlock";
  static constexpr std::string_view kDescription =
      "planted bug, equivalent on x86: the ttas spinlock with a relaxed instead of a release unlock";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  void lock() {
    while (locked_.exchange(true, std::memory_order_acquire)) {
      while (locked_.load(std::memory_order_relaxed)) cpu_relax();
    }
  }
  bool try_lock() {
    return !locked_.load(std::memory_order_relaxed) && !locked_.exchange(true, std::memory_order_acquire);
  }
  // The bug: relaxed, so nothing orders the critical section's writes before it.
  void unlock() { locked_.store(false, std::memory_order_relaxed); }

 private:
  std::atomic<bool> locked_{false};
};

class BrokenRelaxedSemaphore {
 public:
  static constexpr std::string_view kName = "broken-relaxed-sem";
  static constexpr std::string_view kDescription =
      "planted bug, equivalent on x86: a spinning semaphore whose CAS and fetch_add are relaxed";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  explicit BrokenRelaxedSemaphore(std::uint32_t permits) : count_(permits) {}

  void acquire() {
    while (!try_acquire()) sched_yield();
  }
  bool try_acquire() {
    std::uint32_t c = count_.load(std::memory_order_relaxed);
    while (c > 0) {
      // The bug: relaxed where it must be acquire.
      if (count_.compare_exchange_weak(c, c - 1, std::memory_order_relaxed)) return true;
    }
    return false;
  }
  // The bug: relaxed where it must be release.
  void release() { count_.fetch_add(1, std::memory_order_relaxed); }

 private:
  std::atomic<std::uint32_t> count_;
};

}  // namespace contend

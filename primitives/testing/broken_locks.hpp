#pragma once
// Planted bugs in locks, one for each check of `contend stress` that a lock can fail. Hidden
// from `list` unless --show-broken; `contend stress --self-test` runs each and passes only if
// stress catches it with the right verdict. Each says which check must catch it.
//
// broken-tas-race     lock() reads the word and then writes it, not one atomic exchange: two
//                     workers can both see it free and both enter. Caught by mutual exclusion
//                     (strong and transparent) and lost updates.
// broken-trylock      lock() and unlock() are a correct ttas, but try_lock() takes the lock
//                     without looking. Caught by "try_lock while held".
// broken-lost-wakeup  a futex mutex (Drepper's "mutex 2") whose unlock() stops waking sleepers
//                     after 1000 acquisitions: a waiter that went to sleep is never woken, and
//                     the run cannot end. Caught by the progress watchdog: `hang`.
// broken-starve       a barging lock: a waiter may take the lock only once nobody released it
//                     for 50 ms, while the holder re-takes it at once, so one worker keeps it
//                     and the others wait out the run. Caught by the starvation check (at
//                     once, by the per-worker stall check, when the run outlasts --stall). The
//                     patience is 5 times stress's 10 ms quiet periods, in which the holder
//                     steps out, so that they do not hand the lock to another worker.
// broken-race-hang    lock() enters a held lock anyway once in 8 tries that find it held, and
//                     unlock() stops releasing after 50,000: it breaks exclusion, then hangs. The verdict must keep the
//                     exclusion failures seen before the hang, with their first occurrence.
// (broken-hang and broken-crash, the watchdog's and the crash verdict's, have headers of their
// own.)
//
// Process-shared: yes, all of them (atomic words only). Fairness: none.
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdint>

#include "primitives/cpu_relax.hpp"
#include "primitives/futex.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class BrokenTasRaceLock {
 public:
  static constexpr std::string_view kName = "broken-tas-race";
  static constexpr std::string_view kDescription = "planted bug: lock() checks, then sets (no atomic exchange)";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  void lock() {
    while (true) {
      while (locked_.load(std::memory_order_acquire)) cpu_relax();
      // The bug: between the load above and this store, another worker can do the same. The
      // pauses stand for the code a real check-then-act has between the two (a few ns); without
      // them the window is two instructions wide and a run of millions may never hit it.
      cpu_relax();
      cpu_relax();
      locked_.store(true, std::memory_order_relaxed);
      return;
    }
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

class BrokenTryLock {
 public:
  static constexpr std::string_view kName = "broken-trylock";
  static constexpr std::string_view kDescription = "planted bug: try_lock() succeeds even while the lock is held";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  void lock() {
    while (locked_.exchange(true, std::memory_order_acquire)) {
      while (locked_.load(std::memory_order_relaxed)) cpu_relax();
    }
  }
  bool try_lock() {
    locked_.store(true, std::memory_order_relaxed);  // the bug: takes it without looking
    return true;
  }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

class BrokenLostWakeupLock {
 public:
  static constexpr std::string_view kName = "broken-lost-wakeup";
  static constexpr std::string_view kDescription =
      "planted bug: a futex mutex whose unlock() stops waking sleepers after 1000 acquisitions";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  explicit BrokenLostWakeupLock(Sharing sharing) : sharing_(sharing) {}

  void lock() {
    std::uint32_t c = 0;
    if (state_.compare_exchange_strong(c, 1, std::memory_order_acquire)) return count();
    if (c != 2) c = state_.exchange(2, std::memory_order_acquire);
    while (c != 0) {
      futex::wait(state_, 2, sharing_);
      c = state_.exchange(2, std::memory_order_acquire);
    }
    count();
  }
  void unlock() {
    // Read while still holding the lock: the count is guarded by it.
    const bool wake_enabled = acquisitions_ < kWakeUntil;
    if (state_.fetch_sub(1, std::memory_order_release) != 1) {
      state_.store(0, std::memory_order_release);
      // The bug: after kWakeUntil acquisitions the wake is "optimized away".
      if (wake_enabled) futex::wake(state_, 1, sharing_);
    }
  }

 private:
  static constexpr std::uint64_t kWakeUntil = 1000;
  void count() { ++acquisitions_; }  // under the lock

  std::atomic<std::uint32_t> state_{0};  // 0 free, 1 held, 2 held and maybe waiters
  const Sharing sharing_;
  std::uint64_t acquisitions_ = 0;
};

class BrokenRaceHangLock {
 public:
  static constexpr std::string_view kName = "broken-race-hang";
  static constexpr std::string_view kDescription =
      "planted bug: lock() enters a held lock once in 8 tries, and after 50,000 unlocks stops releasing";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  void lock() {
    while (locked_.exchange(true, std::memory_order_acquire)) {
      // The first bug: a "give up waiting" path that enters anyway, once in 8 attempts that
      // find the lock held, so whoever holds it has company.
      if (busy_attempts_.fetch_add(1, std::memory_order_relaxed) % 8 == 7 &&
          releases_.load(std::memory_order_relaxed) < kReleaseUntil) {
        skipped_ = true;
        return;
      }
      sched_yield();
    }
  }
  void unlock() {
    if (skipped_) {
      skipped_ = false;
      return;
    }
    if (releases_.fetch_add(1, std::memory_order_relaxed) >= kReleaseUntil) return;  // the second: the hang
    locked_.store(false, std::memory_order_release);
  }

 private:
  static constexpr std::uint64_t kReleaseUntil = 50'000;
  std::atomic<bool> locked_{false};
  std::atomic<std::uint64_t> busy_attempts_{0};
  std::atomic<std::uint64_t> releases_{0};
  static inline thread_local bool skipped_ = false;  // this worker's acquisition took nothing
};

class BrokenStarveLock {
 public:
  static constexpr std::string_view kName = "broken-starve";
  static constexpr std::string_view kDescription =
      "planted bug: a waiter may take the lock only after nobody released it for 50 ms";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  void lock() {
    if (!locked_.exchange(true, std::memory_order_acquire)) return;  // the barging fast path
    // The bug: a "polite" waiter steps aside while the lock is busy, and the lock is busy as
    // long as its holder keeps re-taking it.
    while (true) {
      if (!locked_.load(std::memory_order_relaxed) &&
          now_ns() - last_release_ns_.load(std::memory_order_relaxed) >= kPatienceNs &&
          !locked_.exchange(true, std::memory_order_acquire)) {
        return;
      }
      sched_yield();
    }
  }
  void unlock() {
    last_release_ns_.store(now_ns(), std::memory_order_relaxed);
    locked_.store(false, std::memory_order_release);
  }

 private:
  static constexpr std::int64_t kPatienceNs = 50'000'000;
  static std::int64_t now_ns() { return std::chrono::steady_clock::now().time_since_epoch().count(); }

  std::atomic<bool> locked_{false};
  std::atomic<std::int64_t> last_release_ns_{0};
};

}  // namespace contend

#pragma once
// Planted bugs in semaphores and reader-writer locks, one for each check of `contend stress`
// they can fail (see broken_locks.hpp for what planted bugs are for).
//
// broken-sem-race    acquire() checks that the count is positive, then decrements it (no
//                    compare-exchange): two workers can take the last permit. Caught by
//                    "holders within permits"; the count itself stays consistent.
// broken-sem-leak    the 1000th release() loses its permit. With --permits 2 or more the run goes
//                    on with one permit fewer; caught by "permits conserved" after the run.
// broken-rw-reader   readers and writers ignore each other (only writers exclude writers):
//                    lock_shared() does not wait for a writer, lock() not for readers. Caught
//                    by "writer alone".
//
// Process-shared: yes (atomic words only). Fairness: none.
#include <sched.h>

#include <atomic>
#include <cstdint>

#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class BrokenSemRace {
 public:
  static constexpr std::string_view kName = "broken-sem-race";
  static constexpr std::string_view kDescription = "planted bug: acquire() checks the count, then decrements it";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  explicit BrokenSemRace(std::uint32_t permits) : count_(static_cast<std::int32_t>(permits)) {}

  void acquire() {
    while (!try_acquire()) cpu_relax();
  }
  bool try_acquire() {
    if (count_.load(std::memory_order_acquire) <= 0) return false;
    // The bug: two workers can both see the last permit and both take it; the count goes
    // below zero, and more workers hold it than it has permits. The pauses stand for the few
    // ns of code a real check-then-act has between the two.
    cpu_relax();
    cpu_relax();
    count_.fetch_sub(1, std::memory_order_acquire);
    return true;
  }
  void release() { count_.fetch_add(1, std::memory_order_release); }

 private:
  std::atomic<std::int32_t> count_;
};

class BrokenSemLeak {
 public:
  static constexpr std::string_view kName = "broken-sem-leak";
  static constexpr std::string_view kDescription = "planted bug: the 1000th release() loses its permit";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  explicit BrokenSemLeak(std::uint32_t permits) : count_(permits) {}

  void acquire() {
    while (!try_acquire()) cpu_relax();
  }
  bool try_acquire() {
    std::uint32_t c = count_.load(std::memory_order_relaxed);
    while (c != 0) {
      if (count_.compare_exchange_weak(c, c - 1, std::memory_order_acquire)) return true;
    }
    return false;
  }
  void release() {
    if (releases_.fetch_add(1, std::memory_order_relaxed) + 1 == kLeakAt) return;  // the bug
    count_.fetch_add(1, std::memory_order_release);
  }

 private:
  static constexpr std::uint64_t kLeakAt = 1000;
  std::atomic<std::uint32_t> count_;
  std::atomic<std::uint64_t> releases_{0};
};

class BrokenRwReader {
 public:
  static constexpr std::string_view kName = "broken-rw-reader";
  static constexpr std::string_view kDescription = "planted bug: readers and writers ignore each other";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  // Writers exclude each other only: neither side waits for the other (the bug).
  void lock() {
    while (writer_.exchange(true, std::memory_order_acquire)) cpu_relax();
  }
  void unlock() { writer_.store(false, std::memory_order_release); }
  void lock_shared() {}  // the bug: ignores writer_
  void unlock_shared() {}

 private:
  std::atomic<bool> writer_{false};
};

}  // namespace contend

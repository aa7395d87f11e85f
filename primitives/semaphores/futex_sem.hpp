#pragma once
// futex-sem — our counting semaphore on a futex: a permit count that waiters sleep on, and a
// count of registered waiters so that release() makes a system call only when someone may sleep.
//
// Contract: release() may be called by anyone; releasing more than 2^32 - 1 permits in total
// beyond what was acquired is undefined (the count wraps). A thread that finds no permit goes to
// the kernel at once; there is no spinning phase.
// Fairness: none. An arriving acquire() takes a free permit ahead of sleepers (barging), and a
// woken sleeper competes again, so a sleeper can in principle wait forever.
// Process-shared: yes — two atomic words and the Sharing value, no pointers. Constructed with
// Sharing::process_shared it uses the shared futex operations, which forked waiters see;
// Sharing::thread_private uses FUTEX_PRIVATE_FLAG, which is cheaper but stays in one process.
// Memory ordering: release() increments the count with a seq_cst (so also release) fetch_add,
// and acquire() takes a permit with an acquire CAS; every write to the count is a
// read-modify-write, so the CAS reads from the release sequence of every earlier release():
// everything before a release() happens-before everything after the acquire() it enables.
//
// Algorithm:
//  1. acquire(): while count > 0, CAS it to count - 1; on success we hold a permit.
//  2. Otherwise register: waiters += 1, then loop { re-read count and CAS-decrement it while it
//     is positive; if it is 0, FUTEX_WAIT on the count word with expected value 0 }. Once a
//     permit is taken, waiters -= 1.
//  3. release(): count += 1, then, if waiters > 0, FUTEX_WAKE one sleeper on the count word.
//
// No lost wake-up: the waiter writes `waiters` then reads `count`; release() writes `count` then
// reads `waiters`, all four seq_cst, so at least one of them sees the other's write. If
// release() reads waiters == 0, the waiter's read of the count comes later and sees the new
// permit. If it reads waiters > 0 it calls FUTEX_WAKE after its increment; a waiter that has not
// yet gone to sleep then sleeps only if the kernel, re-reading the word under its wait-queue lock,
// still finds 0 — i.e. someone else already took that permit — and a waiter already asleep is
// woken. Either way each permit reaches a running thread or wakes a sleeper.
//
// Layout: both words share one line, because release() touches both (one line to own, not two);
// the object takes a whole line so that nothing the workload puts next to it false-shares.
#include <atomic>
#include <cstdint>

#include "primitives/cache_line.hpp"
#include "primitives/futex.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class alignas(kCacheLineSize) FutexSemaphore {
 public:
  static constexpr std::string_view kName = "futex-sem";
  static constexpr std::string_view kDescription =
      "own counting semaphore: CAS on a count, futex sleep, waiter count";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  FutexSemaphore(std::uint32_t permits, Sharing sharing) : count_(permits), sharing_(sharing) {}
  FutexSemaphore(const FutexSemaphore&) = delete;
  FutexSemaphore& operator=(const FutexSemaphore&) = delete;

  bool try_acquire() {
    // Relaxed: this read only chooses the CAS's expected value; the CAS is the acquire.
    std::uint32_t c = count_.load(std::memory_order_relaxed);
    while (c > 0) {
      if (count_.compare_exchange_weak(c, c - 1, std::memory_order_acquire,
                                       std::memory_order_relaxed)) {
        return true;
      }
    }
    return false;
  }

  void acquire() {
    if (try_acquire()) return;
    // seq_cst: this store and the count load below are the waiter's half of the handshake with
    // release() described above; weaker orders would let both sides miss each other.
    waiters_.fetch_add(1, std::memory_order_seq_cst);
    for (;;) {
      std::uint32_t c = count_.load(std::memory_order_seq_cst);
      while (c > 0) {
        if (count_.compare_exchange_weak(c, c - 1, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
          // Relaxed: a stale non-zero waiter count only costs a release() one empty wake.
          waiters_.fetch_sub(1, std::memory_order_relaxed);
          return;
        }
      }
      futex::wait(count_, 0, sharing_);
    }
  }

  void release() {
    // seq_cst: the releaser's half of the handshake (and release order for the critical section).
    count_.fetch_add(1, std::memory_order_seq_cst);
    if (waiters_.load(std::memory_order_seq_cst) > 0) futex::wake(count_, 1, sharing_);
  }

 private:
  std::atomic<std::uint32_t> count_;
  std::atomic<std::uint32_t> waiters_{0};
  const Sharing sharing_;
};

static_assert(sizeof(FutexSemaphore) == kCacheLineSize, "one line: see Layout");
static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "process sharing needs lock-free words");

}  // namespace contend

#pragma once
// monitor-sem — the textbook monitor semaphore: a count guarded by a pthread mutex, with a
// condition variable that acquirers wait on while the count is 0.
//
// Contract: release() may be called by anyone; the count must stay below 2^32 - 1.
// try_acquire() never waits for a permit, but it does take the internal mutex, so it can wait
// briefly behind another thread's acquire() or release().
// Fairness: none. glibc's condition variable wakes a waiter, which must then retake the mutex;
// a thread arriving meanwhile can take the permit first (barging), and the woken waiter waits
// again, so a waiter can in principle wait forever.
// Process-shared: yes, when constructed with Sharing::process_shared: the mutex and the
// condition variable are made PTHREAD_PROCESS_SHARED and the count is a plain word, so forked
// workers can share it through a MAP_SHARED mapping.
// Memory ordering: the count is only read and written under the mutex, so release()'s unlock
// happens-before the lock of the acquire() that takes its permit, and everything before a
// release() happens-before everything after that acquire().
//
// Algorithm:
//  1. acquire(): lock; while count == 0, wait on the condition variable; count -= 1; unlock.
//  2. release(): lock; count += 1; unlock; signal one waiter.
//  3. The signal comes after the unlock so that the woken waiter does not wake only to block on
//     a mutex that the releaser still holds; a waiter cannot miss it, because it checked the
//     count and began waiting atomically under the mutex before the releaser could increment.
#include <pthread.h>

#include <cstdint>

#include "primitives/primitive.hpp"
#include "primitives/pthread_objects.hpp"

namespace contend {

class MonitorSemaphore {
 public:
  static constexpr std::string_view kName = "monitor-sem";
  static constexpr std::string_view kDescription =
      "pthread mutex + condition variable + count (pshared in process mode)";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  MonitorSemaphore(std::uint32_t permits, Sharing sharing) : count_(permits) {
    init_pthread_mutex(mutex_, sharing);
    init_pthread_cond(cond_, sharing);
  }
  ~MonitorSemaphore() {
    pthread_cond_destroy(&cond_);
    pthread_mutex_destroy(&mutex_);
  }
  MonitorSemaphore(const MonitorSemaphore&) = delete;
  MonitorSemaphore& operator=(const MonitorSemaphore&) = delete;

  void acquire() {
    pthread_mutex_lock(&mutex_);
    // A loop, not an if: wake-ups may be spurious, and a barging thread may take the permit.
    while (count_ == 0) pthread_cond_wait(&cond_, &mutex_);
    --count_;
    pthread_mutex_unlock(&mutex_);
  }

  void release() {
    pthread_mutex_lock(&mutex_);
    ++count_;
    pthread_mutex_unlock(&mutex_);
    pthread_cond_signal(&cond_);
  }

  bool try_acquire() {
    pthread_mutex_lock(&mutex_);
    const bool took = count_ > 0;
    if (took) --count_;
    pthread_mutex_unlock(&mutex_);
    return took;
  }

 private:
  pthread_mutex_t mutex_;
  pthread_cond_t cond_;
  std::uint32_t count_;
};

}  // namespace contend

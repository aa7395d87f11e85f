#pragma once
// pthread-robust-pshared — a POSIX mutex that is always PTHREAD_PROCESS_SHARED and
// PTHREAD_MUTEX_ROBUST: if its owner dies holding it, the next locker is told (EOWNERDEAD)
// instead of waiting forever.
//
// Contract: unlock() only by the owner; relocking from the owner deadlocks. When lock() or
// try_lock() gets EOWNERDEAD — the previous owner (thread or process) died holding the lock — it
// marks the mutex consistent and returns as the owner: the caller then holds it, but the data
// it protects may be half-updated; this type does not tell the caller, so use it only where a
// half-finished critical section is harmless or checked separately. Any other failure to lock
// aborts, since returning without the lock would hide the error.
// Robustness costs: glibc links every held robust mutex into the owner's robust list, which
// the kernel walks when a thread dies (a few more stores per lock() and unlock()); sleeping and
// waking use the futex as a default mutex does.
// Fairness: none promised; glibc lets a running thread take the lock ahead of woken sleepers.
// Process-shared: yes, always (also in thread mode, so threads pay the shared futex form).
// Memory ordering: unlock() — or the owner's death — happens-before the next lock() that
// acquires it.
#include <pthread.h>

#include <cerrno>
#include <cstdlib>

#include "primitives/primitive.hpp"

namespace contend {

class PthreadRobustMutex {
 public:
  static constexpr std::string_view kName = "pthread-robust-pshared";
  static constexpr std::string_view kDescription =
      "POSIX mutex, PTHREAD_MUTEX_ROBUST + PTHREAD_PROCESS_SHARED: survives an owner's death";
  static constexpr Origin kOrigin = Origin::posix;
  static constexpr bool kProcessShared = true;

  PthreadRobustMutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    // A mutex that cannot be made is a broken environment, not a measurement: stop loudly.
    if (pthread_mutex_init(&mutex_, &attr) != 0) std::abort();
    pthread_mutexattr_destroy(&attr);
  }
  ~PthreadRobustMutex() { pthread_mutex_destroy(&mutex_); }
  PthreadRobustMutex(const PthreadRobustMutex&) = delete;
  PthreadRobustMutex& operator=(const PthreadRobustMutex&) = delete;

  void lock() {
    if (!acquired(pthread_mutex_lock(&mutex_))) std::abort();
  }
  bool try_lock() { return acquired(pthread_mutex_trylock(&mutex_)); }
  void unlock() { pthread_mutex_unlock(&mutex_); }

 private:
  // True when the call left us the owner. EOWNERDEAD also makes us the owner, of a mutex that
  // stays unusable (ENOTRECOVERABLE after unlock) unless we declare it consistent first.
  bool acquired(int rc) {
    if (rc == EOWNERDEAD) {
      pthread_mutex_consistent(&mutex_);
      return true;
    }
    return rc == 0;
  }

  pthread_mutex_t mutex_;
};

}  // namespace contend

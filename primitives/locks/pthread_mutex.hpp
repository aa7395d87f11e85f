#pragma once
// pthread-mutex — a default POSIX mutex (PTHREAD_MUTEX_NORMAL); in process mode it is created
// with PTHREAD_PROCESS_SHARED so that forked workers can share it through a MAP_SHARED mapping.
//
// Contract: unlock() only by the owner; relocking from the owner deadlocks.
// Fairness: none promised; glibc lets a running thread take the lock ahead of woken sleepers.
// Process-shared: yes, when constructed with Sharing::process_shared.
// Memory ordering: unlock() happens-before the next lock() that acquires it.
#include <pthread.h>

#include "primitives/primitive.hpp"
#include "primitives/pthread_objects.hpp"

namespace contend {

class PthreadMutex {
 public:
  static constexpr std::string_view kName = "pthread-mutex";
  static constexpr std::string_view kDescription =
      "POSIX pthread_mutex_t, PTHREAD_PROCESS_SHARED in process mode";
  static constexpr Origin kOrigin = Origin::posix;
  static constexpr bool kProcessShared = true;

  explicit PthreadMutex(Sharing sharing) { init_pthread_mutex(mutex_, sharing); }
  ~PthreadMutex() { pthread_mutex_destroy(&mutex_); }
  PthreadMutex(const PthreadMutex&) = delete;
  PthreadMutex& operator=(const PthreadMutex&) = delete;

  void lock() { pthread_mutex_lock(&mutex_); }
  void unlock() { pthread_mutex_unlock(&mutex_); }
  bool try_lock() { return pthread_mutex_trylock(&mutex_) == 0; }

 private:
  pthread_mutex_t mutex_;
};

}  // namespace contend

#pragma once
// pthread-adaptive — a glibc PTHREAD_MUTEX_ADAPTIVE_NP mutex: on contention it spins a bounded,
// self-tuning number of times (trylock with `pause`) before sleeping on the futex like a
// default mutex. In process mode it is created with PTHREAD_PROCESS_SHARED so that forked
// workers can share it through a MAP_SHARED mapping.
//
// Contract: unlock() only by the owner; relocking from the owner deadlocks. A glibc extension
// (the _NP suffix): not portable beyond glibc.
// Fairness: none promised; a spinning or running thread takes the lock ahead of woken sleepers.
// Process-shared: yes, when constructed with Sharing::process_shared.
// Memory ordering: unlock() happens-before the next lock() that acquires it.
#include <pthread.h>

#include "primitives/primitive.hpp"
#include "primitives/pthread_objects.hpp"

namespace contend {

class PthreadAdaptiveMutex {
 public:
  static constexpr std::string_view kName = "pthread-adaptive";
  static constexpr std::string_view kDescription =
      "POSIX mutex, glibc PTHREAD_MUTEX_ADAPTIVE_NP: spins briefly, then sleeps";
  static constexpr Origin kOrigin = Origin::posix;
  static constexpr bool kProcessShared = true;

  explicit PthreadAdaptiveMutex(Sharing sharing) {
    init_pthread_mutex(mutex_, sharing, PTHREAD_MUTEX_ADAPTIVE_NP);
  }
  ~PthreadAdaptiveMutex() { pthread_mutex_destroy(&mutex_); }
  PthreadAdaptiveMutex(const PthreadAdaptiveMutex&) = delete;
  PthreadAdaptiveMutex& operator=(const PthreadAdaptiveMutex&) = delete;

  void lock() { pthread_mutex_lock(&mutex_); }
  void unlock() { pthread_mutex_unlock(&mutex_); }
  bool try_lock() { return pthread_mutex_trylock(&mutex_) == 0; }

 private:
  pthread_mutex_t mutex_;
};

}  // namespace contend

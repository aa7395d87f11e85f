#pragma once
// Making the pthread objects that our primitives embed — mutexes and condition variables — for
// thread mode or process mode, in one place: every pthread-based primitive would otherwise repeat
// the same attribute calls and the same decision about what a failure means.
#include <pthread.h>

#include <cstdlib>

#include "primitives/primitive.hpp"

namespace contend {

// The pthread attribute value for a Sharing: PTHREAD_PROCESS_SHARED for an object that forked
// workers share through a MAP_SHARED mapping, PTHREAD_PROCESS_PRIVATE otherwise.
constexpr int pshared_of(Sharing sharing) {
  return sharing == Sharing::process_shared ? PTHREAD_PROCESS_SHARED : PTHREAD_PROCESS_PRIVATE;
}

// Initializes `mutex` of the given type (PTHREAD_MUTEX_DEFAULT, or a glibc kind such as
// PTHREAD_MUTEX_ADAPTIVE_NP), process-shared when `sharing` says so.
inline void init_pthread_mutex(pthread_mutex_t& mutex, Sharing sharing, int type = PTHREAD_MUTEX_DEFAULT) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  // A mutex or condition variable that cannot be made is a broken environment, not a
  // measurement: stop loudly.
  if (pthread_mutexattr_settype(&attr, type) != 0) std::abort();
  if (pthread_mutexattr_setpshared(&attr, pshared_of(sharing)) != 0) std::abort();
  if (pthread_mutex_init(&mutex, &attr) != 0) std::abort();
  pthread_mutexattr_destroy(&attr);
}

// Initializes `cond`, process-shared when `sharing` says so. Its clock stays the default
// (CLOCK_REALTIME): none of our primitives waits with a timeout.
inline void init_pthread_cond(pthread_cond_t& cond, Sharing sharing) {
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  // As above: a condition variable that cannot be made is a broken environment.
  if (pthread_condattr_setpshared(&attr, pshared_of(sharing)) != 0) std::abort();
  if (pthread_cond_init(&cond, &attr) != 0) std::abort();
  pthread_condattr_destroy(&attr);
}

}  // namespace contend

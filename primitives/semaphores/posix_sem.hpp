#pragma once
// posix-sem — an unnamed POSIX semaphore (sem_init); pshared in process mode, so forked
// workers share it through a MAP_SHARED mapping.
//
// Contract: sem_post may be called by anyone; the count must stay below SEM_VALUE_MAX.
// Fairness: none promised by POSIX; glibc wakes one futex waiter per post with no ordering.
// Process-shared: yes, when constructed with Sharing::process_shared.
// Memory ordering: sem_post() synchronizes-with the sem_wait() that takes its permit (POSIX
// "synchronize memory" semantics).
#include <semaphore.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include "primitives/primitive.hpp"

namespace contend {

class PosixSemaphore {
 public:
  static constexpr std::string_view kName = "posix-sem";
  static constexpr std::string_view kDescription = "POSIX unnamed sem_t, pshared in process mode";
  static constexpr Origin kOrigin = Origin::posix;
  static constexpr bool kProcessShared = true;

  PosixSemaphore(std::uint32_t permits, Sharing sharing) {
    if (sem_init(&sem_, sharing == Sharing::process_shared ? 1 : 0, permits) != 0) std::abort();
  }
  ~PosixSemaphore() { sem_destroy(&sem_); }
  PosixSemaphore(const PosixSemaphore&) = delete;
  PosixSemaphore& operator=(const PosixSemaphore&) = delete;

  void acquire() {
    // sem_wait returns EINTR when a signal handler runs; that is not an acquisition.
    while (sem_wait(&sem_) != 0 && errno == EINTR) {
    }
  }
  void release() { sem_post(&sem_); }
  bool try_acquire() { return sem_trywait(&sem_) == 0; }

 private:
  sem_t sem_;
};

}  // namespace contend

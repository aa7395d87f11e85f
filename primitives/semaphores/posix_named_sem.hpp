#pragma once
// posix-named-sem — a named POSIX semaphore (sem_open) that is unlinked as soon as it is
// opened, so it is never visible by name: what a named semaphore costs once it exists.
//
// Contract: sem_post may be called by anyone; the count must stay below SEM_VALUE_MAX.
// Construction throws std::runtime_error (with the errno text) when sem_open fails, e.g. when
// /dev/shm is missing or full.
// Fairness: none promised by POSIX; glibc wakes one futex waiter per post with no ordering.
// Process-shared: yes, across fork() only. glibc maps the semaphore's file MAP_SHARED and we
// keep the returned sem_t*; fork() copies the address space and keeps shared mappings shared,
// so the pointer names the same semaphore in every forked child. It means nothing in an
// unrelated process, which would have to sem_open the name — and the name is already gone.
// Memory ordering: sem_post() synchronizes-with the sem_wait() that takes its permit (POSIX
// "synchronize memory" semantics).
//
// Lifetime: the name is "/contend-<pid>-<n>", created with O_CREAT|O_EXCL and mode 0600, then
// unlinked immediately, so no exit path (crash, watchdog kill, exception) leaves a file in
// /dev/shm — except a SIGKILL landing between those two calls. The object and the mapping go
// away with sem_close() in the destructor, or with the last process that maps them.
#include <fcntl.h>
#include <semaphore.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

#include "primitives/primitive.hpp"

namespace contend {

class PosixNamedSemaphore {
 public:
  static constexpr std::string_view kName = "posix-named-sem";
  static constexpr std::string_view kDescription =
      "POSIX named sem_open, unlinked at once; shared across fork";
  static constexpr Origin kOrigin = Origin::posix;
  static constexpr bool kProcessShared = true;

  explicit PosixNamedSemaphore(std::uint32_t permits) {
    char name[64];
    // O_EXCL fails with EEXIST only if a file of a process that had our pid was left behind
    // (SIGKILL inside the window above); the next number gives a fresh name.
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
      // Relaxed: the counter only has to hand out distinct numbers within this process.
      const std::uint32_t n = next_id_.fetch_add(1, std::memory_order_relaxed);
      std::snprintf(name, sizeof name, "/contend-%ld-%u", static_cast<long>(getpid()), n);
      sem_ = sem_open(name, O_CREAT | O_EXCL, 0600, static_cast<unsigned>(permits));
      if (sem_ != SEM_FAILED || errno != EEXIST) break;
    }
    if (sem_ == SEM_FAILED) {
      throw std::runtime_error(std::string("posix-named-sem: sem_open failed: ") +
                               std::strerror(errno));
    }
    sem_unlink(name);
  }
  ~PosixNamedSemaphore() { sem_close(sem_); }
  PosixNamedSemaphore(const PosixNamedSemaphore&) = delete;
  PosixNamedSemaphore& operator=(const PosixNamedSemaphore&) = delete;

  void acquire() {
    // sem_wait returns EINTR when a signal handler runs; that is not an acquisition.
    while (sem_wait(sem_) != 0 && errno == EINTR) {
    }
  }
  void release() { sem_post(sem_); }
  bool try_acquire() { return sem_trywait(sem_) == 0; }

 private:
  static constexpr int kMaxAttempts = 16;
  static inline std::atomic<std::uint32_t> next_id_{0};

  sem_t* sem_ = SEM_FAILED;
};

}  // namespace contend

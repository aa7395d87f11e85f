#pragma once
// pthread-rwlock-reader, pthread-rwlock-writer — POSIX pthread_rwlock_t in glibc's two useful
// kinds; in process mode created PTHREAD_PROCESS_SHARED so that forked workers can share it
// through a MAP_SHARED mapping.
//
//  - pthread-rwlock-reader: PTHREAD_RWLOCK_PREFER_READER_NP, glibc's default kind.
//  - pthread-rwlock-writer: PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP. (glibc treats
//    PTHREAD_RWLOCK_PREFER_WRITER_NP exactly like PREFER_READER; only this kind prefers writers.)
//
// Contract: unlock() and unlock_shared() only by a holder of that mode (both are
// pthread_rwlock_unlock). Relocking from a thread that holds the lock is undefined; with the
// writer kind, a thread that takes the read lock a second time while a writer waits deadlocks
// (hence "NONRECURSIVE").
// Fairness: reader kind — a reader gets in whenever readers hold the lock, even with writers
// waiting, so a steady stream of readers starves writers. Writer kind — once a writer waits, new
// readers wait too, so a steady stream of writers starves readers. Neither is FIFO.
// Process-shared: yes, when constructed with Sharing::process_shared.
// Memory ordering: unlock() happens-before the next lock() or lock_shared() that acquires it;
// unlock_shared() happens-before the next lock() that acquires it (POSIX "synchronize memory").
#include <pthread.h>

#include <cerrno>
#include <cstdlib>

#include "primitives/primitive.hpp"
#include "primitives/pthread_objects.hpp"

namespace contend {

namespace detail {

template <int kKind>
class PthreadRwLockBase {
 public:
  explicit PthreadRwLockBase(Sharing sharing) {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, kKind);
    pthread_rwlockattr_setpshared(&attr, pshared_of(sharing));
    // A lock that cannot be made is a broken environment, not a measurement: stop loudly.
    if (pthread_rwlock_init(&rwlock_, &attr) != 0) std::abort();
    pthread_rwlockattr_destroy(&attr);
  }
  ~PthreadRwLockBase() { pthread_rwlock_destroy(&rwlock_); }
  PthreadRwLockBase(const PthreadRwLockBase&) = delete;
  PthreadRwLockBase& operator=(const PthreadRwLockBase&) = delete;

  void lock() { pthread_rwlock_wrlock(&rwlock_); }
  void unlock() { pthread_rwlock_unlock(&rwlock_); }
  bool try_lock() { return pthread_rwlock_trywrlock(&rwlock_) == 0; }
  void lock_shared() {
    // EAGAIN means the reader count is full (about 2^29 readers in glibc); wait for room.
    while (pthread_rwlock_rdlock(&rwlock_) == EAGAIN) {
    }
  }
  void unlock_shared() { pthread_rwlock_unlock(&rwlock_); }
  bool try_lock_shared() { return pthread_rwlock_tryrdlock(&rwlock_) == 0; }

 private:
  pthread_rwlock_t rwlock_;
};

}  // namespace detail

class PthreadRwLockReader : public detail::PthreadRwLockBase<PTHREAD_RWLOCK_PREFER_READER_NP> {
 public:
  static constexpr std::string_view kName = "pthread-rwlock-reader";
  static constexpr std::string_view kDescription =
      "POSIX pthread_rwlock_t, PREFER_READER (glibc default), pshared in process mode";
  static constexpr Origin kOrigin = Origin::posix;
  static constexpr bool kProcessShared = true;

  using PthreadRwLockBase::PthreadRwLockBase;
};

class PthreadRwLockWriter
    : public detail::PthreadRwLockBase<PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP> {
 public:
  static constexpr std::string_view kName = "pthread-rwlock-writer";
  static constexpr std::string_view kDescription =
      "POSIX pthread_rwlock_t, PREFER_WRITER_NONRECURSIVE, pshared in process mode";
  static constexpr Origin kOrigin = Origin::posix;
  static constexpr bool kProcessShared = true;

  using PthreadRwLockBase::PthreadRwLockBase;
};

}  // namespace contend

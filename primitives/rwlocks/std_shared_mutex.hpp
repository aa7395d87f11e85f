#pragma once
// std-shared-mutex — std::shared_mutex from the C++ standard library (libstdc++ on glibc: a
// pthread_rwlock_t with default attributes, i.e. glibc's reader-preferring kind).
//
// Contract: unlock() only by the exclusive owner, unlock_shared() only by a shared owner; taking
// it again, in either mode, from a thread that already holds it is undefined.
// Fairness: none promised by the standard. With libstdc++ on glibc it prefers readers: a reader
// gets in whenever readers hold the lock, even with writers waiting, so a steady stream of
// readers starves writers.
// Process-shared: no — the standard promises nothing about shared memory and the pthread
// rwlock underneath is PTHREAD_PROCESS_PRIVATE, so process mode refuses it.
// Memory ordering: unlock() happens-before the next lock() or lock_shared() that acquires it;
// unlock_shared() happens-before the next lock() that acquires it.
#include <shared_mutex>

#include "primitives/primitive.hpp"

namespace contend {

class StdSharedMutex {
 public:
  static constexpr std::string_view kName = "std-shared-mutex";
  static constexpr std::string_view kDescription =
      "std::shared_mutex (libstdc++: pthread_rwlock_t, reader-preferring)";
  static constexpr Origin kOrigin = Origin::std_library;
  static constexpr bool kProcessShared = false;

  void lock() { mutex_.lock(); }
  void unlock() { mutex_.unlock(); }
  bool try_lock() { return mutex_.try_lock(); }
  void lock_shared() { mutex_.lock_shared(); }
  void unlock_shared() { mutex_.unlock_shared(); }
  bool try_lock_shared() { return mutex_.try_lock_shared(); }

 private:
  std::shared_mutex mutex_;
};

}  // namespace contend

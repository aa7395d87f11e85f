#pragma once
// std-mutex — std::mutex from the C++ standard library (on glibc, a non-recursive
// pthread_mutex_t: an atomic fast path, futex sleep when contended).
//
// Contract: unlock() only by the owner; locking twice from one thread is undefined.
// Fairness: none promised; glibc's mutex lets a running thread barge ahead of woken sleepers.
// Process-shared: no — the standard gives no way to mark it PTHREAD_PROCESS_SHARED, so process
// mode refuses it.
// Memory ordering: unlock() happens-before the next lock() that acquires it.
#include <mutex>

#include "primitives/primitive.hpp"

namespace contend {

class StdMutex {
 public:
  static constexpr std::string_view kName = "std-mutex";
  static constexpr std::string_view kDescription = "std::mutex (glibc: futex-based, barging)";
  static constexpr Origin kOrigin = Origin::std_library;
  static constexpr bool kProcessShared = false;

  void lock() { mutex_.lock(); }
  void unlock() { mutex_.unlock(); }
  bool try_lock() { return mutex_.try_lock(); }

 private:
  std::mutex mutex_;
};

}  // namespace contend

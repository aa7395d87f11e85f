#pragma once
// sem-pair — two unnamed POSIX semaphores, one per receiving end, each with a message slot:
// a handoff writes the receiver's slot and posts its semaphore; the receiver waits on its
// semaphore and reads its slot.
//
// Contract: the Handoff contract. Because the ends alternate, each semaphore's count is only
// ever 0 or 1.
// Fairness: nothing to share; the two ends strictly alternate.
// Process-shared: yes, when constructed with Sharing::process_shared (sem_init with pshared 1),
// so forked processes can share it through a MAP_SHARED mapping.
// Memory ordering: sem_post() synchronizes-with the sem_wait() that takes its count (POSIX
// "synchronize memory" semantics), so the slot written before the post is read after the wait,
// and everything the sender did before send() happens-before everything after receive().
// Cost: in glibc a post is an atomic increment plus a FUTEX_WAKE when a waiter sleeps, and a
// wait that finds no count sleeps in FUTEX_WAIT: like futex, one system call on each side per
// handoff when the receiver got there first, behind the library's semaphore code.
#include <semaphore.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include "primitives/cache_line.hpp"
#include "primitives/primitive.hpp"

namespace contend {

// Aligned to a line so that the channels of different pairs do not false-share.
class alignas(kCacheLineSize) SemPairHandoff {
 public:
  static constexpr std::string_view kName = "sem-pair";
  static constexpr std::string_view kDescription =
      "two POSIX unnamed sem_t, one per end, message slots beside them (pshared in process mode)";
  static constexpr Origin kOrigin = Origin::posix;
  static constexpr bool kProcessShared = true;

  explicit SemPairHandoff(Sharing sharing) {
    const int pshared = sharing == Sharing::process_shared ? 1 : 0;
    // A semaphore that cannot be made is a broken environment, not a measurement.
    for (sem_t& s : posted_) {
      if (sem_init(&s, pshared, 0) != 0) std::abort();
    }
  }
  ~SemPairHandoff() {
    for (sem_t& s : posted_) sem_destroy(&s);
  }
  SemPairHandoff(const SemPairHandoff&) = delete;
  SemPairHandoff& operator=(const SemPairHandoff&) = delete;

  void send(Peer to, std::uint32_t message) {
    const auto end = static_cast<std::uint32_t>(to);
    messages_[end] = message;
    sem_post(&posted_[end]);
  }

  std::uint32_t receive(Peer at) {
    const auto end = static_cast<std::uint32_t>(at);
    // sem_wait returns EINTR when a signal handler runs; that is not a handoff.
    while (sem_wait(&posted_[end]) != 0 && errno == EINTR) {
    }
    return messages_[end];
  }

 private:
  sem_t posted_[2];                 // indexed by Peer: the end that waits on it
  std::uint32_t messages_[2] = {};  // indexed by Peer: the end that reads it
};

}  // namespace contend

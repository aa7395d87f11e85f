#pragma once
// cv — the textbook monitor handoff: a turn variable and a message guarded by a pthread mutex,
// and one condition variable per end that the end waits on until the turn is its own.
//
// A handoff: the sender locks, writes the message and the receiver's id into the turn, unlocks
// and signals the receiver's condition variable; the receiver, waiting on it under the mutex,
// wakes, finds the turn its own and reads the message. As in spin-flag, the ends alternate, so
// "the turn is yours" is exactly "a message is waiting for you".
//
// Contract: the Handoff contract.
// Fairness: nothing to share; the two ends strictly alternate.
// Process-shared: yes, when constructed with Sharing::process_shared: the mutex and the
// condition variables are made PTHREAD_PROCESS_SHARED, and the turn and the message are plain
// words, so forked processes can share it through a MAP_SHARED mapping.
// Memory ordering: the turn and the message are only read and written under the mutex, so the
// sender's unlock happens-before the receiver's lock that finds its turn, and everything the
// sender did before send() happens-before everything the receiver does after receive().
// Cost: the most work per handoff of the family — a mutex lock and unlock on each side, and a
// condition-variable wait and signal (futex calls underneath: a sleep and a wake-up, two
// context switches) whenever the receiver got there first.
//
// Each end waits on its own condition variable, so a signal can only reach the end it is
// meant for. The signal comes after the unlock, so the woken end does not wake only to block on
// a mutex the sender still holds; it cannot be missed, because the receiver checked the turn
// and began waiting atomically under the mutex, before the sender could change the turn.
#include <pthread.h>

#include <cstdint>

#include "primitives/primitive.hpp"
#include "primitives/pthread_objects.hpp"

namespace contend {

class CvHandoff {
 public:
  static constexpr std::string_view kName = "cv";
  static constexpr std::string_view kDescription =
      "pthread mutex + condition variable per end + turn variable (pshared in process mode)";
  static constexpr Origin kOrigin = Origin::posix;
  static constexpr bool kProcessShared = true;

  explicit CvHandoff(Sharing sharing) {
    init_pthread_mutex(mutex_, sharing);
    for (pthread_cond_t& c : turned_) init_pthread_cond(c, sharing);
  }
  ~CvHandoff() {
    for (pthread_cond_t& c : turned_) pthread_cond_destroy(&c);
    pthread_mutex_destroy(&mutex_);
  }
  CvHandoff(const CvHandoff&) = delete;
  CvHandoff& operator=(const CvHandoff&) = delete;

  void send(Peer to, std::uint32_t message) {
    pthread_mutex_lock(&mutex_);
    message_ = message;
    turn_ = to;
    pthread_mutex_unlock(&mutex_);
    pthread_cond_signal(&turned_[static_cast<std::uint32_t>(to)]);
  }

  std::uint32_t receive(Peer at) {
    pthread_mutex_lock(&mutex_);
    // A loop, not an if: wake-ups may be spurious, and a late signal from the previous
    // handoff may arrive once this end is already waiting for the next one.
    while (turn_ != at) pthread_cond_wait(&turned_[static_cast<std::uint32_t>(at)], &mutex_);
    const std::uint32_t message = message_;
    pthread_mutex_unlock(&mutex_);
    return message;
  }

 private:
  pthread_mutex_t mutex_;
  pthread_cond_t turned_[2];  // indexed by Peer: the end that waits on it
  Peer turn_ = Peer::initiator;  // who acts next
  std::uint32_t message_ = 0;
};

}  // namespace contend

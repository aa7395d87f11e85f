#pragma once
// futex — a turn word that a waiting end sleeps on with FUTEX_WAIT, a bit in it that says
// someone sleeps, and a message word beside it.
//
// A handoff: the sender writes the message, then swaps the receiver's id into the turn word;
// if the word it replaced carried the sleeping bit, it wakes the receiver with FUTEX_WAKE. The
// receiver finds the turn its own and reads the message, or sets the sleeping bit and sleeps
// until the turn changes. As in spin-flag, the ends alternate, so "the turn is yours" is exactly
// "a message is waiting for you" and nothing needs to be consumed.
//
// Contract: the Handoff contract. A receiver that finds no message goes to the kernel at once;
// there is no spinning phase (spin-flag is the other extreme).
// Fairness: nothing to share; the two ends strictly alternate.
// Process-shared: yes — two atomic words and the Sharing value, no pointers. Constructed with
// Sharing::process_shared it uses the shared futex operations, which forked processes see;
// Sharing::thread_private adds FUTEX_PRIVATE_FLAG (cheaper, one process only).
// Memory ordering: send() stores the message relaxed and then swaps the turn word with
// release; the receiver's acquire load that finds its id reads from that swap, or from the
// sender's own CAS of the sleeping bit after it — a read-modify-write, so still in the swap's
// release sequence — so everything the sender did before send() happens-before everything the
// receiver does after receive().
// Cost: one system call on each side per handoff when the receiver has gone to sleep (the
// usual case: a sleep and a wake-up, two context switches), none when the message arrives
// before the receiver has announced its sleep.
//
// Algorithm:
//  1. send(to, m): message = m; old = exchange(turn, to); if old has the sleeping bit,
//     FUTEX_WAKE one sleeper on the turn word.
//  2. receive(at): while the turn (the word without the sleeping bit) is not `at`: if the bit
//     is clear, CAS it in (on failure, look again); then FUTEX_WAIT on the turn word expecting
//     "other end's turn + sleeping". The bit is only ever set by the end whose turn it is not,
//     so it always means "the end that does not act next is asleep".
//  3. No lost wake-up: the receiver's CAS and the sender's exchange are read-modify-writes of
//     one word, so one comes first. If the exchange does, the CAS fails and the receiver sees
//     its turn. If the CAS does, the exchange returns the bit and wakes; a receiver that has
//     not yet gone to sleep then finds, in the kernel's re-read under its wait-queue lock, that
//     the word changed, and returns at once.
//
// Layout: both words share one line, so that a handoff moves one line, not two; the object
// takes a whole line so that the channels of different pairs do not false-share.
#include <atomic>
#include <cstdint>

#include "primitives/cache_line.hpp"
#include "primitives/futex.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class alignas(kCacheLineSize) FutexHandoff {
 public:
  static constexpr std::string_view kName = "futex";
  static constexpr std::string_view kDescription =
      "own turn word with FUTEX_WAIT/FUTEX_WAKE and a sleeping bit; no spinning";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  explicit FutexHandoff(Sharing sharing) : sharing_(sharing) {}
  FutexHandoff(const FutexHandoff&) = delete;
  FutexHandoff& operator=(const FutexHandoff&) = delete;

  void send(Peer to, std::uint32_t message) {
    // Relaxed: the release exchange below publishes it.
    message_.store(message, std::memory_order_relaxed);
    // An exchange rather than a store, to learn whether the receiver announced a sleep.
    const std::uint32_t old = turn_.exchange(static_cast<std::uint32_t>(to), std::memory_order_release);
    if ((old & kSleeping) != 0) futex::wake(turn_, 1, sharing_);
  }

  std::uint32_t receive(Peer at) {
    const auto mine = static_cast<std::uint32_t>(at);
    std::uint32_t turn = turn_.load(std::memory_order_acquire);
    // Masked: once the turn is ours, the bit (if set) is the other end's, asleep until we send.
    while ((turn & kTurnMask) != mine) {
      // Acquire on failure: the value read may be the sender's swap, whose message we then
      // read. (On success the bit orders nothing, only its place in the word's modification
      // order matters, step 3; g++ refuses a success order weaker than the failure order.)
      if ((turn & kSleeping) == 0 &&
          !turn_.compare_exchange_weak(turn, turn | kSleeping, std::memory_order_acquire,
                                       std::memory_order_acquire)) {
        continue;
      }
      futex::wait(turn_, turn | kSleeping, sharing_);
      turn = turn_.load(std::memory_order_acquire);
    }
    // Relaxed: ordered after the sender's store by the acquire load that found our turn.
    return message_.load(std::memory_order_relaxed);
  }

 private:
  static constexpr std::uint32_t kTurnMask = 1;  // the id of the end that acts next
  static constexpr std::uint32_t kSleeping = 2;  // the other end sleeps on the word

  std::atomic<std::uint32_t> turn_{static_cast<std::uint32_t>(Peer::initiator)};  // who acts next
  std::atomic<std::uint32_t> message_{0};
  const Sharing sharing_;
};

static_assert(sizeof(FutexHandoff) == kCacheLineSize, "one line: see Layout");

}  // namespace contend

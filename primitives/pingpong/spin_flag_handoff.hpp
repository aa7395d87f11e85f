#pragma once
// spin-flag — a turn word that each end spins on, with `pause`, until the turn is its own, and
// a message word beside it.
//
// A handoff: the sender writes the message, then stores the receiver's id in the turn word; the
// receiver, spinning on the turn word, sees its own id and reads the message. Nothing needs to
// be consumed: the ends alternate (the Handoff contract in primitives/primitive.hpp), so "the
// turn is yours" is exactly "a message is waiting for you".
//
// Contract: the Handoff contract. Never sleeps in the kernel: a waiting end spins for as long
// as it takes, so with more workers than cores a receiver can burn its whole time slice while
// the sender it waits for is not even running. The collapse of this primitive under
// oversubscription is a real result, not a bug.
// Fairness: nothing to share; the two ends strictly alternate.
// Process-shared: yes — two atomic words, no pointers, no kernel object.
// Memory ordering: send() stores the message relaxed and then the turn word with release;
// the receiver's acquire load that sees its id reads from that store, so everything the sender
// did before send() happens-before everything the receiver does after receive().
// Cost: one cache-line transfer between the two cores per handoff, and no system call; the
// waiting end keeps its core busy.
//
// Layout: both words share one line, so that a handoff moves one line, not two; the object
// takes a whole line so that the channels of different pairs do not false-share.
#include <atomic>
#include <cstdint>

#include "primitives/cache_line.hpp"
#include "primitives/cpu_relax.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class alignas(kCacheLineSize) SpinFlagHandoff {
 public:
  static constexpr std::string_view kName = "spin-flag";
  static constexpr std::string_view kDescription =
      "own turn word spun on with pause, message beside it; never sleeps";
  static constexpr Origin kOrigin = Origin::own;
  static constexpr bool kProcessShared = true;

  SpinFlagHandoff() = default;
  SpinFlagHandoff(const SpinFlagHandoff&) = delete;
  SpinFlagHandoff& operator=(const SpinFlagHandoff&) = delete;

  void send(Peer to, std::uint32_t message) {
    // Relaxed: the release store of the turn below publishes it.
    message_.store(message, std::memory_order_relaxed);
    turn_.store(static_cast<std::uint32_t>(to), std::memory_order_release);
  }

  std::uint32_t receive(Peer at) {
    const auto mine = static_cast<std::uint32_t>(at);
    while (turn_.load(std::memory_order_acquire) != mine) cpu_relax();
    // Relaxed: ordered after the sender's store by the acquire load that ended the spin.
    return message_.load(std::memory_order_relaxed);
  }

 private:
  std::atomic<std::uint32_t> turn_{static_cast<std::uint32_t>(Peer::initiator)};  // who acts next
  std::atomic<std::uint32_t> message_{0};
};

static_assert(sizeof(SpinFlagHandoff) == kCacheLineSize, "one line: see Layout");
static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "process sharing needs lock-free words");

}  // namespace contend

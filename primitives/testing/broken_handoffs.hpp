#pragma once
// Planted bugs in handoff channels (the pingpong family), for `contend stress pingpong` and its
// self-test (see broken_locks.hpp for what planted bugs are for).
//
// broken-handoff-early-turn  a spinning turn flag whose send() hands the turn over before it
//                            writes the message (the two stores swapped): a receiver spinning on
//                            the flag reads the previous message. Caught by "handoff sequence".
// broken-handoff-lost-wake   a futex turn word whose send() looks for a sleeper before it
//                            publishes the turn ("check, then act"): a receiver that announces its
//                            sleep in between sleeps on with its message sent. Its receive()
//                            spins 100 times before it sleeps, as adaptive handoffs do, which is
//                            what lets the race happen with one worker per core (the receiver's
//                            spin ends about when the sender, just woken, sends). Caught by
//                            "lost wake-up" (both ends of the pair asleep in receive()).
//
// Contract: the Handoff contract, broken as said. Fairness: two ends, strict turns.
// Process-shared: yes (atomic words; futexes in the form the mode asks for).
// Memory ordering: as the correct versions (spin-flag, futex), but for the swapped steps.
#include <sched.h>

#include <atomic>
#include <cstdint>

#include "primitives/cache_line.hpp"
#include "primitives/cpu_relax.hpp"
#include "primitives/futex.hpp"
#include "primitives/primitive.hpp"

namespace contend {

class alignas(kCacheLineSize) BrokenHandoffEarlyTurn {
 public:
  static constexpr std::string_view kName = "broken-handoff-early-turn";
  static constexpr std::string_view kDescription =
      "planted bug: a spinning handoff that passes the turn before writing the message";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  BrokenHandoffEarlyTurn() = default;
  BrokenHandoffEarlyTurn(const BrokenHandoffEarlyTurn&) = delete;
  BrokenHandoffEarlyTurn& operator=(const BrokenHandoffEarlyTurn&) = delete;

  void send(Peer to, std::uint32_t message) {
    // The bug: the turn first. The correct order is the message, then the turn (release).
    turn_.store(static_cast<std::uint32_t>(to), std::memory_order_release);
    message_.store(message, std::memory_order_relaxed);
  }

  std::uint32_t receive(Peer at) {
    const auto mine = static_cast<std::uint32_t>(at);
    for (std::uint32_t spins = 1; turn_.load(std::memory_order_acquire) != mine; ++spins) {
      if ((spins & 1023) == 0) sched_yield();  // with more workers than cores, let the sender run
      cpu_relax();
    }
    return message_.load(std::memory_order_relaxed);
  }

 private:
  // Apart, as a flag often is from its payload: the receiver spinning on the turn's line does not
  // pull the message's line with it, so it can read the message before the sender's write lands.
  alignas(kCacheLineSize) std::atomic<std::uint32_t> turn_{static_cast<std::uint32_t>(Peer::initiator)};
  alignas(kCacheLineSize) std::atomic<std::uint32_t> message_{0};
};

class alignas(kCacheLineSize) BrokenHandoffLostWake {
 public:
  static constexpr std::string_view kName = "broken-handoff-lost-wake";
  static constexpr std::string_view kDescription =
      "planted bug: a futex handoff that checks for a sleeper before publishing the turn";
  static constexpr Origin kOrigin = Origin::test;
  static constexpr bool kProcessShared = true;

  explicit BrokenHandoffLostWake(Sharing sharing) : sharing_(sharing) {}
  BrokenHandoffLostWake(const BrokenHandoffLostWake&) = delete;
  BrokenHandoffLostWake& operator=(const BrokenHandoffLostWake&) = delete;

  void send(Peer to, std::uint32_t message) {
    // The bug: whether to wake is decided before the turn is published. A receiver that finds
    // the turn not yet its own and announces its sleep after this exchange is never woken.
    const bool asleep = sleeping_.exchange(0, std::memory_order_acq_rel) != 0;
    message_.store(message, std::memory_order_relaxed);
    turn_.store(static_cast<std::uint32_t>(to), std::memory_order_release);
    if (asleep) futex::wake(turn_, 1, sharing_);
  }

  std::uint32_t receive(Peer at) {
    const auto mine = static_cast<std::uint32_t>(at);
    // Spin a while first, as adaptive handoffs do: the turn often comes within a wake-up's time.
    for (int spins = 0; spins < kSpins && turn_.load(std::memory_order_acquire) != mine; ++spins) cpu_relax();
    for (std::uint32_t turn = turn_.load(std::memory_order_acquire); turn != mine;
         turn = turn_.load(std::memory_order_acquire)) {
      sleeping_.store(1, std::memory_order_seq_cst);
      futex::wait(turn_, turn, sharing_);
    }
    return message_.load(std::memory_order_relaxed);
  }

 private:
  static constexpr int kSpins = 100;
  std::atomic<std::uint32_t> turn_{static_cast<std::uint32_t>(Peer::initiator)};
  std::atomic<std::uint32_t> sleeping_{0};
  std::atomic<std::uint32_t> message_{0};
  const Sharing sharing_;
};

static_assert(Handoff<BrokenHandoffEarlyTurn> && Handoff<BrokenHandoffLostWake>);

}  // namespace contend

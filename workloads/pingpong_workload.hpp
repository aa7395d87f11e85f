#pragma once
// The pingpong workload: round-trip handoff latency. Workers come in pairs, each pair with its
// own channel (one instance of the primitive): worker 2k, the initiator, starts every round
// trip by sending a ping and waiting for the pong; worker 2k+1, the responder, waits for the
// ping and answers it. An operation is one handoff — one message delivered one way — and each
// worker counts the messages it received, so the two workers of a pair count the same and the
// total is twice the round trips. The initiator times whole round trips, 1 in N (--sample), as
// the other workloads time acquisitions; the responder records no latency.
//
// Phases: the engine runs every worker's loop twice (warmup, then the measured window) with a
// barrier between. A responder blocked on a ping would never reach that barrier, so only the
// initiator watches the stop flag and the operation quota; when it stops, it sends kPhaseOver
// and waits for the responder to echo it, and the responder returns once it has. Both then
// reach the barrier with nothing in flight and the turn back at the initiator, where the next
// phase expects it.
//
// Checks itself: a ping carries the initiator's count of round trips and the pong the
// responder's count of pings, so each end knows the number the other must send next and
// compares every message with it. A handoff lost, duplicated or reordered by the primitive
// shows as a mismatch at the end that received it (and only there: the responder answers with
// its own count, not an echo), which ends the repetition as an error naming the first one. A
// lost handoff may instead hang the pair: the watchdog's timeout.
#include <fmt/format.h>

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>

#include "primitives/cache_line.hpp"
#include "primitives/primitive.hpp"
#include "workloads/clock.hpp"
#include "workloads/construct.hpp"
#include "workloads/engine.hpp"
#include "workloads/sampler.hpp"

namespace contend {

// What one pair's ends saw go wrong, written by each end (its own index) when a phase ends.
// One line per pair, so pairs do not share it; nothing here is touched in the loop.
struct alignas(kCacheLineSize) PingPongCheck {
  std::uint64_t mismatches[2] = {};  // indexed by Peer
  std::uint32_t first_expected[2] = {};
  std::uint32_t first_received[2] = {};
};

namespace detail {

// Mismatches of one end in one phase, kept in registers until the phase ends.
struct MismatchTally {
  std::uint64_t count = 0;
  std::uint32_t expected = 0;
  std::uint32_t received = 0;

  void note(std::uint32_t want, std::uint32_t got) {
    if (count++ == 0) {
      expected = want;
      received = got;
    }
  }
  void publish(PingPongCheck& check, Peer end) const {
    if (count == 0) return;
    const auto i = static_cast<std::uint32_t>(end);
    if (check.mismatches[i] == 0) {
      check.first_expected[i] = expected;
      check.first_received[i] = received;
    }
    check.mismatches[i] += count;
  }
};

}  // namespace detail

template <Handoff H>
class PingPongLoop {
 public:
  // Sequence numbers use the low 31 bits (they wrap after 2^31 round trips); the top bit marks
  // the end of a phase.
  static constexpr std::uint32_t kSequenceMask = 0x7fff'ffff;
  static constexpr std::uint32_t kPhaseOver = 0x8000'0000;

  PingPongLoop(H* const* channels, PingPongCheck* checks, const RepetitionContext& ctx)
      : channels_(channels),
        checks_(checks),
        spec_(ctx.spec),
        sample_every_(ctx.spec.sample_every),
        seed_(ctx.spec.seed),
        clock_(ctx.calibrations.clock) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    H& channel = *channels_[worker / 2];
    PingPongCheck& check = checks_[worker / 2];
    if (worker % 2 == 1) return respond(channel, check, slot);
    // --ops: the engine gives each worker a share of the total. A pair's handoffs are twice
    // its round trips, so the responder's share (never more than the initiator's) bounds them:
    // the pair stays within both shares together.
    const std::uint64_t round_trips =
        quota == UINT64_MAX ? quota : std::min(quota, detail::operations_quota(spec_, worker + 1));
    return initiate<kSample>(channel, check, worker, slot, stop, round_trips);
  }

 private:
  template <bool kSample>
  std::uint64_t initiate(H& channel, PingPongCheck& check, int worker, WorkerSlot& slot, const StopFlag& stop,
                         std::uint64_t round_trips) {
    Sampler sampler(sample_every_, worker_seed(seed_, worker));
    detail::MismatchTally mismatches;
    std::uint64_t received = 0;
    while (received < round_trips && !stop.is_raised()) {
      const auto ping = static_cast<std::uint32_t>(received) & kSequenceMask;
      std::uint32_t pong;
      if (kSample && sampler.should_sample()) {
        const std::uint64_t t0 = clock_.now();
        channel.send(Peer::responder, ping);
        pong = channel.receive(Peer::initiator);
        const std::uint64_t t1 = clock_.now();
        slot.latency.record(clock_.to_ns(t1 - t0));
      } else {
        channel.send(Peer::responder, ping);
        pong = channel.receive(Peer::initiator);
      }
      if (pong != ping) [[unlikely]] mismatches.note(ping, pong);
      ++received;
      // Published to the worker's own cache line, for the watchdog; a register count otherwise.
      if ((received & 1023) == 0) slot.progress.store(received, std::memory_order_relaxed);
    }
    channel.send(Peer::responder, kPhaseOver);
    const std::uint32_t echo = channel.receive(Peer::initiator);
    if (echo != kPhaseOver) mismatches.note(kPhaseOver, echo);
    mismatches.publish(check, Peer::initiator);
    return received;
  }

  std::uint64_t respond(H& channel, PingPongCheck& check, WorkerSlot& slot) {
    detail::MismatchTally mismatches;
    std::uint64_t received = 0;
    for (;;) {
      const std::uint32_t ping = channel.receive(Peer::responder);
      if (ping == kPhaseOver) break;
      const auto count = static_cast<std::uint32_t>(received) & kSequenceMask;
      if (ping != count) [[unlikely]] mismatches.note(count, ping);
      channel.send(Peer::initiator, count);
      ++received;
      if ((received & 1023) == 0) slot.progress.store(received, std::memory_order_relaxed);
    }
    channel.send(Peer::initiator, kPhaseOver);
    mismatches.publish(check, Peer::responder);
    return received;
  }

  H* const* const channels_;
  PingPongCheck* const checks_;
  const RunSpec& spec_;
  const std::uint64_t sample_every_;
  const std::uint64_t seed_;
  const LatencyClock clock_;
};

// Each channel is built on its own (primitive_footprint: a plugin's adapter is followed by the
// plugin's instance), so the pairs find theirs through an array of pointers.
template <Handoff H>
std::size_t pingpong_workload_bytes(const RunSpec& spec) {
  const auto pairs = static_cast<std::size_t>(spec.workers / 2);
  return pairs * (primitive_footprint<H>() + alignof(H) + sizeof(H*) + sizeof(PingPongCheck)) + alignof(H*) +
         alignof(PingPongCheck);
}

namespace detail {

// The pairs' channels in the arena, destroyed in the end (closing descriptors, destroying
// semaphores) even when making one of them throws.
template <Handoff H>
class Channels {
 public:
  Channels(SharedArena& arena, int count, Mode mode)
      : items_(static_cast<H**>(arena.allocate(sizeof(H*) * static_cast<std::size_t>(count), alignof(H*)))) {
    for (; made_ < count; ++made_) items_[made_] = make_primitive<H>(arena, mode);
  }
  ~Channels() {
    for (int i = 0; i < made_; ++i) items_[i]->~H();
  }
  Channels(const Channels&) = delete;
  Channels& operator=(const Channels&) = delete;
  H* const* get() const { return items_; }

 private:
  H** const items_;
  int made_ = 0;
};

}  // namespace detail

template <Handoff H>
void run_pingpong_workload(RepetitionContext& ctx) {
  // The CLI refuses odd counts; this guards every other way in.
  if (ctx.spec.workers % 2 != 0) {
    throw std::invalid_argument(
        fmt::format("pingpong runs workers in pairs; {} workers is an odd count", ctx.spec.workers));
  }
  const int pairs = ctx.spec.workers / 2;
  auto* checks = static_cast<PingPongCheck*>(
      ctx.arena.allocate(sizeof(PingPongCheck) * static_cast<std::size_t>(pairs), alignof(PingPongCheck)));
  for (int p = 0; p < pairs; ++p) new (&checks[p]) PingPongCheck();
  detail::Channels<H> channels(ctx.arena, pairs, ctx.spec.mode);
  PingPongLoop<H> loop(channels.get(), checks, ctx);
  run_workers(ctx, loop);

  std::uint64_t mismatches = 0;
  const char* first = nullptr;
  int first_pair = 0;
  Peer first_end = Peer::initiator;
  for (int p = 0; p < pairs; ++p) {
    // The responder first: within a round trip its ping comes before the initiator's pong.
    for (Peer end : {Peer::responder, Peer::initiator}) {
      const std::uint64_t n = checks[p].mismatches[static_cast<std::uint32_t>(end)];
      if (n == 0) continue;
      if (first == nullptr) {
        first = end == Peer::initiator ? "initiator" : "responder";
        first_pair = p;
        first_end = end;
      }
      mismatches += n;
    }
  }
  // A worker that died already said why (the crash or exit status comes first).
  if (mismatches > 0 && ctx.control.error[0] == '\0') {
    const auto i = static_cast<std::uint32_t>(first_end);
    const auto out = fmt::format_to_n(
        ctx.control.error, sizeof(ctx.control.error) - 1,
        "{} handoff(s) out of sequence (warmup included): the {} of pair {} expected message {:#x} "
        "and received {:#x}",
        mismatches, first, first_pair, checks[first_pair].first_expected[i], checks[first_pair].first_received[i]);
    *out.out = '\0';
  }
}

}  // namespace contend

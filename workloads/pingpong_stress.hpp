#pragma once
// `contend stress pingpong`: a handoff channel delivers every message once, in order, to the end
// it was sent to, and wakes that end.
//
// The loop is the pingpong workload's (pingpong_workload.hpp: pairs of workers, the initiator
// sends its count of round trips, the responder answers with its count of pings, the phase ends
// with kPhaseOver echoed), with stress's bookkeeping around each step:
//  - handoff sequence: each end knows the number the other must send next and compares every
//    message it receives with it (a tally per receive, as every stress check counts); a handoff
//    lost, duplicated, reordered or read before it was written is a violation at the end that
//    received it;
//  - no lost signal: each end marks itself waiting only from the moment its own send() has
//    returned (or, for the responder, before its first receive) until its receive() returns. Two
//    ends of one pair both waiting means one message is in flight, sent; both asleep in the
//    kernel with their run counts unchanged for the lost wake-up watch's limit means the channel
//    did not wake its receiver (wake_watch.hpp, the pair rule);
//  - --perturb: delays and yields before each send and after each receive, and the in-call
//    timer (preemption.hpp) inside the channel's calls.
// A channel that loses a message and spins forever instead of sleeping is the progress
// watchdog's `hang`.
#include "workloads/pingpong_workload.hpp"
#include "workloads/stress_common.hpp"

namespace contend {

template <Handoff H>
class PingPongStressLoop {
 public:
  static constexpr std::uint32_t kSequenceMask = PingPongLoop<H>::kSequenceMask;
  static constexpr std::uint32_t kPhaseOver = PingPongLoop<H>::kPhaseOver;

  PingPongStressLoop(H* const* channels, CheckTallies* tallies, const RepetitionContext& ctx)
      : channels_(channels), tallies_(tallies), spec_(ctx.spec), settings_(ctx) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    StressWorker w(settings_, worker, slot, tallies_[worker]);
    H& channel = *channels_[worker / 2];
    if (worker % 2 == 1) return respond(w, channel);
    // --ops: as in the pingpong workload, the responder's share bounds the pair's round trips.
    const std::uint64_t round_trips =
        quota == UINT64_MAX ? quota : std::min(quota, detail::operations_quota(spec_, worker + 1));
    return initiate<kSample>(w, channel, stop, round_trips);
  }

 private:
  template <bool kSample>
  std::uint64_t initiate(StressWorker& w, H& channel, const StopFlag& stop, std::uint64_t round_trips) {
    std::uint64_t received = 0;
    while (received < round_trips && !stop.is_raised()) {
      const auto ping = static_cast<std::uint32_t>(received) & kSequenceMask;
      const bool sample = kSample && w.should_sample();
      const std::uint64_t t0 = w.begin_send(sample);
      channel.send(Peer::responder, ping);
      w.waiting();
      const std::uint32_t pong = channel.receive(Peer::initiator);
      w.end_wait(t0, sample);
      w.checked(CheckId::handoff_sequence);
      if (pong != ping) [[unlikely]] w.violation(CheckId::handoff_sequence, received);
      ++received;
      w.released(received);
    }
    w.begin_send(false);
    channel.send(Peer::responder, kPhaseOver);
    w.waiting();
    const std::uint32_t echo = channel.receive(Peer::initiator);
    w.end_wait(0, false);
    w.checked(CheckId::handoff_sequence);
    if (echo != kPhaseOver) w.violation(CheckId::handoff_sequence, received);
    w.released(received);
    return received;
  }

  std::uint64_t respond(StressWorker& w, H& channel) {
    std::uint64_t received = 0;
    for (;;) {
      w.waiting();
      const std::uint32_t ping = channel.receive(Peer::responder);
      w.end_wait(0, false);
      if (ping == kPhaseOver) break;
      w.checked(CheckId::handoff_sequence);
      const auto count = static_cast<std::uint32_t>(received) & kSequenceMask;
      // A message with the top bit is no sequence number: a kPhaseOver seen early would end the
      // phase at once, and the mismatch is still counted by the initiator's echo check.
      if (ping != count) [[unlikely]] w.violation(CheckId::handoff_sequence, received);
      w.perturb();
      channel.send(Peer::initiator, count);
      ++received;
      w.released(received);
    }
    w.perturb();
    channel.send(Peer::initiator, kPhaseOver);
    w.released(received);
    return received;
  }

  H* const* const channels_;
  CheckTallies* const tallies_;
  const RunSpec& spec_;
  const StressSettings settings_;
};

template <Handoff H>
std::size_t pingpong_stress_bytes(const RunSpec& spec) {
  return pingpong_workload_bytes<H>(spec) + detail::stress_extra_bytes(spec);
}

template <Handoff H>
void run_pingpong_stress(RepetitionContext& ctx) {
  if (ctx.spec.workers % 2 != 0) {
    throw std::invalid_argument(
        fmt::format("pingpong runs workers in pairs; {} workers is an odd count", ctx.spec.workers));
  }
  CheckTallies* tallies = detail::make_tallies(ctx);
  detail::Channels<H> channels(ctx.arena, ctx.spec.workers / 2, ctx.spec.mode);
  PingPongStressLoop<H> loop(channels.get(), tallies, ctx);
  detail::mark_applies(tallies, ctx.spec.workers, {CheckId::handoff_sequence});
  ctx.control.handoff_pairs = 1;
  run_workers(ctx, loop);
  detail::merge_tallies(ctx, tallies);
}

}  // namespace contend

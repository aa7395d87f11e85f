#pragma once
// The keyed workload (`contend run keyed`, `contend stress keyed`): a keyed concurrency limiter
// (primitives/primitive.hpp, KeyedLimiter) under requests for --keys keys whose popularity
// follows a Zipf law (--zipf s: the key of rank r is asked with weight 1/r^s), at most
// --per-key holders per key. Each request either waits for a slot (--on-busy wait) or is turned
// away at once when the key is full (--on-busy fail, discord.py's wait=False); an admitted one
// holds its slot for --cs-ns of work, then leaves.
//
// Checks (a few atomic counters per key, in the arena), on every request in `stress`; in `run`
// only the last (after the run), since the per-request counters cost as much as a fast limiter's
// own work — they doubled keyed-map's time per request at 1 key, 1 to 4 workers (4.97 -> 2.65 x
// a semaphore's at 1 worker, 10.3 -> 4.05 x at 2; scripts/bench-keyed.sh):
//   per-key limit          a counter of the key's holders, raised after enter() returns and
//                          lowered before leave(), never exceeds --per-key (it can only
//                          undercount the limiter's own holders, so a breach is real);
//   no spurious rejection  a refusal while the key surely had room: no leave() of it returned
//                          during the call (a departure count that did not move), and even
//                          counting every caller in flight for it (from before its enter to after
//                          its leave), fewer than --per-key were there besides the refused one;
//   table empty when idle  after the run, with nobody holding or waiting, active_keys() is 0.
// Events: admitted and rejected requests.
#include <algorithm>
#include <cmath>
#include <vector>

#include "workloads/stress_common.hpp"

namespace contend {

// Per key, what the checks count (in the arena; plain, unpadded: the hot keys' are contended
// anyway, as the limiter's own are).
struct KeyCounters {
  std::atomic<std::uint32_t> inside{0};     // holders that have returned from enter and not begun leave
  std::atomic<std::uint32_t> in_flight{0};  // callers between the start of enter/try_enter and the end of leave or a refusal
  std::atomic<std::uint32_t> departures{0};  // leave() calls returned
};

struct KeyedShared {
  KeyCounters* keys;      // spec.keys of them
  double* cumulative;     // the Zipf law's cumulative weights, spec.keys of them, the last 1.0
  EventCounts* events;    // one per worker
  CheckTallies* tallies;  // one per worker
};

// The cumulative distribution of a Zipf law over `keys` ranks with exponent s.
inline void zipf_cumulative(double* out, std::uint32_t keys, double s) {
  double sum = 0;
  for (std::uint32_t r = 0; r < keys; ++r) sum += 1.0 / std::pow(static_cast<double>(r + 1), s);
  double running = 0;
  for (std::uint32_t r = 0; r < keys; ++r) {
    running += 1.0 / std::pow(static_cast<double>(r + 1), s) / sum;
    out[r] = running;
  }
  out[keys - 1] = 1.0;
}

template <KeyedLimiter L>
class KeyedLoop {
 public:
  KeyedLoop(L& limiter, const KeyedShared& shared, const RepetitionContext& ctx)
      : limiter_(limiter),
        shared_(shared),
        keys_(ctx.spec.keys),
        per_key_(ctx.spec.per_key),
        fail_when_busy_(ctx.spec.fail_when_busy),
        checking_(ctx.spec.stress),
        settings_(ctx) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    StressWorker w(settings_, worker, slot, shared_.tallies[worker]);
    EventCounts warmup_events;  // warmup's are dropped, as its operations are
    EventCounts& events = &stop == &settings_.control->stop ? shared_.events[worker] : warmup_events;
    if (!checking_) return measure<kSample>(worker, slot, stop, quota, events);
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      const std::uint32_t key = draw(w.random());
      KeyCounters& k = shared_.keys[key];
      const bool sample = kSample && w.should_sample();
      const std::uint64_t t0 = w.begin_wait(sample);
      k.in_flight.fetch_add(1, std::memory_order_acq_rel);
      if (fail_when_busy_) {
        const std::uint32_t departures = k.departures.load(std::memory_order_acquire);
        if (!limiter_.try_enter(key)) {
          w.end_wait(t0, sample, false);
          w.checked(CheckId::spurious_rejection);
          // Nobody left during the call, so whoever filled the key then is still counted in
          // flight now; fewer than per_key besides me means it was never full.
          const std::uint32_t others = k.in_flight.load(std::memory_order_acquire) - 1;
          if (k.departures.load(std::memory_order_acquire) == departures && others < per_key_) {
            w.violation(CheckId::spurious_rejection, ops);
          }
          k.in_flight.fetch_sub(1, std::memory_order_acq_rel);
          ++events[EventId::rejected];
          ++ops;
          w.released(ops);
          continue;
        }
      } else {
        limiter_.enter(key);
      }
      w.end_wait(t0, sample, false);
      w.checked(CheckId::key_limit);
      if (k.inside.fetch_add(1, std::memory_order_acq_rel) + 1 > per_key_) w.violation(CheckId::key_limit, ops);
      w.inside_work();
      k.inside.fetch_sub(1, std::memory_order_acq_rel);
      limiter_.leave(key);
      // Counted once leave() has returned, before this caller stops counting in flight: a
      // refusal that sees the count unmoved knows every holder it competed with is still counted.
      k.departures.fetch_add(1, std::memory_order_acq_rel);
      k.in_flight.fetch_sub(1, std::memory_order_acq_rel);
      ++events[EventId::admitted];
      ++ops;
      w.released(ops);
    }
    return ops;
  }

 private:
  // `contend run`: the requests without the per-key checks' counters, which would cost more than
  // a fast limiter's own work (see the header); admissions and rejections still counted.
  template <bool kSample>
  std::uint64_t measure(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota,
                        EventCounts& events) {
    Sampler sampler(settings_.sample_every, worker_seed(settings_.seed, worker));
    StressRandom random(worker_seed(settings_.seed ^ 0x6a09e667f3bcc909ULL, worker));
    std::uint64_t admitted = 0;
    std::uint64_t rejected = 0;
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      const std::uint32_t key = draw(random.next());
      const bool sample = kSample && sampler.should_sample();
      const std::uint64_t t0 = sample ? settings_.clock.now() : 0;
      bool in = true;
      if (fail_when_busy_) {
        in = limiter_.try_enter(key);
      } else {
        limiter_.enter(key);
      }
      if (sample) slot.latency.record(settings_.clock.to_ns(settings_.clock.now() - t0));
      if (in) {
        if (settings_.inside_iterations != 0) busy_iterations(settings_.inside_iterations);
        limiter_.leave(key);
        ++admitted;
      } else {
        ++rejected;
      }
      if (settings_.outside_iterations != 0) busy_iterations(settings_.outside_iterations);
      ++ops;
      if ((ops & 1023) == 0) slot.progress.store(ops, std::memory_order_relaxed);
    }
    events[EventId::admitted] += admitted;
    events[EventId::rejected] += rejected;
    return ops;
  }

  // A key by its rank's share of the requests: the first whose cumulative weight exceeds u.
  std::uint32_t draw(std::uint64_t random) const {
    if (keys_ == 1) return 0;
    const double u = static_cast<double>(random >> 11) * 0x1.0p-53;
    const double* begin = shared_.cumulative;
    const double* end = begin + keys_;
    const double* at = std::upper_bound(begin, end, u);
    return at == end ? keys_ - 1 : static_cast<std::uint32_t>(at - shared_.cumulative);
  }

  L& limiter_;
  const KeyedShared shared_;
  const std::uint32_t keys_;
  const std::uint32_t per_key_;
  const bool fail_when_busy_;
  const bool checking_;
  const StressSettings settings_;
};

inline constexpr EventId kKeyedEvents[] = {EventId::admitted, EventId::rejected};

template <KeyedLimiter L>
std::size_t keyed_workload_bytes(const RunSpec& spec) {
  const auto n = static_cast<std::size_t>(spec.workers);
  return primitive_footprint<L>() + alignof(L) + spec.keys * (sizeof(KeyCounters) + sizeof(double)) + 64 +
         n * sizeof(EventCounts) + alignof(EventCounts) + detail::stress_extra_bytes(spec);
}

template <KeyedLimiter L>
void run_keyed_workload(RepetitionContext& ctx) {
  const RunSpec& spec = ctx.spec;
  KeyedShared shared{};
  shared.keys = ctx.arena.make_array<KeyCounters>(spec.keys);
  shared.cumulative = ctx.arena.make_array<double>(spec.keys);
  zipf_cumulative(shared.cumulative, spec.keys, static_cast<double>(spec.zipf_millionths) / 1e6);
  shared.events = ctx.arena.make_array<EventCounts>(static_cast<std::size_t>(spec.workers));
  shared.tallies = detail::make_tallies(ctx);
  detail::mark_applies(shared.tallies, spec.workers, {CheckId::key_limit});
  if (spec.fail_when_busy) detail::mark_applies(shared.tallies, spec.workers, {CheckId::spurious_rejection});
  void* storage = ctx.arena.allocate(primitive_footprint<L>(), alignof(L));
  L* limiter = new (storage) L(spec.per_key, sharing_for(spec.mode));
  KeyedLoop<L> loop(*limiter, shared, ctx);
  run_workers(ctx, loop);

  detail::merge_events(ctx, shared.events, kKeyedEvents);
  detail::merge_tallies(ctx, shared.tallies);
  // Everyone has left: no key's state may be left behind.
  CheckTally& idle = ctx.control.checks[CheckId::idle_table_empty];
  idle.applies = 1;
  if (ctx.control.crash_signal == 0) {
    idle.checked = 1;
    const std::uint32_t left = limiter->active_keys();
    if (left != 0) {
      idle.violations = left;
      detail::set_note(idle, fmt::format("{} key{} still in the table after every holder left", left,
                                         left == 1 ? "" : "s"));
    }
  }
  if (!spec.stress) detail::report_failed_checks(ctx);
  limiter->~L();
}

}  // namespace contend

#pragma once
// The lease workload (`contend run lease`, `contend stress lease`): the TTL lease lock services
// put around a cache refresh or a cron job — a Redis `SET key token NX PX ttl` with a
// compare-and-delete release, Django's `concurrency_safe()`, python-redis-lock — over any
// LeaseStore (primitives/primitive.hpp): lease-mem here, a server's client in a backend.
//
// Each worker, per operation:
//   1. asks for the lease with a token of its own (its thread id and a count): on a refusal it
//      sleeps --retry-interval and asks again (polling), or with --retry-interval 0 sleeps in the
//      store's wait() until a release or the holder's expiry (a store that cannot notify is
//      polled every 1 ms); after --wait-timeout it gives up (a wait timeout: no operation); no
//      sleep lasts over 100 ms without a look at the stop flag;
//   2. holds it for --hold (sleeping, then spinning for the last 100 µs), with --renew on
//      extending it every TTL/3 meanwhile (hold_renewing);
//   3. writes to the guarded resource with the lease's fencing token (workloads/lease_oracle.hpp:
//      with --fencing on it refuses a token below the greatest it saw, and stale writes are
//      counted either way) — after the hold, where a holder that stalled past its TTL writes
//      late, as in Kleppmann's example; `contend stress --fault` strikes just before this write;
//   4. releases it by token.
// The oracle's checks run in `run` too (they cost a few clock reads and a scan of the other
// workers' records per step, next to a lease operation's microseconds): a violation ends the
// configuration as one, with the check's name. Its events (overlaps, stale writes, wait
// timeouts, late releases, refusals) are figures in every output.
//
// The clock: the oracle stamps steps with CLOCK_MONOTONIC (monotonic_ns), the store's clock for
// lease-mem, several times per operation — unlike the lock workloads' hot loops, which never
// read a clock per operation: here the clock is what is being checked.
#include <time.h>

#include <cmath>

#include "workloads/lease_oracle.hpp"
#include "workloads/stress_common.hpp"

namespace contend {

namespace detail {

// Sleeps, then spins for the last 100 µs (a sleep that short overshoots by the timer slack), until
// the monotonic clock reads `deadline`. A signal (--perturb's timer) only cuts a sleep short.
inline void wait_until_ns(std::int64_t deadline) {
  for (;;) {
    const std::int64_t left = deadline - monotonic_ns();
    if (left <= 0) return;
    if (left > 150'000) {
      const std::int64_t nap = left - 100'000;
      timespec ts{static_cast<time_t>(nap / 1'000'000'000), static_cast<long>(nap % 1'000'000'000)};
      nanosleep(&ts, nullptr);
    } else {
      cpu_relax();
    }
  }
}

}  // namespace detail

// What the lease workload keeps in the repetition's arena beside the store.
struct LeaseShared {
  LeaseRecord* records;  // one per worker
  EventCounts* events;   // one per worker
  GuardedResource* resource;
  CheckTallies* tallies;  // one per worker
};

template <LeaseStore S>
class LeaseLoop {
 public:
  LeaseLoop(S& store, const LeaseShared& shared, const RepetitionContext& ctx)
      : store_(store),
        shared_(shared),
        workers_(ctx.spec.workers),
        ttl_(ctx.spec.ttl_ns),
        wait_timeout_(ctx.spec.wait_timeout_ns),
        retry_interval_(ctx.spec.retry_interval_ns),
        hold_(ctx.spec.hold),
        fencing_(ctx.spec.fencing),
        renew_(ctx.spec.renew),
        settings_(ctx) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    StressWorker w(settings_, worker, slot, shared_.tallies[worker]);
    LeaseOracle oracle(shared_.records, workers_, worker, ttl_, lease_expiry_slack_ns<S>());
    oracle.take_over(monotonic_ns());
    // The measured window's events live in the arena (a killed worker's stay counted, and its
    // replacement counts on); warmup's are counted aside and dropped, as its operations are.
    EventCounts warmup_events;
    EventCounts& events = &stop == &settings_.control->stop ? shared_.events[worker] : warmup_events;
    // Never 0, and unique among live workers (the thread id); a count that restarts after warmup
    // can repeat an old token only of a lease long released or expired.
    const std::uint64_t token_base = static_cast<std::uint64_t>(static_cast<std::uint32_t>(slot.tid)) << 32;
    std::uint64_t sequence = slot.warmup_operations + slot.inherited_operations;
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      const bool sample = kSample && w.should_sample();
      const std::uint64_t t0 = w.begin_wait(sample);
      const std::uint64_t token = token_base | (++sequence & 0xffffffffULL);
      Grant grant = acquire(w, oracle, events, token, stop, ops);
      if (grant.fence == 0) {
        w.released(ops);  // no lease: timed out or stopped; not an operation
        continue;
      }
      w.end_wait(t0, sample);
      oracle.holding(grant.fence, grant.granted);
      const GrantFindings found = oracle.check_grant(grant.since, grant.granted, grant.fence);
      events[EventId::overlaps] += found.overlaps;
      w.checked(CheckId::lease_exclusion);
      if (found.exclusion_violated) w.violation(CheckId::lease_exclusion, ops);
      w.checked(CheckId::fence_order);
      if (found.fence_violated) w.violation(CheckId::fence_order, ops);

      const std::int64_t hold_end = monotonic_ns() + hold_ns(w);
      if (renew_) {
        hold_renewing(oracle, token, grant, hold_end);
      } else {
        detail::wait_until_ns(hold_end);
      }
      if (w.fault_due(stop)) w.strike();
      w.inside_work();
      const auto [accepted, stale] = shared_.resource->write(grant.fence, fencing_);
      if (stale) ++events[accepted ? EventId::stale_writes_accepted : EventId::stale_writes_rejected];

      const std::int64_t r0 = monotonic_ns();
      oracle.releasing(r0);
      const bool released = store_.release(token);
      const std::int64_t r1 = monotonic_ns();
      oracle.released(r1);
      if (!released) ++events[EventId::late_releases];
      w.checked(CheckId::lease_release);
      if (oracle.release_wrong(grant.live_from, grant.granted, r0, r1, released)) {
        w.violation(CheckId::lease_release, ops);
      }
      ++ops;
      w.released(ops);
    }
    return ops;
  }

 private:
  struct Grant {
    std::uint64_t fence = 0;  // 0: none (timed out, or stopped)
    std::int64_t since = 0;   // the successful attempt's call and return
    std::int64_t granted = 0;
    std::int64_t live_from = 0;  // since, or the last renewal's call (--renew)
  };

  Grant acquire(StressWorker& w, LeaseOracle& oracle, EventCounts& events, std::uint64_t token, const StopFlag& stop,
                std::uint64_t ops) {
    const std::int64_t deadline = wait_timeout_ > 0 ? monotonic_ns() + wait_timeout_ : INT64_MAX;
    for (;;) {
      const std::int64_t since = monotonic_ns();
      oracle.attempting(since);
      const std::uint64_t fence = store_.try_acquire(token, ttl_);
      const std::int64_t answered = monotonic_ns();
      if (fence != 0) return {fence, since, answered, since};
      oracle.refused();
      ++events[EventId::refusals];
      w.checked(CheckId::lease_expiry);
      if (oracle.refusal_unexplained(since, answered)) w.violation(CheckId::lease_expiry, ops);
      if (answered >= deadline) {
        ++events[EventId::wait_timeouts];
        return {};
      }
      if (stop.is_raised()) return {};
      // Each sleep ends within kStopCheckNs, so a stop is seen soon even with long waits (a
      // store waiter woken that way asks again: one more refusal, when it is still held).
      const std::int64_t nap_end = std::min(deadline, answered + kStopCheckNs);
      if (retry_interval_ > 0 || !lease_notifies<S>()) {
        const std::int64_t interval = retry_interval_ > 0 ? retry_interval_ : kPollWithoutNotifyNs;
        const std::int64_t next_try = std::min(deadline, answered + interval);
        while (monotonic_ns() < next_try && !stop.is_raised()) {
          detail::wait_until_ns(std::min(next_try, monotonic_ns() + kStopCheckNs));
        }
      } else {
        store_.wait(nap_end);
      }
    }
  }

  // --renew: holds until `hold_end`, extending the lease every TTL/3 from its grant or last
  // renewal (Redisson's watchdog, run by the holder between naps of its hold: a paused process
  // renews nothing, as a paused JVM's watchdog thread renews nothing). A renewal refused (the
  // lease was lost) ends the renewing; the holder finishes its hold unaware, as a real one would.
  void hold_renewing(LeaseOracle& oracle, std::uint64_t token, Grant& grant, std::int64_t hold_end) {
    std::int64_t next = grant.granted + ttl_ / 3;
    while (next < hold_end) {
      detail::wait_until_ns(next);
      oracle.renewing();
      const std::int64_t since = monotonic_ns();
      const bool renewed = store_.renew(token, ttl_);
      const std::int64_t granted = monotonic_ns();
      oracle.renewed(renewed, since, granted);
      if (!renewed) break;
      grant.live_from = since;
      next = granted + ttl_ / 3;
    }
    detail::wait_until_ns(hold_end);
  }

  // The longest a waiter sleeps without looking at the stop flag; and the poll interval for a
  // store that cannot notify when --retry-interval is 0.
  static constexpr std::int64_t kStopCheckNs = 100'000'000;
  static constexpr std::int64_t kPollWithoutNotifyNs = 1'000'000;

  // --hold: fixed, or exponential with that mean (capped at 10 times it).
  std::int64_t hold_ns(StressWorker& w) {
    if (!hold_.exponential) return hold_.ns;
    const double u = static_cast<double>(w.random() >> 11) * 0x1.0p-53;  // [0, 1)
    const double draw = -static_cast<double>(hold_.ns) * std::log1p(-u);
    return static_cast<std::int64_t>(std::min(draw, 10.0 * static_cast<double>(hold_.ns)));
  }

  S& store_;
  const LeaseShared shared_;
  const int workers_;
  const std::int64_t ttl_;
  const std::int64_t wait_timeout_;
  const std::int64_t retry_interval_;
  const HoldTime hold_;
  const bool fencing_;
  const bool renew_;
  const StressSettings settings_;
};

// The events the lease workload counts.
inline constexpr EventId kLeaseEvents[] = {EventId::overlaps,      EventId::stale_writes_accepted,
                                           EventId::stale_writes_rejected, EventId::wait_timeouts,
                                           EventId::late_releases, EventId::refusals};

template <LeaseStore S>
std::size_t lease_workload_bytes(const RunSpec& spec) {
  const auto n = static_cast<std::size_t>(spec.workers);
  return primitive_footprint<S>() + alignof(S) + n * sizeof(LeaseRecord) + alignof(LeaseRecord) +
         n * sizeof(EventCounts) + alignof(EventCounts) + sizeof(GuardedResource) + alignof(GuardedResource) +
         detail::stress_extra_bytes(spec);
}

template <LeaseStore S>
void run_lease_workload(RepetitionContext& ctx) {
  const int workers = ctx.spec.workers;
  LeaseShared shared{};
  shared.records = ctx.arena.make_array<LeaseRecord>(static_cast<std::size_t>(workers));
  shared.events = ctx.arena.make_array<EventCounts>(static_cast<std::size_t>(workers));
  shared.resource = ctx.arena.make<GuardedResource>();
  shared.tallies = detail::make_tallies(ctx);
  detail::mark_applies(shared.tallies, workers,
                       {CheckId::lease_exclusion, CheckId::fence_order, CheckId::lease_expiry, CheckId::lease_release});
  S* store = make_primitive<S>(ctx.arena, ctx.spec);
  LeaseLoop<S> loop(*store, shared, ctx);
  run_workers(ctx, loop);

  detail::merge_events(ctx, shared.events, kLeaseEvents);
  detail::merge_tallies(ctx, shared.tallies);
  if (!ctx.spec.stress) detail::report_failed_checks(ctx);
  store->~S();
}

}  // namespace contend

#pragma once
// The isolation workload (`contend run isolation`, `contend stress isolation`): transactions that
// add one to --take of --rows counters kept in a database (a CounterStore, primitives/primitive.hpp:
// pg-counters), at an isolation level (--level), by read-modify-write or by the server (--update),
// taking the rows in ascending order or a random one (--order). A transaction the server rolls
// back (40001 serialization failure, 40P01 deadlock, 55P03 lock not available) is tried again, as
// an application's retry loop does, until it commits or the run stops; an operation is one
// committed transaction, its latency from the first attempt to the commit.
//
// What is counted: each worker's committed increments (in the arena, its own slot); after the run
// the counters' sum is compared with them. Increments that committed but are missing from the sum
// are lost updates: rep.lost_updates and the "lost updates" event, and in `stress` the "lost
// updates" check (read committed with rmw loses them by design: `stress` says so, `run` reports
// the count). Events: serialization failures, deadlocks and locks not available, each a
// rolled-back attempt.
#include <algorithm>

#include "workloads/stress_common.hpp"

namespace contend {

struct IsolationShared {
  std::uint64_t* committed;  // per worker: increments its committed transactions made
  EventCounts* events;       // per worker
  CheckTallies* tallies;     // per worker
};

template <CounterStore T>
class IsolationLoop {
 public:
  IsolationLoop(T& store, const IsolationShared& shared, const RepetitionContext& ctx)
      : store_(store),
        shared_(shared),
        rows_(ctx.spec.rows),
        take_(std::min(ctx.spec.take, ctx.spec.rows)),
        random_order_(ctx.spec.random_order),
        level_(ctx.spec.level),
        update_(ctx.spec.update),
        settings_(ctx) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    StressWorker w(settings_, worker, slot, shared_.tallies[worker]);
    EventCounts warmup_events;  // warmup's are dropped, as its operations are
    const bool measuring = &stop == &settings_.control->stop;
    EventCounts& events = measuring ? shared_.events[worker] : warmup_events;
    std::uint64_t warmup_committed = 0;
    // Warmup's increments are in the sum too: they are counted, wherever the run is.
    std::uint64_t& committed = measuring ? shared_.committed[worker] : warmup_committed;
    std::uint32_t ids[64];
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      choose(w, ids);
      const bool sample = kSample && w.should_sample();
      const std::uint64_t t0 = w.begin_wait(sample);
      bool done = false;
      while (!done && !stop.is_raised()) {
        switch (store_.add_one(ids, take_, level_, update_)) {
          case TxnOutcome::committed: done = true; break;
          case TxnOutcome::serialization_failure: ++events[EventId::serialization_failures]; break;
          case TxnOutcome::deadlock: ++events[EventId::deadlocks_detected]; break;
          case TxnOutcome::lock_not_available: ++events[EventId::locks_not_available]; break;
        }
      }
      if (!done) break;  // stopped while retrying: nothing committed, nothing counted
      w.end_wait(t0, sample, false);
      committed += take_;
      w.inside_work();
      ++ops;
      w.released(ops);
    }
    if (!measuring) shared_.committed[worker] += warmup_committed;
    return ops;
  }

 private:
  // The transaction's counters: take_ distinct ones, ascending or shuffled.
  void choose(StressWorker& w, std::uint32_t* ids) const {
    for (std::uint32_t i = 0; i < take_;) {
      const auto id = static_cast<std::uint32_t>(w.random() % rows_);
      if (std::find(ids, ids + i, id) != ids + i) continue;
      ids[i++] = id;
    }
    std::sort(ids, ids + take_);
    if (!random_order_) return;
    for (std::uint32_t i = take_ - 1; i > 0; --i) std::swap(ids[i], ids[w.random() % (i + 1)]);
  }

  T& store_;
  const IsolationShared shared_;
  const std::uint32_t rows_;
  const std::uint32_t take_;
  const bool random_order_;
  const IsolationLevel level_;
  const UpdateMode update_;
  const StressSettings settings_;
};

inline constexpr EventId kIsolationEvents[] = {EventId::serialization_failures, EventId::deadlocks_detected,
                                               EventId::locks_not_available};

template <CounterStore T>
std::size_t isolation_workload_bytes(const RunSpec& spec) {
  const auto n = static_cast<std::size_t>(spec.workers);
  return sizeof(T) + alignof(T) + n * sizeof(std::uint64_t) + 64 + n * sizeof(EventCounts) + alignof(EventCounts) +
         detail::stress_extra_bytes(spec);
}

template <CounterStore T>
void run_isolation_workload(RepetitionContext& ctx) {
  const RunSpec& spec = ctx.spec;
  IsolationShared shared{};
  shared.committed = ctx.arena.make_array<std::uint64_t>(static_cast<std::size_t>(spec.workers));
  shared.events = ctx.arena.make_array<EventCounts>(static_cast<std::size_t>(spec.workers));
  shared.tallies = detail::make_tallies(ctx);
  T* store = new (ctx.arena.allocate(sizeof(T), alignof(T))) T(spec.rows, backend_settings(spec), sharing_for(spec.mode));
  IsolationLoop<T> loop(*store, shared, ctx);
  run_workers(ctx, loop);

  detail::merge_events(ctx, shared.events, kIsolationEvents);
  detail::merge_tallies(ctx, shared.tallies);
  // Every committed increment should be in the sum (a crashed worker's last commit may not have
  // been counted: the check is left to the crash's verdict then).
  if (ctx.control.crash_signal == 0) {
    std::uint64_t committed = 0;
    for (int w = 0; w < spec.workers; ++w) committed += shared.committed[w];
    const std::uint64_t kept = store->sum();
    ctx.control.checked_updates = committed;
    ctx.control.lost_updates = committed > kept ? committed - kept : 0;
    // The count is a figure of `run` too (read committed with rmw loses them by design).
    ctx.control.events[EventId::increments_lost] = ctx.control.lost_updates;
    ctx.control.events_counted |= 1U << static_cast<std::uint32_t>(EventId::increments_lost);
    CheckTally& t = ctx.control.checks[CheckId::lost_updates];
    t.applies = 1;
    t.checked = committed;
    t.violations = ctx.control.lost_updates;
    if (t.violations > 0) {
      detail::set_note(t, fmt::format("{} of {} committed increments are missing from the counters' sum ({})",
                                      t.violations, committed, kept));
    }
  }
  store->~T();
}

}  // namespace contend

#pragma once
// `contend stress rw`: a writer is alone (no reader, no other writer), checked by the reader and
// writer counts and by the transparent owner word (stress_common.hpp says how).
#include "workloads/stress_common.hpp"

namespace contend {

template <RwLock R>
class RwStressLoop {
 public:
  RwStressLoop(R& lock, ExclusionWords& words, SharedLine* lines, CheckTallies* tallies, const RepetitionContext& ctx)
      : lock_(lock), words_(words), lines_(lines), tallies_(tallies), cs_lines_(ctx.spec.cs_lines),
        read_percent_(ctx.spec.read_percent), settings_(ctx) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    StressWorker w(settings_, worker, slot, tallies_[worker]);
    const std::uint64_t token = static_cast<std::uint64_t>(worker) + 1;
    std::uint64_t ops = 0;
    std::uint64_t writes = 0;
    std::uint64_t sink = 0;
    while (ops < quota && !stop.is_raised()) {
      const bool write = w.random() % 100 >= read_percent_;
      const bool sample = kSample && w.should_sample();
      const std::uint64_t t0 = w.begin_wait(sample);
      if (write) {
        lock_.lock();
      } else {
        lock_.lock_shared();
      }
      const std::uint64_t t1 = sample ? settings_.clock.now() : 0;
      // Only a writer's entry shows a killed holder no longer blocks the lock: a dead reader
      // still keeps every writer out.
      w.end_wait(t0, false, write);
      // Writes are timed apart, as in the rw workload.
      if (sample && w.wait_outside_windows()) {
        (write ? slot.write_latency : slot.latency).record(settings_.clock.to_ns(t1 - t0));
      }
      const bool strong = settings_.strong_window_now();
      if (strong) {
        w.checked(CheckId::rw_exclusion);
        const std::uint64_t before = words_.occupancy.fetch_add(write ? kWriterUnit : 1, std::memory_order_acq_rel);
        if (write ? before != 0 : before >= kWriterUnit) w.violation(CheckId::rw_exclusion, ops);
      } else {
        w.checked(CheckId::exclusion_transparent);
        if (words_.owner.load(std::memory_order_relaxed) != 0) w.violation(CheckId::exclusion_transparent, ops);
        if (write) words_.owner.store(token, std::memory_order_relaxed);
      }
      if (w.fault_due(stop)) {
        // The checker's words are put back before dying; the lock's own state goes with the process.
        if (settings_.fault.kind == FaultKind::kill_holder) {
          if (strong) {
            words_.occupancy.fetch_sub(write ? kWriterUnit : 1, std::memory_order_acq_rel);
          } else if (write) {
            words_.owner.store(0, std::memory_order_relaxed);
          }
        }
        w.strike([&] {
          if constexpr (SessionBound<R>) lock_.end_session();
        });
      }
      if (write) {
        for (std::uint32_t i = 0; i < cs_lines_; ++i) lines_[i].increment();
      } else {
        for (std::uint32_t i = 0; i < cs_lines_; ++i) sink += lines_[i].value.load(std::memory_order_relaxed);
      }
      w.inside_work();
      if (strong) {
        words_.occupancy.fetch_sub(write ? kWriterUnit : 1, std::memory_order_acq_rel);
      } else {
        const std::uint64_t owner = words_.owner.load(std::memory_order_relaxed);
        if (owner != (write ? token : 0)) w.violation(CheckId::exclusion_transparent, ops);
        if (write) words_.owner.store(0, std::memory_order_relaxed);
      }
      if (write) {
        lock_.unlock();
        ++writes;
      } else {
        lock_.unlock_shared();
      }
      ++ops;
      w.released(ops);
    }
    asm volatile("" : : "r"(sink));
    slot.write_operations = writes;
    return ops;
  }

 private:
  R& lock_;
  ExclusionWords& words_;
  SharedLine* const lines_;
  CheckTallies* const tallies_;
  const std::uint32_t cs_lines_;
  const std::uint32_t read_percent_;
  const StressSettings settings_;
};

template <RwLock R>
std::size_t rw_stress_bytes(const RunSpec& spec) {
  return rw_workload_bytes<R>(spec) + detail::stress_extra_bytes(spec);
}

template <RwLock R>
void run_rw_stress(RepetitionContext& ctx) {
  SharedLine* lines = make_shared_lines(ctx.arena, ctx.spec.cs_lines);
  auto* words = ctx.arena.make<ExclusionWords>();
  CheckTallies* tallies = detail::make_tallies(ctx);
  R* lock = make_primitive<R>(ctx.arena, ctx.spec);
  RwStressLoop<R> loop(*lock, *words, lines, tallies, ctx);
  detail::mark_applies(tallies, ctx.spec.workers, {CheckId::rw_exclusion, CheckId::exclusion_transparent});
  // Lost wake-ups: a waiter asleep while nobody at all is inside (a waiting writer next to
  // readers inside is not stranded).
  ctx.control.holders_allowed = 1;
  ctx.control.waits_on_server = backend_of<R>().empty() ? 0 : 1;
  run_workers(ctx, loop);

  detail::merge_tallies(ctx, tallies);
  std::uint64_t writes = 0;
  for (int w = 0; w < ctx.spec.workers; ++w) {
    writes += ctx.slots[w].warmup_write_operations + ctx.slots[w].write_operations;
  }
  detail::lost_updates_tally(ctx, lines, writes);
  lock->~R();
}

}  // namespace contend

#pragma once
// `contend stress lock`: every operation checks strong and transparent mutual exclusion, lost
// updates, and (one acquisition in four) try_lock while held (stress_common.hpp says how).
//
// Bounded waiting: every timed acquisition by lock() reads the shared counter (critical sections
// completed so far) just before calling lock() — its arrival — and again on entry; the
// difference is how many critical sections other workers completed in between: its overtakes.
// A FIFO lock lets each other worker in at most once ahead of an arrival, plus once more for the
// race between reading the counter and the lock's own enqueue, and any number when the arriving
// worker is preempted there (stress_verdict.cpp says what bound and slack that makes). Acquisitions by
// try_lock are not counted: a spinning try_lock is not in any queue.
#include "workloads/stress_common.hpp"

namespace contend {

template <Lock L>
class LockStressLoop {
 public:
  LockStressLoop(L& lock, ExclusionWords& words, SharedLine* lines, CheckTallies* tallies, const RepetitionContext& ctx)
      : lock_(lock), words_(words), lines_(lines), tallies_(tallies), cs_lines_(ctx.spec.cs_lines), settings_(ctx),
        can_try_(supports_try_lock(lock)) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    StressWorker w(settings_, worker, slot, tallies_[worker]);
    const std::uint64_t token = static_cast<std::uint64_t>(worker) + 1;
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      const bool by_try = can_try_ && (w.random() & 3) == 0;
      const bool sample = kSample && w.should_sample();
      const bool count_overtakes = sample && !by_try && cs_lines_ > 0;
      const std::uint64_t t0 = w.begin_wait(sample);
      const std::uint64_t arrival = count_overtakes ? lines_[0].value.load(std::memory_order_relaxed) : 0;
      if (by_try) {
        if constexpr (TryLock<L>) spin_on_try([&] { return lock_.try_lock(); });
      } else {
        lock_.lock();
      }
      w.end_wait(t0, sample);
      if (count_overtakes) w.overtaken(arrival, lines_[0].value.load(std::memory_order_relaxed));
      const CheckId entry_check = by_try ? CheckId::try_lock_exclusion : CheckId::exclusion_strong;
      const bool strong = settings_.strong_window_now();
      if (strong) {
        w.checked(entry_check);
        if (words_.occupancy.fetch_add(1, std::memory_order_acq_rel) != 0) w.violation(entry_check, ops);
      } else {
        w.checked(by_try ? CheckId::try_lock_exclusion : CheckId::exclusion_transparent);
        if (words_.owner.load(std::memory_order_relaxed) != 0) {
          w.violation(by_try ? CheckId::try_lock_exclusion : CheckId::exclusion_transparent, ops);
        }
        words_.owner.store(token, std::memory_order_relaxed);
      }
      if (w.fault_due(stop)) {
        // Dying inside: contend's own checker words are put back first (they are instruments,
        // not the lock's data), so the next holder's entry checks judge the lock alone.
        if (settings_.fault.kind == FaultKind::kill_holder) {
          if (strong) {
            words_.occupancy.fetch_sub(1, std::memory_order_acq_rel);
          } else {
            words_.owner.store(0, std::memory_order_relaxed);
          }
        }
        w.strike([&] {
          if constexpr (SessionBound<L>) lock_.end_session();
        });
      }
      // Read-modify-write of the shared lines spans the critical section (read on entry, write
      // back on exit), so that two workers inside at once lose an update even when they entered
      // a little apart.
      if (cs_lines_ == 1) {
        const std::uint64_t seen = lines_[0].value.load(std::memory_order_relaxed);
        w.inside_work();
        lines_[0].value.store(seen + 1, std::memory_order_relaxed);
      } else {
        for (std::uint32_t i = 0; i < cs_lines_; ++i) lines_[i].increment();
        w.inside_work();
      }
      if (strong) {
        words_.occupancy.fetch_sub(1, std::memory_order_acq_rel);
      } else {
        // Someone entered while we were inside: their entry was the bad one, seen from here.
        if (words_.owner.load(std::memory_order_relaxed) != token) w.violation(CheckId::exclusion_transparent, ops);
        words_.owner.store(0, std::memory_order_relaxed);
      }
      lock_.unlock();
      ++ops;
      w.released(ops);
    }
    return ops;
  }

  bool can_try() const { return can_try_; }

 private:
  L& lock_;
  ExclusionWords& words_;
  SharedLine* const lines_;
  CheckTallies* const tallies_;
  const std::uint32_t cs_lines_;
  const StressSettings settings_;
  const bool can_try_;
};

template <Lock L>
std::size_t lock_stress_bytes(const RunSpec& spec) {
  return lock_workload_bytes<L>(spec) + detail::stress_extra_bytes(spec);
}

template <Lock L>
void run_lock_stress(RepetitionContext& ctx) {
  SharedLine* lines = make_shared_lines(ctx.arena, ctx.spec.cs_lines);
  auto* words = ctx.arena.make<ExclusionWords>();
  CheckTallies* tallies = detail::make_tallies(ctx);
  L* lock = make_primitive<L>(ctx.arena, ctx.spec);
  LockStressLoop<L> loop(*lock, *words, lines, tallies, ctx);
  detail::mark_applies(tallies, ctx.spec.workers, {CheckId::exclusion_strong, CheckId::exclusion_transparent});
  ctx.control.fifo_contract = is_fifo<L>() ? 1 : 0;
  ctx.control.holders_allowed = 1;
  ctx.control.waits_on_server = backend_of<L>().empty() ? 0 : 1;
  if (loop.can_try()) detail::mark_applies(tallies, ctx.spec.workers, {CheckId::try_lock_exclusion});
  run_workers(ctx, loop);

  detail::merge_tallies(ctx, tallies);
  if (!loop.can_try()) {
    CheckTally& t = ctx.control.checks[CheckId::try_lock_exclusion];
    t.applies = 1;
    detail::set_note(t, "not checked: the lock has no try_lock");
  }
  detail::lost_updates_tally(ctx, lines, critical_sections(ctx));
  lock->~L();
}

}  // namespace contend

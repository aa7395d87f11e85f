#pragma once
// `contend stress semaphore`: holders never exceed the permits, and after the run exactly
// `permits` try_acquire calls succeed (stress_common.hpp says how).
#include "workloads/stress_common.hpp"

namespace contend {

template <Semaphore S>
class SemaphoreStressLoop {
 public:
  SemaphoreStressLoop(S& sem, ExclusionWords& words, CheckTallies* tallies, const RepetitionContext& ctx)
      : sem_(sem), words_(words), tallies_(tallies), permits_(ctx.spec.permits), settings_(ctx),
        can_try_(supports_try_acquire(sem)) {}

  template <bool kSample>
  std::uint64_t run(int worker, WorkerSlot& slot, const StopFlag& stop, std::uint64_t quota) {
    StressWorker w(settings_, worker, slot, tallies_[worker]);
    std::uint64_t ops = 0;
    while (ops < quota && !stop.is_raised()) {
      const bool by_try = can_try_ && (w.random() & 3) == 0;
      const bool sample = kSample && w.should_sample();
      const std::uint64_t t0 = w.begin_wait(sample);
      if (by_try) {
        if constexpr (TrySemaphore<S>) spin_on_try([&] { return static_cast<bool>(sem_.try_acquire()); });
      } else {
        sem_.acquire();
      }
      w.end_wait(t0, sample);
      w.checked(CheckId::semaphore_holders);
      if (words_.occupancy.fetch_add(1, std::memory_order_acq_rel) + 1 > permits_) {
        w.violation(CheckId::semaphore_holders, ops);
      }
      if (w.fault_due(stop)) {
        // The checker's holder count is put back before dying (an instrument, not the
        // semaphore's state): the permit itself goes with the process, as it would.
        if (settings_.fault.kind == FaultKind::kill_holder) words_.occupancy.fetch_sub(1, std::memory_order_acq_rel);
        w.strike();
      }
      w.inside_work();
      words_.occupancy.fetch_sub(1, std::memory_order_acq_rel);
      sem_.release();
      ++ops;
      w.released(ops);
    }
    return ops;
  }

  bool can_try() const { return can_try_; }

 private:
  S& sem_;
  ExclusionWords& words_;
  CheckTallies* const tallies_;
  const std::uint64_t permits_;
  const StressSettings settings_;
  const bool can_try_;
};

template <Semaphore S>
std::size_t semaphore_stress_bytes(const RunSpec& spec) {
  return semaphore_workload_bytes<S>(spec) + detail::stress_extra_bytes(spec);
}

template <Semaphore S>
void run_semaphore_stress(RepetitionContext& ctx) {
  auto* words = ctx.arena.make<ExclusionWords>();
  CheckTallies* tallies = detail::make_tallies(ctx);
  S* sem = make_semaphore<S>(ctx.arena, ctx.spec, ctx.spec.permits);
  SemaphoreStressLoop<S> loop(*sem, *words, tallies, ctx);
  detail::mark_applies(tallies, ctx.spec.workers, {CheckId::semaphore_holders});
  ctx.control.holders_allowed = ctx.spec.permits;
  ctx.control.waits_on_server = backend_of<S>().empty() ? 0 : 1;
  run_workers(ctx, loop);

  detail::merge_tallies(ctx, tallies);
  // Every worker released what it took, so exactly `permits` can be taken now: fewer means
  // permits leaked away, more means the semaphore made some up.
  CheckTally& conserved = ctx.control.checks[CheckId::permits_conserved];
  conserved.applies = 1;
  if constexpr (TrySemaphore<S>) {
    if (loop.can_try() && ctx.control.crash_signal == 0) {
      const std::uint64_t permits = ctx.spec.permits;
      std::uint64_t taken = 0;
      // Up to permits + 1: one more than it should hold is enough to tell. A failed try is
      // retried a few times: try_acquire may fail spuriously under contention, and there is
      // none now.
      for (int misses = 0; taken <= permits && misses < 3;) {
        if (sem->try_acquire()) {
          ++taken;
        } else {
          ++misses;
          sched_yield();
        }
      }
      for (std::uint64_t i = 0; i < taken; ++i) sem->release();
      conserved.checked = permits;
      if (taken != permits) {
        conserved.violations = taken > permits ? taken - permits : permits - taken;
        // --fault kill-holder: a permit held by a killed process is lost unless the semaphore
        // undoes a dead holder's acquire (none here does; POSIX's does not).
        const std::uint32_t killed = ctx.spec.fault.kind == FaultKind::kill_holder
                                         ? ctx.control.faults_injected.load(std::memory_order_relaxed)
                                         : 0;
        const std::string dead = killed == 0 ? std::string()
                                             : fmt::format("; {} holder{} killed by --fault kill-holder took {} permit{} "
                                                           "with {}",
                                                           killed, killed == 1 ? "" : "s", killed == 1 ? "its" : "their",
                                                           killed == 1 ? "" : "s", killed == 1 ? "it" : "them");
        detail::set_note(conserved, taken > permits
                                        ? fmt::format("more than {} permits could be taken after the run", permits)
                                        : fmt::format("only {} of {} permits could be taken after the run{}", taken,
                                                      permits, dead));
      }
    }
  }
  if (conserved.checked == 0 && conserved.note[0] == '\0') {
    detail::set_note(conserved, "not checked: the semaphore has no try_acquire");
  }
  sem->~S();
}

}  // namespace contend

#pragma once
// The measured loop every acquire/hold/release workload shares: acquire (timed on sampled
// operations), work inside, release, work outside, count. A workload supplies only the three
// operations; the loop is a template over them, so the primitive is called directly.
#include <cstdint>

#include "workloads/busy_work.hpp"
#include "workloads/clock.hpp"
#include "workloads/engine.hpp"
#include "workloads/sampler.hpp"

namespace contend {

struct LoopSettings {
  std::uint64_t inside_iterations;   // calibrated busy work while holding
  std::uint64_t outside_iterations;  // calibrated busy work between operations
  std::uint64_t sample_every;
  std::uint64_t seed;
  LatencyClock clock;

  explicit LoopSettings(const RepetitionContext& ctx)
      : inside_iterations(work_iterations(ctx.calibrations.work, ctx.spec.cs_ns)),
        outside_iterations(work_iterations(ctx.calibrations.work, effective_outside_ns(ctx.spec))),
        sample_every(ctx.spec.sample_every),
        seed(ctx.spec.seed),
        clock(ctx.calibrations.clock) {}
};

// `Ops` provides acquire(), inside() (the workload's own writes while holding) and release().
// An Ops that counts its entries on a shared line (the lock workload) also provides
// entries_counted() and entries(): timed acquisitions then record their overtakes, the entries
// by others between arrival and entry. The arrival read comes before the clock starts, so it
// adds nothing to the latency sample.
template <bool kSample, class Ops>
std::uint64_t acquire_release_loop(Ops& ops_of, const LoopSettings& s, int worker, WorkerSlot& slot,
                                   const StopFlag& stop, std::uint64_t quota) {
  Sampler sampler(s.sample_every, worker_seed(s.seed, worker));
  std::uint64_t ops = 0;
  while (ops < quota && !stop.is_raised()) {
    if (kSample && sampler.should_sample()) {
      if constexpr (requires { ops_of.entries(); }) {
        const std::uint64_t arrival = ops_of.entries();
        const std::uint64_t t0 = s.clock.now();
        ops_of.acquire();
        const std::uint64_t t1 = s.clock.now();
        const std::uint64_t entry = ops_of.entries();
        slot.latency.record(s.clock.to_ns(t1 - t0));
        if (ops_of.entries_counted()) slot.overtakes.record(entry >= arrival ? entry - arrival : 0);
      } else {
        const std::uint64_t t0 = s.clock.now();
        ops_of.acquire();
        const std::uint64_t t1 = s.clock.now();
        slot.latency.record(s.clock.to_ns(t1 - t0));
      }
    } else {
      ops_of.acquire();
    }
    ops_of.inside();
    if (s.inside_iterations != 0) busy_iterations(s.inside_iterations);
    ops_of.release();
    if (s.outside_iterations != 0) busy_iterations(s.outside_iterations);
    ++ops;
    // Published to the worker's own cache line, for the watchdog; a register count otherwise.
    if ((ops & 1023) == 0) slot.progress.store(ops, std::memory_order_relaxed);
  }
  return ops;
}

}  // namespace contend
